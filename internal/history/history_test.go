package history

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    []engine.Point
		wantErr string
	}{
		{name: "csv with header", text: "period,value\n2025-01,10\n2025-02, 12.5\n",
			want: []engine.Point{{Period: "2025-01", Value: 10}, {Period: "2025-02", Value: 12.5}}},
		{name: "csv without header, comments and blank lines", text: "# port of Rotterdam\n2025-01,10\n\n2025-02,-1e2",
			want: []engine.Point{{Period: "2025-01", Value: 10}, {Period: "2025-02", Value: -100}}},
		{name: "json numbers and strings", text: `[{"period":"2025-Q1","value":3},{"period":"2025-Q2","value":"4.25"}]`,
			want: []engine.Point{{Period: "2025-Q1", Value: 3}, {Period: "2025-Q2", Value: 4.25}}},
		{name: "empty", text: "  \n", wantErr: "empty"},
		{name: "header only", text: "period,value\n", wantErr: "no data lines"},
		{name: "three fields", text: "2025-01,1,2", wantErr: "line 1: want 2 fields"},
		{name: "not a number", text: "2025-01,1\n2025-02,lots", wantErr: `line 2 (period "2025-02"): value "lots" is not a number`},
		{name: "infinite", text: "2025-01,Inf", wantErr: "not a finite number"},
		{name: "NaN in json", text: `[{"period":"a","value":"NaN"}]`, wantErr: "element 0"},
		{name: "bad json", text: `[{"period":`, wantErr: "not a JSON array"},
		{name: "duplicate period", text: "2025-01,1\n2025-01,2", wantErr: `period "2025-01" appears twice`},
		{name: "missing period", text: `[{"value":1}]`, wantErr: "point 1 has no period"},
		{name: "too many", text: manyLines(MaxPoints + 1), wantErr: "more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.text)
			if tt.wantErr != "" {
				var herr *Error
				if !errors.As(err, &herr) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse() error = %v, want an *Error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse() error = %v", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Parse() = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("point %d = %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func manyLines(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "p%d,1\n", i)
	}
	return b.String()
}

func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"period,value\n2025-01,10\n2025-02,12",
		`[{"period":"2025-01","value":"1,5"}]`,
		`[{"period":"2025-01","value":1e308}]`,
		"\"a\nb\",1",
		"#\n,,\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		points, err := Parse(text)
		if err != nil {
			var herr *Error
			if !errors.As(err, &herr) {
				t.Fatalf("Parse() returned an unclassified error %T: %v", err, err)
			}
			return
		}
		if len(points) == 0 || len(points) > MaxPoints {
			t.Fatalf("Parse() returned %d points without an error", len(points))
		}
		seen := map[string]bool{}
		for _, p := range points {
			if p.Period == "" || seen[p.Period] {
				t.Fatalf("Parse() returned an empty or duplicate period %q", p.Period)
			}
			seen[p.Period] = true
		}
	})
}
