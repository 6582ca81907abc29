package locales

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Numbers written out by hand read exactly as the printer writes them, in
// both languages, at every precision the program asks: whole numbers,
// amounts, areas, halves at every place (ties go to even), negatives, the
// smallest and largest it takes on itself.
func TestPlainNumbersAsPrinted(t *testing.T) {
	t.Parallel()
	xs := []float64{0, math.Copysign(0, -1), 1, -1, 12, 999, 1000, 1234, 12345.678, 1e6, 2.675, 0.125, 0.135,
		2.5, 3.5, -2.5, -0.0004, -0.5, 0.5, -1234.5, 999999999999999, 1e15 - 0.5, 123456789.123456, 5e-7, 4.5e-7, 1.0005,
		0.3, 4.5, 45, 1.5e-6, 2.25, 6.75, 0.1 + 0.2}
	rng := rand.New(rand.NewPCG(22, 2))
	for range 20000 {
		x := math.Pow(10, rng.Float64()*23-8) // 1e-8 to 1e15
		switch rng.IntN(4) {
		case 0:
			x = math.Round(x)
		case 1:
			x = float64(rng.IntN(1<<20)) / float64(int(1)<<rng.IntN(12)) // exact halves, quarters, …
		case 2:
			x = math.Round(x*1000) / 1000 // an amount as typed
		}
		if rng.IntN(4) == 0 {
			x = -x
		}
		xs = append(xs, x)
	}
	taken := 0
	for _, x := range xs {
		for _, lang := range []string{"vi", "en"} {
			for frac := range 7 {
				want := printed(lang, x, frac)
				got, ok := plainNumber(lang, x, frac)
				if ok && got != want {
					t.Fatalf("Number(%s, %v, %d) = %q, printer %q", lang, x, frac, got, want)
				}
				if ok {
					taken++
				}
			}
		}
	}
	if taken < len(xs)*2*7*9/10 {
		t.Fatalf("plainNumber wrote %d of %d numbers", taken, len(xs)*2*7)
	}
}

// Past what plainNumber takes, the printer writes the number.
func TestNumbersLeftToThePrinter(t *testing.T) {
	t.Parallel()
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e15, -1e21, -0.0001} {
		if _, ok := plainNumber("vi", x, 3); ok {
			t.Errorf("plainNumber took %v", x)
		}
		if got, want := Number("vi", x, 3), printed("vi", x, 3); got != want {
			t.Errorf("Number(%v) = %q, printer %q", x, got, want)
		}
	}
}

func BenchmarkNumber(b *testing.B) {
	b.ReportAllocs()
	for i := range b.N {
		Number("vi", 4.5+float64(i%100), 3)
	}
}
