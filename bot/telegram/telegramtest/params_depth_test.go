package telegramtest

import (
	"strings"
	"testing"
)

// encoding/json refuses an object nested deeper than 10,000 levels, the
// object of parameters counted; readParams must refuse it too.
func TestReadParamsDepthAsEncodingJSON(t *testing.T) {
	const depth = 10000 // the value's own levels; the object makes one more
	body := []byte(`{"a":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}`)
	_, wantErr := decodeParams(body)
	err := readParams(body, map[string]string{})
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("readParams says %v, encoding/json %v", err, wantErr)
	}
}

// One level less is taken by both.
func TestReadParamsDepthJustBelow(t *testing.T) {
	const depth = 9999
	body := []byte(`{"a":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}`)
	_, wantErr := decodeParams(body)
	err := readParams(body, map[string]string{})
	if err != nil || wantErr != nil {
		t.Fatalf("readParams says %v, encoding/json %v", err, wantErr)
	}
}
