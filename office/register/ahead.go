package register

import "fmt"

// readAhead reads a register's rows in a goroutine of its own, a few
// hundred ahead of their check: decoding the text (or the sheet) and
// checking the rows then each have a core. What it holds is bounded: two
// chunks waiting and the one being read.
type readAhead struct {
	chunks chan rowChunk
	stop   chan struct{}
	done   chan struct{} // closed when the reading has stopped
	cur    rowChunk
	i      int
}

// rowChunk is rows read in a row, then the error that ended them, if any.
type rowChunk struct {
	rows  [][]string
	lines []int
	err   error
}

const aheadRows = 512

func newReadAhead(src rowReader) *readAhead {
	a := &readAhead{chunks: make(chan rowChunk, 2), stop: make(chan struct{}), done: make(chan struct{})}
	go a.run(src)
	return a
}

func (a *readAhead) run(src rowReader) {
	defer close(a.done)
	for {
		ch := rowChunk{rows: make([][]string, 0, aheadRows), lines: make([]int, 0, aheadRows)}
		var cells []string // the chunk's cells, one array for all its rows
		for len(ch.rows) < aheadRows {
			row, line, err := safeNext(src)
			if err != nil {
				ch.err = err
				break
			}
			if cells == nil {
				cells = make([]string, 0, aheadRows*len(row))
			}
			start := len(cells)
			cells = append(cells, row...) // a row is good only until the next
			ch.rows = append(ch.rows, cells[start:len(cells):len(cells)])
			ch.lines = append(ch.lines, line)
		}
		select {
		case a.chunks <- ch:
		case <-a.stop:
			return
		}
		if ch.err != nil {
			return
		}
	}
}

func (a *readAhead) next() ([]string, int, error) {
	for a.i >= len(a.cur.rows) {
		if a.cur.err != nil {
			return nil, 0, a.cur.err
		}
		a.cur, a.i = <-a.chunks, 0
	}
	a.i++
	return a.cur.rows[a.i-1], a.cur.lines[a.i-1], nil
}

// close stops the reading and waits for it; the source is closed by its
// owner after.
func (a *readAhead) close() error {
	close(a.stop)
	<-a.done
	return nil
}

// safeNext is src.next, its panic an error: it runs apart from the
// import's goroutine, whose caller would otherwise recover it.
func safeNext(src rowReader) (row []string, line int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("register: read: %v", r)
		}
	}()
	return src.next()
}
