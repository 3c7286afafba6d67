package engine

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// seedAnswers returns the stored realistic answers plus a few awkward ones.
func seedAnswers(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "answers", "*"))
	if err != nil {
		tb.Fatal(err)
	}
	seeds := []string{
		"", "{", "}", "```json\n```", `"{\"predictions\":[1,2,3,4,5,6]}"`,
		`{"predictions":{"2025-07":1,"2025-08":{"value":"1,000"}}}`,
		`{"result":{"response":{"predictions":[1,2,3,4,5,6]}}}`,
		`{"predictions":[1e308,-1e308,1e-308,0,-0,5],"confidence":"1e3%"}`,
		`{"a":"\u00e9\ud83d\ude00\n\"","b":[1,-0.5e3,true,false,null,{},[]],"c":{"d":{"e":[[]]}}}`,
		`{"result":{"response":"{\"predictions\":{\"2\":2,\"1\":1,\"3\":3,\"4\":4,\"5\":5,\"6\":6}}"}}`,
		`{"forecast":{"predictions":[["2025-07",1,0,2],[2],[3,2,4],[4],[5],[6]]},"riskLevel":"very-high"}`,
		`{"predictions":[{"index":0,"value":-1,"lower":"-2","upper":"1%"},{"step":1,"mean":"1,000"}]}`,
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		seeds = append(seeds, string(b))
	}
	return seeds
}

// FuzzNormalize checks that Normalize never panics, that it returns either
// an *Error and the zero Result or a Result that keeps the invariants, for
// random answers and random horizons and capacities.
func FuzzNormalize(f *testing.F) {
	for _, seed := range seedAnswers(f) {
		f.Add(seed, uint8(6), 1000.0)
	}
	f.Add(`{"predictions":[0,0,0]}`, uint8(3), 0.0)
	f.Fuzz(func(t *testing.T, raw string, horizon uint8, capacity float64) {
		d := portData()
		d.Horizon = int(horizon%MaxHorizon) + 1
		d.Capacity = &capacity
		if !finite(capacity) {
			d.Capacity = nil
		}
		r, err := Normalize(raw, d)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T is not *Error", err)
			}
			if !reflect.DeepEqual(r, Result{}) {
				t.Fatalf("error %v with a half-filled result %+v", err, r)
			}
			return
		}
		checkInvariants(t, r, d)
	})
}
