package fakeprovider

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ask is what a generate call asks for, whatever its wire format.
type ask struct {
	user      string         // the user message: the operator's data as JSON
	schema    map[string]any // the answer schema, nil when none was sent
	maxTokens int            // the output bound, 0 when none was sent
}

// forecast is the answer, shaped as the operator's schema asks.
type forecast struct {
	Summary     string       `json:"summary"`
	RiskLevel   string       `json:"riskLevel"`
	Confidence  float64      `json:"confidence"`
	Predictions []prediction `json:"predictions"`
	Bottlenecks []bottleneck `json:"bottlenecks"`

	// other is the JSON object a request with another schema than the
	// forecast's asks for, such as the operator's completion probe
	// ({"ok": true}); nil for a forecast request.
	other map[string]any
}

// prediction is one period's forecast with its 80% interval.
type prediction struct {
	Period string  `json:"period"`
	Value  float64 `json:"value"`
	Lower  float64 `json:"lower"`
	Upper  float64 `json:"upper"`
}

// bottleneck is a constraint the forecast expects to bind.
type bottleneck struct {
	Name        string `json:"name"`
	Severity    string `json:"severity"`
	Period      string `json:"period"`
	Description string `json:"description"`
}

// userMessage is the part of the operator's user message the fake reads.
type userMessage struct {
	Data struct {
		Region   string   `json:"region"`
		Subject  string   `json:"subject"`
		Unit     string   `json:"unit"`
		Capacity *float64 `json:"capacity"`
		History  []struct {
			Value float64 `json:"value"`
		} `json:"history"`
	} `json:"data"`
	Periods []string `json:"periods"`
}

// Fallbacks for a request that does not say.
var (
	fallbackHistory = []float64{100, 103, 101, 106, 108, 107, 111, 114}
	fallbackLabels  = []string{"t+1", "t+2", "t+3", "t+4", "t+5", "t+6"}
	fallbackLevels  = []string{"Low", "Moderate", "High", "Critical"}
)

// Shape of the forecast: the trend is the slope of the last trendWindow
// values, at most maxTrend of the last value a period; the 80% interval is
// z80 spreads wide, a spread at least minSpread of the last value.
const (
	trendWindow = 12
	maxTrend    = 0.03
	minSpread   = 0.02
	z80         = 1.2816
)

// newForecast answers a deterministically: the requested labels (from the
// schema's period enum, else the user message's "periods"), each value
// continuing the history's last value with a mild trend.
func newForecast(title string, a ask) forecast {
	if other, ok := otherObject(a.schema); ok {
		return forecast{other: other}
	}
	u := readUserMessage(a.user)
	labels := firstNonEmpty(enumAt(a.schema, "properties", "predictions", "items", "properties", "period"), u.Periods, fallbackLabels)
	levels := firstNonEmpty(enumAt(a.schema, "properties", "riskLevel"), fallbackLevels)
	history := make([]float64, len(u.Data.History))
	for i, p := range u.Data.History {
		history[i] = p.Value
	}
	confidence := confidenceFor(len(history))
	if len(history) == 0 {
		history = fallbackHistory
	}
	last := history[len(history)-1]
	slope, spread := fitTrend(history)

	preds := make([]prediction, len(labels))
	for i, label := range labels {
		v := last + slope*float64(i+1)
		half := z80 * spread * math.Sqrt(float64(i+1))
		preds[i] = prediction{Period: label, Value: round2(v), Lower: round2(v - half), Upper: round2(v + half)}
	}
	level := levels[min(riskRank(u.Data.Capacity, last, slope, preds)*(len(levels)-1)/3, len(levels)-1)]
	subject, region, unit := orDefault(u.Data.Subject, "the series"), orDefault(u.Data.Region, "the region"), u.Data.Unit
	first, end := preds[0], preds[len(preds)-1]
	return forecast{
		Summary: fmt.Sprintf("%s forecast for %s in %s: %s in %s, %s by %s. %s risk.",
			title, subject, region, amount(first.Value, unit), first.Period, amount(end.Value, unit), end.Period, level),
		RiskLevel:   level,
		Confidence:  confidence,
		Predictions: preds,
		Bottlenecks: bottlenecks(subject, unit, u.Data.Capacity, slope, level, levels[0], preds),
	}
}

// readUserMessage reads the user message as JSON, or the first object in it.
func readUserMessage(text string) userMessage {
	var u userMessage
	if json.Unmarshal([]byte(text), &u) == nil {
		return u
	}
	if i, j := strings.IndexByte(text, '{'), strings.LastIndexByte(text, '}'); i >= 0 && j > i {
		_ = json.Unmarshal([]byte(text[i:j+1]), &u) // prose without JSON leaves the fallbacks
	}
	return u
}

