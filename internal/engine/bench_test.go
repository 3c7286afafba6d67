package engine

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// typicalAnswer is the answer the performance targets are stated for: six
// predictions and three bottlenecks, about 2 KB, in a ```json fence with
// prose before and after (TestTypicalAnswerIsTypical keeps it so).
const typicalAnswer = "fenced-prose.md"

// Performance targets of the issue, on the development machine.
const (
	maxNormalizeAllocs = 150 // allocations per Normalize of typicalAnswer
)

func BenchmarkNormalizeTypical(b *testing.B) {
	raw, d := readAnswer(b, typicalAnswer), portData()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Normalize(raw, d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNormalizeHistory500 normalizes the typical answer against the
// longest inline history the Forecast API accepts: the baseline reference
// fit grows with the history.
func BenchmarkNormalizeHistory500(b *testing.B) {
	raw, d := readAnswer(b, typicalAnswer), portData()
	d.History = longHistory(500)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Normalize(raw, d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNormalizeExtract is the extraction step alone.
func BenchmarkNormalizeExtract(b *testing.B) {
	raw := readAnswer(b, typicalAnswer)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := extractJSON(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNormalizeDecode is the lenient reading step alone.
func BenchmarkNormalizeDecode(b *testing.B) {
	obj, err := extractJSON(readAnswer(b, typicalAnswer))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeAnswer(obj); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineReference500 is the baseline forecast Normalize computes
// as its reference for a 500-point monthly history (the baseline package's
// own benchmarks measure the fit alone).
func BenchmarkBaselineReference500(b *testing.B) {
	values := valuesOf(longHistory(500))
	b.ReportAllocs()
	for b.Loop() {
		if len(baselineForecast(values, 12, 6)) != 6 {
			b.Fatal("no reference forecast")
		}
	}
}

// TestTypicalAnswerIsTypical keeps the benchmark's answer what the
// performance target describes.
func TestTypicalAnswerIsTypical(t *testing.T) {
	raw := readAnswer(t, typicalAnswer)
	if n := len(raw); n < 1700 || n > 2400 {
		t.Errorf("the answer has %d bytes, want about 2 KB", n)
	}
	open := strings.Index(raw, "```json\n")
	closing := strings.LastIndex(raw, "\n```")
	if open < 100 || closing < open || len(strings.TrimSpace(raw[closing+4:])) < 40 {
		t.Errorf("want a ```json fence with prose before and after it")
	}
	obj, err := extractJSON(raw)
	if err != nil {
		t.Fatal(err)
	}
	a, err := decodeAnswer(obj)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.predictions) != 6 || len(a.bottlenecks) != 3 {
		t.Errorf("%d predictions and %d bottlenecks, want 6 and 3", len(a.predictions), len(a.bottlenecks))
	}
}

// TestNormalizeAllocationBudget checks the allocation target, which unlike
// the time target does not depend on the machine.
func TestNormalizeAllocationBudget(t *testing.T) {
	raw, d := readAnswer(t, typicalAnswer), portData()
	allocs := testing.AllocsPerRun(50, func() {
		if _, err := Normalize(raw, d); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > maxNormalizeAllocs {
		t.Errorf("Normalize allocates %v times per call, budget %d", allocs, maxNormalizeAllocs)
	}
}

// longHistory is n monthly points ending 2025-06: a trend with a yearly
// swing and noise, reproducible.
func longHistory(n int) []Point {
	rng := rand.New(rand.NewPCG(1, 2))
	points := make([]Point, n)
	for i := range points {
		points[i] = Point{
			Period: monthLabel(2025, 7-n+i),
			Value:  1000 + 3*float64(i) + 50*math.Sin(2*math.Pi*float64(i)/12) + 20*rng.NormFloat64(),
		}
	}
	return points
}

func valuesOf(points []Point) []float64 {
	return Data{History: points}.values()
}
