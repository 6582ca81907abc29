package report

import (
	"bytes"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"sothon/flows/poverty"
	"sothon/locales"
	"sothon/store/counting"
	"sothon/tree"
)

// Chart draws the poor and near-poor rates of each sub-area (of its own
// households_total) as grouped bars, as a PNG.
func Chart(st Stats, cat *locales.Catalog, lang string) ([]byte, error) {
	p := plot.New()
	p.Title.Text = cat.T(lang, "chart.title", "area", st.Label)
	p.Y.Label.Text = "%"
	areas := st.Children
	if len(areas) == 0 { // a village: one group, its own
		areas = []Child{{Area: st.Area, Counters: st.Counters}}
	}
	poor, near := make(plotter.Values, len(areas)), make(plotter.Values, len(areas))
	names := make([]string, len(areas))
	for i, c := range areas {
		total := float64(max(c.Area.HouseholdsTotal, 1))
		poor[i] = 100 * float64(c.Counters[counting.StatusCounter(poverty.Poor)]) / total
		near[i] = 100 * float64(c.Counters[counting.StatusCounter(poverty.NearPoor)]) / total
		names[i] = tree.ShortName(c.Area)
	}
	w := vg.Points(14)
	bars := []struct {
		values plotter.Values
		key    string
		color  color.Color
		offset vg.Length
	}{
		{poor, "chart.poor", color.RGBA{R: 200, G: 40, B: 40, A: 255}, -w / 2},
		{near, "chart.near_poor", color.RGBA{R: 240, G: 170, B: 40, A: 255}, w / 2},
	}
	for _, b := range bars {
		bc, err := plotter.NewBarChart(b.values, w)
		if err != nil {
			return nil, fmt.Errorf("report: chart: %w", err)
		}
		bc.Color, bc.LineStyle.Width, bc.Offset = b.color, 0, b.offset
		p.Add(bc)
		p.Legend.Add(cat.T(lang, b.key), bc)
	}
	p.Legend.Top = true
	// Headroom above the tallest bar keeps the legend, drawn inside the top
	// of the plot, clear of the bars.
	p.Y.Min, p.Y.Max = 0, max(highest(poor, near)*1.4, 1)
	p.Y.Tick.Marker = localTicks{lang: lang}
	p.X.Min, p.X.Max = -0.6, float64(len(areas))-0.4 // the outer bars stay inside
	p.NominalX(names...)
	p.X.Tick.Label.Rotation = 0.6
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = -1, -0.5
	wt, err := p.WriterTo(vg.Points(float64(max(480, 60*len(areas)))), vg.Points(360), "png")
	if err != nil {
		return nil, fmt.Errorf("report: chart: %w", err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("report: chart: %w", err)
	}
	return buf.Bytes(), nil
}

func highest(series ...plotter.Values) float64 {
	top := 0.0
	for _, s := range series {
		for _, v := range s {
			top = max(top, v)
		}
	}
	return top
}

// localTicks labels the axis in the reader's number format ("0,25").
type localTicks struct{ lang string }

func (t localTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = locales.Number(t.lang, ticks[i].Value, 2)
		}
	}
	return ticks
}
