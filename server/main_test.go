package server

import (
	"flag"
	"os"
	"testing"
)

// TestMain lets more of the server's tests run at once than there are
// cores: they spend their time waiting on loopback HTTP and the fake
// platforms, not computing (on 2 cores the package takes a third of the
// time). A -parallel given on the command line still wins.
func TestMain(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		flag.Set("test.parallel", "8")
	}
	os.Exit(m.Run())
}
