package engine

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// MaxBottlenecks bounds the list in a Result.
const MaxBottlenecks = 20

// capacityExceeded names the bottlenecks the engine derives itself.
const capacityExceeded = "capacity exceeded"

// buildBottlenecks cleans the provider's bottlenecks and adds one for every
// period whose predicted value exceeds capacity, unless the provider already
// named a bottleneck for that period. Entries with neither a name nor a
// description are dropped; an unknown severity is Moderate. When there are
// more than MaxBottlenecks, the most severe are kept (earlier ones first
// among equals), in their order.
func buildBottlenecks(raw []rawBottleneck, d Data, preds []Prediction) []Bottleneck {
	out := make([]Bottleneck, 0, len(raw)+len(preds))
	for _, r := range raw {
		if b, ok := cleanBottleneck(r); ok {
			out = append(out, b)
		}
	}
	if d.Capacity != nil {
		for _, p := range preds {
			if p.Value > *d.Capacity && !hasPeriod(out, p.Period) {
				out = append(out, capacityBottleneck(p, *d.Capacity, d))
			}
		}
	}
	return mostSevere(out, MaxBottlenecks)
}

// cleanBottleneck bounds and cleans the provider's texts; it reports false
// for an entry with neither a name nor a description.
func cleanBottleneck(r rawBottleneck) (Bottleneck, bool) {
	b := Bottleneck{
		Name:        cleanText(r.name, MaxName),
		Period:      cleanLabel(r.period, MaxPeriod),
		Description: cleanText(r.description, MaxDescription),
		Severity:    RiskModerate,
	}
	if b.Name == "" && b.Description == "" {
		return Bottleneck{}, false
	}
	if b.Name == "" {
		b.Name = truncateRunes(b.Description, MaxName)
	}
	if level, ok := parseRiskLevel(r.severity); ok {
		b.Severity = level
	}
	return b, true
}

// mostSevere keeps the limit most severe of bs, earlier ones first among
// equals, in their original order.
func mostSevere(bs []Bottleneck, limit int) []Bottleneck {
	if len(bs) <= limit {
		return bs
	}
	ranked := make([]int, len(bs))
	for i := range ranked {
		ranked[i] = i
	}
	slices.SortStableFunc(ranked, func(i, j int) int {
		return cmp.Compare(bs[j].Severity.rank(), bs[i].Severity.rank())
	})
	kept := ranked[:limit]
	slices.Sort(kept)
	out := make([]Bottleneck, limit)
	for i, k := range kept {
		out[i] = bs[k]
	}
	return out
}

func hasPeriod(bs []Bottleneck, period string) bool {
	for _, b := range bs {
		if strings.EqualFold(b.Period, period) {
			return true
		}
	}
	return false
}

// capacityBottleneck describes a period whose value exceeds capacity. Its
// severity grows with the overshoot: under 5% Moderate, under 15% High,
// otherwise Critical.
func capacityBottleneck(p Prediction, capacity float64, d Data) Bottleneck {
	var last float64
	if len(d.History) > 0 {
		last = d.History[len(d.History)-1].Value
	}
	overshoot := (p.Value - capacity) / capacityScale(capacity, last)
	severity := RiskCritical
	switch {
	case overshoot < 0.05:
		severity = RiskModerate
	case overshoot < 0.15:
		severity = RiskHigh
	}
	return Bottleneck{
		Name:     capacityExceeded,
		Severity: severity,
		Period:   p.Period,
		Description: cleanText(fmt.Sprintf("Forecast %s exceeds capacity %s by %.1f%%.",
			withUnit(p.Value, d.Unit), withUnit(capacity, d.Unit), 100*overshoot), MaxDescription),
	}
}

// withUnit formats a value compactly with its unit, if any.
func withUnit(v float64, unit string) string {
	s := strconv.FormatFloat(v, 'g', 6, 64)
	if unit = strings.TrimSpace(unit); unit != "" {
		s += " " + unit
	}
	return s
}
