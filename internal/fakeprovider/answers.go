package fakeprovider

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// charsPerToken is how the fake counts tokens: JSON full of numbers runs
// about three characters a token (English prose nearer four).
const charsPerToken = 3

// tokens is the fake's token count of s.
func tokens(s string) int { return (len(s) + charsPerToken - 1) / charsPerToken }

// answerText is the text a model writes for f in mode, and whether it was
// cut off at the output limit: ModeTruncated cuts it, and so does a maxTokens
// (0: no limit) the answer does not fit in, as a real model stops there.
func answerText(f forecast, mode Mode, maxTokens int) (text string, truncated bool) {
	if f.other != nil {
		return otherAnswer(f.other, mode, maxTokens)
	}
	switch mode {
	case ModeProse:
		text = proseAnswer(f)
	case ModeFenced:
		text = fencedAnswer(f)
	case ModeSchema:
		text = brokenAnswer(f)
	case ModeLongLabels:
		text = marshal(withLongLabels(f))
	case ModeImplausible:
		text = implausibleAnswer(f)
	case ModeTruncated:
		text = marshal(f)
		return cutAt(text, len(text)*3/5), true
	default:
		text = marshal(f)
	}
	if maxTokens > 0 && tokens(text) > maxTokens {
		return cutAt(text, maxTokens*charsPerToken), true
	}
	return text, false
}

// otherAnswer is the answer to a request for another object than a
// forecast (a completion probe): the object, cut or fenced as the mode
// says, or a refusal in prose.
func otherAnswer(obj map[string]any, mode Mode, maxTokens int) (string, bool) {
	text := marshal(obj)
	switch mode {
	case ModeProse:
		text = "I'm sorry, I can't help with that."
	case ModeFenced:
		text = "Here you go:\n```json\n" + text + "\n```"
	case ModeTruncated:
		return cutAt(text, len(text)*3/5), true
	}
	if maxTokens > 0 && tokens(text) > maxTokens {
		return cutAt(text, maxTokens*charsPerToken), true
	}
	return text, false
}

// cutAt returns the first n bytes of s, fewer if n falls inside a character.
func cutAt(s string, n int) string {
	for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// proseAnswer says what the forecast says, with no JSON in it.
func proseAnswer(f forecast) string {
	var b strings.Builder
	b.WriteString("Based on the history you shared, I expect the recent trend to continue. ")
	b.WriteString(f.Summary)
	for _, p := range f.Predictions {
		fmt.Fprintf(&b, " For %s I would estimate about %v (somewhere between %v and %v).", p.Period, p.Value, p.Lower, p.Upper)
	}
	fmt.Fprintf(&b, " Overall I would rate the risk as %s, with a confidence of around %v percent.", strings.ToLower(f.RiskLevel), f.Confidence)
	return b.String()
}

// fencedAnswer is the JSON inside a ```json fence, with prose around it.
func fencedAnswer(f forecast) string {
	body, _ := json.MarshalIndent(f, "", "  ")
	return "Here is the forecast you asked for:\n\n```json\n" + string(body) +
		"\n```\n\nThe intervals are central 80% ranges. Let me know if you need anything else."
}

// brokenAnswer is JSON a model writes when it ignores the schema: no
// predictions, a risk level outside the enum, the confidence in words.
func brokenAnswer(f forecast) string {
	outlook := make([]string, len(f.Predictions))
	for i := range outlook {
		outlook[i] = "slightly higher"
	}
	return marshal(struct {
		Summary    string   `json:"summary"`
		RiskLevel  string   `json:"riskLevel"`
		Confidence string   `json:"confidence"`
		Outlook    []string `json:"outlook"`
	}{f.Summary, "elevated", "fairly high", outlook})
}

// implausibleAnswer is JSON of the right shape whose content contradicts
// the data (ModeImplausible).
func implausibleAnswer(f forecast) string {
	type prediction struct {
		Period string `json:"period"`
		Value  string `json:"value"`
	}
	preds := make([]prediction, len(f.Predictions))
	for i, p := range f.Predictions {
		preds[i] = prediction{p.Period, fmt.Sprint(-p.Value)}
	}
	return marshal(map[string]any{
		"summary": 12345, "riskLevel": "banana", "confidence": 40, "predictions": preds,
		"bottlenecks": []map[string]any{{"name": 12345, "severity": "high"}},
	})
}

// longLabelTails are what ModeLongLabels adds to the bottlenecks' periods,
// each in turn: each is longer than 32 characters on its own.
var longLabelTails = []string{
	" (the peak of the season, as demand climbs)",
	" (the shoulder period, before the peak)",
	" (sustained, from here to the horizon)",
}

// maxLongLabel bounds a long label, within the engine's own bound.
const maxLongLabel = 64

// withLongLabels is f with at least two bottlenecks, the second at the peak
// when f has only one, and each one's period a long label of its own, such
// as "2025-09 (the peak of the season, as demand climbs)".
func withLongLabels(f forecast) forecast {
	f.Bottlenecks = slices.Clone(f.Bottlenecks)
	for len(f.Bottlenecks) < 2 {
		peak := f.Predictions[0]
		for _, p := range f.Predictions {
			if p.Value > peak.Value {
				peak = p
			}
		}
		f.Bottlenecks = append(f.Bottlenecks, bottleneck{
			Name: "Seasonal peak", Severity: f.RiskLevel, Period: peak.Period,
			Description: fmt.Sprintf("The forecast peaks at %v in %s.", peak.Value, peak.Period),
		})
	}
	for i, b := range f.Bottlenecks {
		label := strings.TrimSpace(b.Period + longLabelTails[i%len(longLabelTails)])
		f.Bottlenecks[i].Period = truncate(label, maxLongLabel)
	}
	return f
}

// marshal is v as compact JSON, as models write it under a schema.
func marshal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("fakeprovider: encode answer: %v", err))
	}
	return string(b)
}
