package engine

import "testing"

func TestBuildBottlenecks(t *testing.T) {
	over := preds(10, 990, 1040, 1100, 1200) // 2025-07 … 2025-10 against capacity 1000
	tests := []struct {
		name     string
		raw      []rawBottleneck
		capacity *float64
		want     []Bottleneck
	}{
		{
			name:     "derived with severity by overshoot",
			capacity: ptr(1000),
			want: []Bottleneck{
				{capacityExceeded, RiskModerate, "2025-08", "Forecast 1040 kTEU exceeds capacity 1000 kTEU by 4.0%."},
				{capacityExceeded, RiskHigh, "2025-09", "Forecast 1100 kTEU exceeds capacity 1000 kTEU by 10.0%."},
				{capacityExceeded, RiskCritical, "2025-10", "Forecast 1200 kTEU exceeds capacity 1000 kTEU by 20.0%."},
			},
		},
		{
			name:     "provider's entry for a period is not duplicated",
			raw:      []rawBottleneck{{name: "Yard", severity: "major", period: " 2025-09 ", description: "full"}},
			capacity: ptr(1500),
			want:     []Bottleneck{{"Yard", RiskHigh, "2025-09", "full"}},
		},
		{
			name:     "provider's entry suppresses the derived one",
			raw:      []rawBottleneck{{name: "Yard", severity: "low", period: "2025-09"}},
			capacity: ptr(1000),
			want: []Bottleneck{
				{"Yard", RiskLow, "2025-09", ""},
				{capacityExceeded, RiskModerate, "2025-08", "Forecast 1040 kTEU exceeds capacity 1000 kTEU by 4.0%."},
				{capacityExceeded, RiskCritical, "2025-10", "Forecast 1200 kTEU exceeds capacity 1000 kTEU by 20.0%."},
			},
		},
		{
			name: "empty entries dropped, nameless named from description",
			raw: []rawBottleneck{
				{name: " ", description: "\n"},
				{description: "Rail ramp saturates", severity: "?"},
			},
			want: []Bottleneck{{"Rail ramp saturates", RiskModerate, "", "Rail ramp saturates"}},
		},
		{name: "no capacity, nothing derived", want: []Bottleneck{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Data{Unit: "kTEU", Capacity: tt.capacity, History: []Point{{Value: 950}}}
			got := buildBottlenecks(tt.raw, d, over)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d bottlenecks %+v, want %+v", len(got), got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("bottleneck %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}
