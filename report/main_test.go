package report_test

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if provinceDir != "" {
		os.RemoveAll(provinceDir)
	}
	os.Exit(code)
}
