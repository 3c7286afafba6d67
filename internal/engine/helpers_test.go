package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// portData is the request behind the answers in testdata/answers: monthly
// container throughput of a port, 24 months to 2025-06, capacity 1000 kTEU.
func portData() Data {
	d := monthly(
		792, 801, 815, 823, 809, 836, 850, 861, 842, 858, 874, 889,
		877, 893, 905, 921, 908, 926, 934, 947, 929, 941, 956, 933,
	)
	d.Capacity = ptr(1000)
	d.Actual = map[string]string{"utilization": "0.93", "vesselsWaiting": "4"}
	return d
}

// weeklyData is the request behind testdata/answers/fake-groq-weekly.json: a
// falling weekly parcel series without a capacity, twelve weeks ahead (the
// fake provider's tests use the same).
func weeklyData() Data {
	d := Data{Region: "EU", Subject: "parcels", Period: PeriodWeek, Horizon: 12}
	for i := range 30 {
		d.History = append(d.History, Point{Period: fmt.Sprintf("2025-W%02d", i+1), Value: 5000 - 37*float64(i) + float64(i%3)*20})
	}
	return d
}

// readAnswer returns a stored answer from testdata/answers.
func readAnswer(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "answers", name))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
