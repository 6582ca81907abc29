// Package spoke passes functions to hub and implements its interface.
package spoke

import "crossings/hub"

// Worker does.
type Worker struct{}

// Do does n.
func (Worker) Do(n int) error { return nil }

// Start passes a hook along.
func Start(h hub.Hook) { hub.Run(hub.Options{OnDone: h}, nil) }
