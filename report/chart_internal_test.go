package report

import (
	"strings"
	"testing"
)

// The chart's axis reads as the reader writes numbers: "0,25", not "0.25".
func TestAxisInLocalNumbers(t *testing.T) {
	t.Parallel()
	var labels []string
	for _, tick := range (localTicks{lang: "vi"}).Ticks(0, 0.9) {
		if tick.Label != "" {
			labels = append(labels, tick.Label)
		}
	}
	joined := strings.Join(labels, " ")
	if !strings.Contains(joined, "0,4") || strings.Contains(joined, ".") {
		t.Errorf("tick labels %q: want decimal commas", joined)
	}
}
