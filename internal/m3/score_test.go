package m3

import (
	"fmt"
	"math"
	"testing"
)

// dataDir is the repository's copy of the data.
const dataDir = "../../testdata/m3"

// TestReferenceFigures recomputes the figures the data's README gives for
// this half of M3 (two decimals of sMAPE, three of MASE).
func TestReferenceFigures(t *testing.T) {
	d, err := Load(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]string{
		"MONTHLY":   {"THETA": "13.60 0.842", "ForecastPro": "13.75 0.842", "DAMPEN": "14.17 0.884", "NAIVE2": "16.34 1.010"},
		"QUARTERLY": {"THETA": "9.03 1.104", "ForecastPro": "9.87 1.228", "DAMPEN": "9.51 1.154", "NAIVE2": "10.05 1.241"},
		"YEARLY":    {"THETA": "17.66 2.732", "ForecastPro": "17.42 2.855", "DAMPEN": "17.74 2.913", "NAIVE2": "18.32 3.182"},
	}
	counts := map[string]int{"MONTHLY": 714, "QUARTERLY": 378, "YEARLY": 323}
	for period, methods := range want {
		for method, figures := range methods {
			var tally Tally
			for _, s := range d.Series {
				if s.Period == period {
					tally.Add(s, Forecast{Values: d.Forecasts[method][s.ID]})
				}
			}
			sc := tally.Score()
			if got := fmt.Sprintf("%.2f %.3f", sc.SMAPE, sc.MASE); got != figures || sc.Series != counts[period] {
				t.Errorf("%s %s: %d series, sMAPE/MASE %s, want %d, %s", period, method, sc.Series, got, counts[period], figures)
			}
			if !math.IsNaN(sc.Coverage) {
				t.Errorf("%s %s: coverage %v without intervals", period, method, sc.Coverage)
			}
		}
	}
}

func TestLabels(t *testing.T) {
	s := Series{StartYear: 1990, StartStep: 11, Frequency: 12, History: make([]float64, 2), Future: make([]float64, 1)}
	if got := fmt.Sprint(s.Labels()); got != "[1990-11 1990-12 1991-01]" {
		t.Errorf("monthly labels %s", got)
	}
	s.Frequency, s.StartStep = 4, 4
	if got := fmt.Sprint(s.Labels()); got != "[1990-Q4 1991-Q1 1991-Q2]" {
		t.Errorf("quarterly labels %s", got)
	}
	s.Frequency, s.StartStep = 1, 1
	if got := fmt.Sprint(s.Labels()); got != "[1990 1991 1992]" {
		t.Errorf("yearly labels %s", got)
	}
}

func TestTally(t *testing.T) {
	s := Series{Frequency: 1, History: []float64{10, 12, 11}, Future: []float64{13, 9}}
	var tally Tally
	tally.Add(s, Forecast{Values: []float64{13, 11}, Lower: []float64{12, 10}, Upper: []float64{14, 12}})
	sc := tally.Score()
	// sMAPE: (0 + 200·2/20)/2 = 10; MASE: mean |y−f| 1 over scale 1.5.
	if math.Abs(sc.SMAPE-10) > 1e-12 || math.Abs(sc.MASE-1/1.5) > 1e-12 {
		t.Errorf("sMAPE %v MASE %v", sc.SMAPE, sc.MASE)
	}
	// Step 1 is inside [12,14], step 2 (9) below [10,12].
	if sc.Coverage != 0.5 {
		t.Errorf("coverage %v", sc.Coverage)
	}
	// Capacity 12: step 1 is a bottleneck, predicted; step 2 neither.
	if sc.F1 != 1 {
		t.Errorf("F1 %v", sc.F1)
	}
}

func TestLoadRefusesBrokenData(t *testing.T) {
	if _, err := Load(t.TempDir()); err == nil {
		t.Error("an empty folder loaded")
	}
}