// enumAt returns the string enum of the schema node at path, nil if none.
func enumAt(schema map[string]any, path ...string) []string {
	var node any = schema
	for _, key := range path {
		m, ok := node.(map[string]any)
		if !ok {
			return nil
		}
		node = m[key]
	}
	m, _ := node.(map[string]any)
	list, _ := m["enum"].([]any)
	var out []string
	for _, item := range list {
		if s, ok := item.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// fitTrend returns the least-squares slope of the last trendWindow values,
// capped at a mild maxTrend, and the spread of their period-to-period steps.
func fitTrend(history []float64) (slope, spread float64) {
	recent := history[max(0, len(history)-trendWindow):]
	last := recent[len(recent)-1]
	scale := max(math.Abs(last), 1)
	n := float64(len(recent))
	if len(recent) >= 2 {
		var sx, sy, sxy, sxx float64
		for i, y := range recent {
			x := float64(i)
			sx, sy, sxy, sxx = sx+x, sy+y, sxy+x*y, sxx+x*x
		}
		slope = (n*sxy - sx*sy) / (n*sxx - sx*sx)
		var sumSq float64
		for i := 1; i < len(recent); i++ {
			step := recent[i] - recent[i-1] - slope
			sumSq += step * step
		}
		spread = math.Sqrt(sumSq / (n - 1))
	}
	slope = min(max(slope, -maxTrend*scale), maxTrend*scale)
	return slope, max(spread, minSpread*scale)
}

// riskRank grades the forecast from 0 (low) to 3 (critical): by the peak
// against the capacity when there is one, else by the steepness of the trend.
func riskRank(capacity *float64, last, slope float64, preds []prediction) int {
	if capacity != nil && *capacity > 0 {
		peak := math.Inf(-1)
		for _, p := range preds {
			peak = max(peak, p.Value)
		}
		switch r := peak / *capacity; {
		case r > 1.1:
			return 3
		case r > 1:
			return 2
		case r > 0.9:
			return 1
		}
		return 0
	}
	switch g := math.Abs(slope) / max(math.Abs(last), 1); {
	case g > 0.025:
		return 2
	case g > 0.01:
		return 1
	}
	return 0
}

// bottlenecks names one or two: the capacity, when there is one, and the
// trend.
func bottlenecks(subject, unit string, capacity *float64, slope float64, level, lowest string, preds []prediction) []bottleneck {
	var out []bottleneck
	if capacity != nil {
		at := preds[len(preds)-1]
		for _, p := range preds {
			if p.Upper > *capacity {
				at = p
				break
			}
		}
		name := subject + " nearing capacity"
		if at.Value > *capacity {
			name = subject + " above capacity"
		}
		out = append(out, bottleneck{
			Name: truncate(name, 128), Severity: level, Period: at.Period,
			Description: fmt.Sprintf("The forecast of %s (up to %s) against a capacity of %s.", amount(at.Value, unit), amount(at.Upper, unit), amount(*capacity, unit)),
		})
	}
	name, verb := "Sustained growth", "rises"
	if slope < 0 {
		name, verb = "Sustained decline", "falls"
	}
	end := preds[len(preds)-1]
	return append(out, bottleneck{
		Name: name, Severity: lowest, Period: end.Period,
		Description: fmt.Sprintf("The series %s by about %s a period, to %s in %s.", verb, amount(math.Abs(round2(slope)), unit), amount(end.Value, unit), end.Period),
	})
}

// confidenceFor is higher the longer the history; 40 when there was none.
func confidenceFor(n int) float64 {
	switch {
	case n >= 12:
		return 78
	case n >= 6:
		return 66
	case n > 0:
		return 55
	}
	return 40
}

func amount(v float64, unit string) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if unit != "" {
		s += " " + unit
	}
	return s
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

func firstNonEmpty(lists ...[]string) []string {
	for _, l := range lists {
		if len(l) > 0 {
			return l
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// otherObject answers a schema that is not the forecast's (it has no
// predictions property) as a small model would: the object with each
// required boolean property true, e.g. {"ok": true}.
func otherObject(schema map[string]any) (map[string]any, bool) {
	props, _ := schema["properties"].(map[string]any)
	if props == nil || props["predictions"] != nil {
		return nil, false
	}
	out := map[string]any{}
	required, _ := schema["required"].([]any)
	for _, name := range required {
		if n, ok := name.(string); ok {
			out[n] = true
		}
	}
	return out, true
}
