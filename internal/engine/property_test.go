package engine

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// TestNormalizeProperties generates valid answers in random shapes and
// checks every Result keeps the invariants and the provider's values.
func TestNormalizeProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		d := randomData(rng)
		raw, values := randomAnswer(rng, d)
		r, err := Normalize(raw, d)
		if err != nil {
			t.Fatalf("case %d: Normalize() error = %v\nanswer: %s", i, err, raw)
		}
		checkInvariants(t, r, d)
		for j, p := range r.Predictions {
			if p.Value != values[j] {
				t.Fatalf("case %d: prediction %d = %v, want %v\nanswer: %s", i, j, p.Value, values[j], raw)
			}
		}
		if t.Failed() {
			t.Fatalf("case %d failed; answer: %s", i, raw)
		}
	}
}

func randomData(rng *rand.Rand) Data {
	kinds := []string{PeriodDay, PeriodWeek, PeriodMonth, PeriodQuarter, PeriodYear}
	starts := []string{"2025-06-30", "2026-W50", "2025-11", "2025-Q3", "2024"}
	k := rng.IntN(len(kinds))
	d := Data{Region: "DEU", Period: kinds[k], Horizon: 1 + rng.IntN(MaxHorizon)}
	level, slope := rng.Float64()*1e4, rng.NormFloat64()*50
	n := MinHistory + rng.IntN(60)
	for i := range n {
		d.History = append(d.History, Point{Value: level + slope*float64(i) + rng.NormFloat64()*level/20})
	}
	d.History[n-1].Period = starts[k]
	if rng.IntN(2) == 0 {
		d.Capacity = ptr(level * (0.5 + rng.Float64()))
	}
	return d
}

// randomAnswer returns an answer for d in a random shape and the values it
// predicts, in period order.
func randomAnswer(rng *rand.Rand, d Data) (string, []float64) {
	periods := d.Periods()
	values := make([]float64, len(periods))
	for i := range periods {
		values[i] = d.History[len(d.History)-1].Value * (0.5 + rng.Float64())
	}
	words := []string{"low", "Minor", "MEDIUM", "elevated", "High", "major", "critical", "Extreme", "very-high", "unclear", ""}
	var bottlenecks []string
	for range rng.IntN(30) {
		bottlenecks = append(bottlenecks, fmt.Sprintf(`{"name":%s,"severity":%q,"period":%q,"description":%s}`,
			randomText(rng, 200), words[rng.IntN(len(words))], periods[rng.IntN(len(periods))], randomText(rng, 1500)))
	}
	confidences := []string{"0.7", "70", `"70%"`, "null", "-5", "250"}
	obj := fmt.Sprintf(`{"summary":%s,"riskLevel":%q,"confidence":%s,"predictions":%s,"bottlenecks":[%s]}`,
		randomText(rng, 3000), words[rng.IntN(len(words))], confidences[rng.IntN(len(confidences))],
		randomPredictions(rng, periods, values), strings.Join(bottlenecks, ","))
	switch rng.IntN(4) {
	case 0:
		return obj, values
	case 1:
		return "Here is the forecast:\n```json\n" + obj + "\n```\nThanks.", values
	case 2:
		return `{"result":{"response":` + strconv.Quote(obj) + `},"success":true}`, values
	}
	return "Result: " + obj, values
}

// randomPredictions writes values in one of the shapes providers use: a
// list of objects (some without labels, in order), a list of labelled
// objects in random order, an object keyed by step number in random order,
// or a list of [period, value, lower, upper] tuples. Lists may carry an
// extra prediction after the horizon.
func randomPredictions(rng *rand.Rand, periods []string, values []float64) string {
	items := make([]string, len(periods))
	shape := rng.IntN(4)
	for i, period := range periods {
		lower, upper := randomBound(rng, values[i]), randomBound(rng, values[i])
		switch shape {
		case 0, 1:
			fields := []string{`"value":` + randomNumber(rng, values[i])}
			if shape == 1 || rng.IntN(4) > 0 {
				fields = append(fields, fmt.Sprintf(`"period":%q`, period))
			}
			if lower != "" {
				fields = append(fields, `"lower":`+lower)
			}
			if upper != "" {
				fields = append(fields, `"upper":`+upper)
			}
			rng.Shuffle(len(fields), func(a, b int) { fields[a], fields[b] = fields[b], fields[a] })
			items[i] = "{" + strings.Join(fields, ",") + "}"
		case 2:
			items[i] = fmt.Sprintf(`"%d":%s`, i+1, randomNumber(rng, values[i]))
		case 3:
			items[i] = fmt.Sprintf(`[%q,%s,%s,%s]`, period, randomNumber(rng, values[i]), orNull(lower), orNull(upper))
		}
	}
	if shape == 1 || shape == 2 {
		rng.Shuffle(len(items), func(a, b int) { items[a], items[b] = items[b], items[a] })
	}
	if shape != 2 && rng.IntN(4) == 0 {
		items = append(items, `{"period":"later","value":1}`)
	}
	if shape == 2 {
		return "{" + strings.Join(items, ",") + "}"
	}
	return "[" + strings.Join(items, ",") + "]"
}

// randomBound is a bound near v, sometimes on the wrong side or below zero,
// or "" for none.
func randomBound(rng *rand.Rand, v float64) string {
	switch rng.IntN(6) {
	case 0, 1:
		return ""
	case 2:
		return randomNumber(rng, -v*rng.Float64())
	}
	return randomNumber(rng, v*(0.5+rng.Float64()))
}

func orNull(s string) string {
	if s == "" {
		return "null"
	}
	return s
}

// randomNumber writes v as a JSON number or as a string, sometimes with
// thousands separators.
func randomNumber(rng *rand.Rand, v float64) string {
	switch rng.IntN(3) {
	case 0:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case 1:
		return strconv.Quote(strconv.FormatFloat(v, 'f', -1, 64))
	}
	whole := strconv.FormatFloat(v, 'f', 0, 64)
	if float64(int64(v)) != v || len(whole) > 15 {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return strconv.Quote(b.String())
}

// randomText is a JSON string of up to n runes mixing text, spaces, control
// characters and multi-byte runes.
func randomText(rng *rand.Rand, n int) string {
	alphabet := []rune("abc XYZ 123 é日\n\t\x00\x1b\u200b")
	runes := make([]rune, rng.IntN(n))
	for i := range runes {
		runes[i] = alphabet[rng.IntN(len(alphabet))]
	}
	b, _ := json.Marshal(string(runes))
	return string(b)
}
