package dashboard

import (
	"slices"
	"strings"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// Summary bounds.
const (
	defaultTopBottlenecks = 10
	maxTopBottlenecks     = 100
	// summaryListLimit bounds the failing and stale lists of the summary.
	summaryListLimit = 20
)

// stateOrder lists the states as ByState reports them.
var stateOrder = []string{StateReady, StateFailing, StateStale, StatePending, StateSuspended}

// tally counts in one pass; arrays rather than maps keep the pass cheap.
type tally struct {
	byRisk     [5]int // riskRank order, None last
	byProvider [7]int // providerNames order, none last
	byState    [5]int // stateOrder
}

// summarize computes the predictions summary in one pass over the
// Forecasts; top is the number of bottlenecks to rank.
func summarize(items []v1.Forecast, a assessor, top int) Summary {
	var t tally
	failures := map[string]int{}
	bottlenecks := newTopN(top, candidate.outranks)
	failing := newTopN(summaryListLimit, func(x, y assessed) bool { return byNamespaceName(x.fc, y.fc) < 0 })
	stale := newTopN(summaryListLimit, moreOverdue)
	for i := range items {
		fc := &items[i]
		as := a.assess(fc)
		t.byState[slices.Index(stateOrder, as.state)]++
		t.byRisk[riskIndex(fc)]++
		t.byProvider[providerIndex(fc)]++
		switch as.state {
		case StateFailing:
			failures[as.failure.Reason]++
			failing.offer(assessed{fc, as})
		case StateStale:
			stale.offer(assessed{fc, as})
		}
		if hasResult(fc) {
			for j := range fc.Status.Bottlenecks {
				bottlenecks.offer(candidate{fc: fc, index: j})
			}
		}
	}
	return Summary{
		GeneratedAt:     a.now.UTC(),
		Total:           len(items),
		ByRisk:          counts(append([]string{string(v1.RiskCritical), string(v1.RiskHigh), string(v1.RiskModerate), string(v1.RiskLow)}, NoRisk), t.byRisk[:]),
		ByProvider:      counts(append(slices.Clone(providerNames), NoProvider), t.byProvider[:]),
		ByState:         counts(stateOrder, t.byState[:]),
		FailingByReason: failures,
		TopBottlenecks:  rankedBottlenecks(bottlenecks.sorted()),
		Failing:         failingList(failing.sorted()),
		Stale:           staleList(stale.sorted()),
		ListLimit:       summaryListLimit,
	}
}

func counts(keys []string, n []int) map[string]int {
	m := make(map[string]int, len(keys))
	for i, k := range keys {
		m[k] = n[i]
	}
	return m
}

// riskIndex is riskRank for a result's level, 4 (None) without a result.
func riskIndex(fc *v1.Forecast) int {
	if !hasResult(fc) {
		return 4
	}
	return riskRank(string(fc.Status.RiskLevel))
}

// providerIndex places the result's provider in providerNames, 6 (none)
// without a result.
func providerIndex(fc *v1.Forecast) int {
	if !hasResult(fc) {
		return len(providerNames)
	}
	if i := slices.Index(providerNames, string(fc.Status.Provider)); i >= 0 {
		return i
	}
	return len(providerNames)
}

// assessed is a Forecast with its assessment.
type assessed struct {
	fc *v1.Forecast
	as assessment
}

// moreOverdue orders stale Forecasts: the most overdue first.
func moreOverdue(x, y assessed) bool {
	if x.as.overdue != y.as.overdue {
		return x.as.overdue > y.as.overdue
	}
	return byNamespaceName(x.fc, y.fc) < 0
}

func failingList(fs []assessed) []FailingForecast {
	out := make([]FailingForecast, len(fs))
	for i, f := range fs {
		out[i] = FailingForecast{Forecast: refOf(f.fc), Failure: *f.as.failure}
	}
	return out
}

func staleList(fs []assessed) []StaleForecast {
	out := make([]StaleForecast, len(fs))
	for i, f := range fs {
		st := f.fc.Status
		out[i] = StaleForecast{Forecast: refOf(f.fc), GeneratedAt: timePtr(st.GeneratedAt),
			NextRefreshAt: timePtr(st.NextRefreshAt), OverdueSeconds: int64(f.as.overdue.Seconds())}
	}
	return out
}

func byNamespaceName(x, y *v1.Forecast) int {
	if c := strings.Compare(x.Namespace, y.Namespace); c != 0 {
		return c
	}
	return strings.Compare(x.Name, y.Name)
}

// candidate is one bottleneck of one Forecast.
type candidate struct {
	fc    *v1.Forecast
	index int // in fc.Status.Bottlenecks
}

// outranks orders candidates: the more severe bottleneck first, then the
// riskier Forecast, then namespace/name, then the Forecast's own order.
func (c candidate) outranks(d candidate) bool {
	cs, ds := riskRank(string(c.fc.Status.Bottlenecks[c.index].Severity)), riskRank(string(d.fc.Status.Bottlenecks[d.index].Severity))
	if cs != ds {
		return cs < ds
	}
	if c.fc.Status.RiskScore != d.fc.Status.RiskScore {
		return c.fc.Status.RiskScore > d.fc.Status.RiskScore
	}
	if c.fc != d.fc {
		return byNamespaceName(c.fc, d.fc) < 0
	}
	return c.index < d.index
}

func rankedBottlenecks(cs []candidate) []RankedBottleneck {
	out := make([]RankedBottleneck, len(cs))
	for i, c := range cs {
		out[i] = RankedBottleneck{Forecast: refOf(c.fc), RiskLevel: string(c.fc.Status.RiskLevel),
			RiskScore: c.fc.Status.RiskScore, Bottleneck: bottleneckView(c.fc.Status.Bottlenecks[c.index])}
	}
	return out
}
