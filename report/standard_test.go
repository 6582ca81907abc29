package report_test

import (
	"testing"

	"sothon/locales"
	"sothon/report"
	"sothon/store"
	"sothon/store/counting"
)

// The figures by the new standard count the households once each, beside
// their class by the standard in force.
func TestProjectionBesideTheCurrentFigures(t *testing.T) {
	t.Parallel()
	c := store.Counters{
		counting.ProjectedCounter("nd351-2025", "poor"): 2, counting.ProjectedCounter("nd351-2025", "near_poor"): 1,
		counting.ProjectedCounter("nd351-2025", "none"):       1,
		counting.ProjectedBaseCounter("nd351-2025", "middle"): 2, counting.ProjectedBaseCounter("nd351-2025", "near_poor"): 2,
		counting.StatusCounter("poor"): 7,
	}
	p, ok := report.ProjectionOf(c)
	if !ok || p.Standard.ID != "nd351-2025" || p.Households != 4 || p.Poor != 2 || p.NearPoor != 1 || p.WasPoor != 0 || p.WasNearPoor != 2 {
		t.Fatalf("projection: %+v %v", p, ok)
	}
	want := "Theo chuẩn mới (giai đoạn 2027–2030), 4 hộ đã rà soát có phân loại theo cả hai chuẩn: nghèo 2 (+2), cận nghèo 1 (−1) so với chuẩn hiện hành"
	if got := report.ProjectionLine(c, locales.MustLoad(), "vi"); got != want {
		t.Errorf("line:\n got %s\nwant %s", got, want)
	}
	j := report.Stats{Counters: c}.JSON(nil)
	if j.Projection == nil || j.Projection.Households != 4 || j.Projection.Period != "2027–2030" || j.Projection.WasNearPoor != 2 {
		t.Errorf("json: %+v", j.Projection)
	}
	if _, ok := report.ProjectionOf(store.Counters{counting.StatusCounter("poor"): 7}); ok || report.ProjectionLine(store.Counters{}, locales.MustLoad(), "vi") != "" {
		t.Error("a projection without any household reviewed for it")
	}
}
