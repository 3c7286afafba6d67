package engine

import (
	"math"
	"strings"
	"testing"
)

// monthly returns valid monthly data ending at 2025-06 with the given values.
func monthly(values ...float64) Data {
	d := Data{Region: "USA", Subject: "container port throughput", Unit: "kTEU", Period: PeriodMonth, Horizon: 6}
	for i, v := range values {
		d.History = append(d.History, Point{Period: monthLabel(2025, 7-len(values)+i), Value: v})
	}
	return d
}

// monthLabel formats year and a month that may be out of 1..12.
func monthLabel(year, month int) string {
	for month < 1 {
		month += 12
		year--
	}
	for month > 12 {
		month -= 12
		year++
	}
	return formatYearMonth(year, month)
}

func ptr(v float64) *float64 { return &v }

func TestDataValidate(t *testing.T) {
	valid := monthly(1, 2, 3)
	tests := []struct {
		name   string
		modify func(*Data)
		want   string // substring of the message; empty means valid
	}{
		{"valid", func(*Data) {}, ""},
		{"empty period means month", func(d *Data) { d.Period = "" }, ""},
		{"unknown period", func(d *Data) { d.Period = "fortnight" }, `period "fortnight"`},
		{"horizon zero", func(d *Data) { d.Horizon = 0 }, "horizon 0 is outside 1..36"},
		{"horizon too far", func(d *Data) { d.Horizon = 37 }, "horizon 37"},
		{"horizon at limit", func(d *Data) { d.Horizon = 36 }, ""},
		{"two points", func(d *Data) { d.History = d.History[:2] }, "history has 2 points"},
		{"no history", func(d *Data) { d.History = nil }, "history has 0 points"},
		{"too much history", func(d *Data) { d.History = make([]Point, MaxHistory+1) }, "at most 5000"},
		{"NaN value", func(d *Data) { d.History[1].Value = math.NaN() }, `history point 2 ("2025-05") is NaN`},
		{"infinite value", func(d *Data) { d.History[2].Value = math.Inf(1) }, "is +Inf"},
		{"infinite capacity", func(d *Data) { d.Capacity = ptr(math.Inf(1)) }, "capacity is +Inf"},
		{"finite capacity", func(d *Data) { d.Capacity = ptr(10) }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := valid
			d.History = append([]Point(nil), valid.History...)
			tt.modify(&d)
			err := d.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if !IsInvalidInput(err) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want an invalid-input error mentioning %q", err, tt.want)
			}
		})
	}
}

func TestDataIsCount(t *testing.T) {
	tests := []struct {
		name    string
		unit    string
		subject string
		values  []float64
		want    bool
	}{
		{"throughput in kTEU", "kTEU", "container port throughput", []float64{1, 2, 3}, true},
		{"no unit", "", "vehicles", []float64{1, 2, 3}, true},
		{"a negative history value", "kTEU", "throughput", []float64{1, -2, 3}, false},
		{"percent sign", "%", "utilization", []float64{80, 85, 90}, false},
		{"percentage points", "pp", "", []float64{1, 2, 3}, false},
		{"degrees", "°C", "port temperature", []float64{1, 2, 3}, false},
		{"balance in the subject", "USD bn", "trade balance", []float64{1, 2, 3}, false},
		{"growth rate", "", "Growth-Rate of exports", []float64{1, 2, 3}, false},
		{"a word inside another is no match", "", "network traffic", []float64{1, 2, 3}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := monthly(tt.values...)
			d.Unit, d.Subject = tt.unit, tt.subject
			if got := d.isCount(); got != tt.want {
				t.Errorf("isCount() = %v, want %v", got, tt.want)
			}
		})
	}
}
