// Package hub declares what crosses: a function type, a field, a
// parameter and an interface.
package hub

// Hook is called back.
type Hook func(n int) error

// Options carry a function field and a named one.
type Options struct {
	Now    func() int
	OnDone Hook
	quiet  func()
}

// Doer is implemented elsewhere.
type Doer interface {
	Do(n int) error
}

// Run takes a function.
func Run(o Options, each func(string) bool) {}

// run is not exported.
func run(each func()) {}
