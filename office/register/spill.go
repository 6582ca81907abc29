package register

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"sothon/store"
)

// spill keeps the good rows of a register as the check reads them, in a
// temporary file, so that storing them reads no file twice: a row is kept
// as its village's number, then the household id, the head's name, the
// members and the status, each string preceded by its length. A province's
// register of 1,000,000 rows takes about 40 MB there, none of it in memory.
type spill struct {
	f       *os.File
	w       *bufio.Writer
	village map[string]int // village id: its number
	names   []string       // by number
	buf     []byte
}

func newSpill(dir string) (*spill, error) {
	f, err := os.CreateTemp(dir, "sothon-register-rows-")
	if err != nil {
		return nil, fmt.Errorf("register: keep the rows: %w", err)
	}
	return &spill{f: f, w: bufio.NewWriterSize(f, 256<<10), village: map[string]int{}}, nil
}

// add keeps a good row.
func (s *spill) add(hh store.Household) error {
	n, ok := s.village[hh.AreaID]
	if !ok {
		n = len(s.names)
		s.village[hh.AreaID] = n
		s.names = append(s.names, hh.AreaID)
	}
	b := binary.AppendUvarint(s.buf[:0], uint64(n))
	for _, str := range []string{hh.ID, hh.HeadName, hh.Status} {
		b = binary.AppendUvarint(b, uint64(len(str)))
		b = append(b, str...)
	}
	b = binary.AppendUvarint(b, uint64(hh.Members))
	s.buf = b
	_, err := s.w.Write(b)
	return err
}

// each reads the rows kept, in order, each a household as of now.
func (s *spill) each(now time.Time, fn func(store.Household) error) error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("register: keep the rows: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r := bufio.NewReaderSize(s.f, 256<<10)
	statuses := map[string]string{}
	for {
		n, err := binary.ReadUvarint(r)
		if err == io.EOF {
			return nil
		}
		if err != nil || n >= uint64(len(s.names)) {
			return errSpill
		}
		hh := store.Household{AreaID: s.names[n], StatusAt: now}
		for i, str := range []*string{&hh.ID, &hh.HeadName, &hh.Status} {
			b, err := s.read(r)
			switch {
			case err != nil:
				return err
			case i < 2:
				*str = string(b)
			case statuses[string(b)] == "":
				statuses[string(b)] = string(b)
				fallthrough
			default:
				*str = statuses[string(b)]
			}
		}
		members, err := binary.ReadUvarint(r)
		if err != nil {
			return errSpill
		}
		hh.Members = int(members)
		if err := fn(hh); err != nil {
			return err
		}
	}
}

var errSpill = errors.New("register: the rows kept are cut short")

// read reads a length and that many bytes, good until the next read.
func (s *spill) read(r *bufio.Reader) ([]byte, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil || n > maxRowBytes {
		return nil, errSpill
	}
	s.buf = append(s.buf[:0], make([]byte, n)...)
	if _, err := io.ReadFull(r, s.buf); err != nil {
		return nil, errSpill
	}
	return s.buf, nil
}

func (s *spill) close() {
	s.f.Close()
	os.Remove(s.f.Name())
}
