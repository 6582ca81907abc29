package platformtest

import (
	"net"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
)

// nextPort walks the ports below Linux's ephemeral range (32768–60999),
// from a start that differs between test processes.
var nextPort atomic.Int32

func init() { nextPort.Store(int32(20000 + os.Getpid()*97%10000)) }

// FreeAddr is a loopback address nobody listens on, for a server a test
// starts itself. Its port lies below the kernel's ephemeral range: a port
// taken from ":0" and let go can be handed to one of the tests' outgoing
// connections before the server listens on it ("address already in use").
func FreeAddr(t testing.TB) string {
	t.Helper()
	for range 1000 {
		port := 20000 + int(nextPort.Add(1))%10000
		addr := "127.0.0.1:" + strconv.Itoa(port)
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			continue // someone else's
		}
		ln.Close()
		return addr
	}
	t.Fatal("no free port below the ephemeral range")
	return ""
}
