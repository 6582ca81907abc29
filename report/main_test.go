package report_test

import (
	"context"
	"os"
	"testing"
)

var ctx = context.Background()

func TestMain(m *testing.M) {
	code := m.Run()
	if provinceDir != "" {
		os.RemoveAll(provinceDir)
	}
	os.Exit(code)
}
