package dashboard

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// The conversions below read the cached objects and build new values; they
// never write to the objects, which the cache may share with other readers.

// lockView converts the ProviderLock. Credentials appear as the name of
// their Secret key only.
func lockView(l *v1.ProviderLock) ProviderLock {
	st := l.Status
	out := ProviderLock{
		Name:                l.Name,
		ActiveProvider:      string(st.ActiveProvider),
		ActiveModel:         st.ActiveModel,
		LockedAt:            timePtr(st.LockedAt),
		Epoch:               st.Epoch,
		ConsecutiveFailures: st.ConsecutiveFailures,
		FailureThreshold:    l.Spec.FailureThreshold,
		Failback:            string(l.Spec.Failback),
		Override:            string(l.Spec.Override),
		Ready:               conditionView(st.Conditions, v1.ReadyCondition),
		Degraded:            conditionView(st.Conditions, v1.DegradedCondition),
		Providers:           providerViews(l),
		History:             make([]LockChange, len(st.History)),
		Generation:          l.Generation,
		ObservedGeneration:  st.ObservedGeneration,
	}
	if l.Spec.Cooldown != nil {
		out.Cooldown = l.Spec.Cooldown.Duration.String()
	}
	for i, h := range st.History {
		out.History[i] = LockChange{Time: h.Time.UTC(), From: string(h.From), To: string(h.To),
			Epoch: h.Epoch, Reason: string(h.Reason), Message: h.Message}
	}
	return out
}

// providerViews lists the providers in spec (priority) order, then any the
// status still reports that the spec no longer lists.
func providerViews(l *v1.ProviderLock) []ProviderHealth {
	statuses := make(map[v1.ProviderName]*v1.ProviderStatus, len(l.Status.Providers))
	for i := range l.Status.Providers {
		statuses[l.Status.Providers[i].Name] = &l.Status.Providers[i]
	}
	out := make([]ProviderHealth, 0, len(l.Spec.Providers))
	for i, p := range l.Spec.Providers {
		h := ProviderHealth{Name: string(p.Name), Priority: i + 1, Model: p.Model, State: "Unknown"}
		if ref := p.CredentialsRef; ref != nil {
			h.CredentialsRef = &SecretRef{Namespace: ref.Namespace, Name: ref.Name, Key: ref.Key}
		}
		if st, ok := statuses[p.Name]; ok {
			fillHealth(&h, st)
			delete(statuses, p.Name)
		}
		out = append(out, h)
	}
	for _, st := range l.Status.Providers { // status order keeps this stable
		if _, left := statuses[st.Name]; left {
			h := ProviderHealth{Name: string(st.Name)}
			fillHealth(&h, &st)
			out = append(out, h)
		}
	}
	for i := range out {
		out[i].Active = out[i].Name == string(l.Status.ActiveProvider) && out[i].Name != ""
	}
	return out
}

func fillHealth(h *ProviderHealth, st *v1.ProviderStatus) {
	h.State, h.Message, h.LastError = string(st.State), st.Message, st.LastError
	h.LastProbeTime, h.CooldownUntil = timePtr(st.LastProbeTime), timePtr(st.CooldownUntil)
	if d := st.LastProbeLatency; d != nil {
		ms := float64(d.Duration) / float64(time.Millisecond)
		h.LastProbeLatencyMs = &ms
	}
}

// itemView converts a Forecast for a list.
func itemView(fc *v1.Forecast, a assessment) ForecastItem {
	st := fc.Status
	return ForecastItem{
		Namespace:       fc.Namespace,
		Name:            fc.Name,
		Region:          fc.Spec.Region,
		Subject:         fc.Spec.Subject,
		Unit:            fc.Spec.Unit,
		Period:          periodOf(fc),
		Horizon:         fc.Spec.Horizon,
		Capacity:        decimalPtr(fc.Spec.Capacity),
		State:           a.state,
		Ready:           conditionStatus(st.Conditions, v1.ReadyCondition),
		Failure:         a.failure,
		Result:          resultView(st),
		BottleneckCount: len(st.Bottlenecks),
	}
}

func resultView(st v1.ForecastStatus) Result {
	return Result{
		RiskLevel:     string(st.RiskLevel),
		RiskScore:     st.RiskScore,
		Confidence:    st.Confidence,
		Summary:       st.Summary,
		Provider:      string(st.Provider),
		Model:         st.Model,
		LockEpoch:     st.LockEpoch,
		GeneratedAt:   timePtr(st.GeneratedAt),
		NextRefreshAt: timePtr(st.NextRefreshAt),
	}
}

// detailView converts a Forecast for its detail answer.
func detailView(fc *v1.Forecast, a assessment) ForecastDetail {
	return ForecastDetail{
		Namespace:       fc.Namespace,
		Name:            fc.Name,
		Generation:      fc.Generation,
		ResourceVersion: fc.ResourceVersion,
		CreatedAt:       timePtr(&fc.CreationTimestamp),
		State:           a.state,
		Failure:         a.failure,
		Spec:            specView(fc),
		Status:          statusView(fc),
		ChartURL:        chartPath(fc.Namespace, fc.Name),
	}
}

func specView(fc *v1.Forecast) ForecastSpec {
	s := fc.Spec
	out := ForecastSpec{Region: s.Region, Subject: s.Subject, Unit: s.Unit, Period: periodOf(fc),
		Horizon: s.Horizon, Capacity: decimalPtr(s.Capacity), RefreshInterval: defaultRefreshInterval.String(),
		Suspend: s.Suspend, Actual: s.Actual}
	if s.RefreshInterval != nil {
		out.RefreshInterval = s.RefreshInterval.Duration.String()
	}
	switch {
	case s.HistoryFrom != nil:
		ref := s.HistoryFrom.ConfigMapKeyRef
		out.History = HistorySource{Source: "configMap", ConfigMap: &ConfigMapKeyRef{Name: ref.Name, Key: ref.Key}}
	default:
		out.History = HistorySource{Source: "inline", Points: len(s.History)}
		if n := len(s.History); n > 0 {
			out.History.First, out.History.Last = s.History[0].Period, s.History[n-1].Period
		}
	}
	return out
}

// read records what reading a ConfigMap-held history gave.
func (h *HistorySource) read(points []Point, err error) {
	if err != nil {
		h.Error = err.Error()
		return
	}
	h.Points = len(points)
	if n := len(points); n > 0 {
		h.First, h.Last = points[0].Period, points[n-1].Period
	}
}

func statusView(fc *v1.Forecast) ForecastStatus {
	st := fc.Status
	out := ForecastStatus{
		Conditions:         make([]Condition, len(st.Conditions)),
		ObservedGeneration: st.ObservedGeneration,
		Result:             resultView(st),
		InputHash:          st.InputHash,
		Predictions:        predictionViews(st.Predictions),
		Bottlenecks:        make([]Bottleneck, len(st.Bottlenecks)),
	}
	for i := range st.Conditions {
		out.Conditions[i] = conditionOf(&st.Conditions[i])
	}
	for i, b := range st.Bottlenecks {
		out.Bottlenecks[i] = bottleneckView(b)
	}
	if a := st.LastAttempt; a != nil {
		out.LastAttempt = &Attempt{Time: a.Time.UTC(), Provider: string(a.Provider), Epoch: a.Epoch,
			Outcome: string(a.Outcome), Reason: a.Reason, Message: a.Message, ConsecutiveFailures: a.ConsecutiveFailures}
	}
	return out
}

// predictionViews parses the predictions' decimals; the CRD's pattern makes
// them numbers, so a value that still fails to parse is 0.
func predictionViews(ps []v1.Prediction) []Prediction {
	out := make([]Prediction, len(ps))
	for i, p := range ps {
		out[i] = Prediction{Period: p.Period, Value: decimal(p.Value), Lower: decimal(p.Lower), Upper: decimal(p.Upper)}
	}
	return out
}

func bottleneckView(b v1.Bottleneck) Bottleneck {
	return Bottleneck{Name: b.Name, Severity: string(b.Severity), Period: b.Period, Description: b.Description}
}

func conditionView(conds []metav1.Condition, t string) Condition {
	if c := apimeta.FindStatusCondition(conds, t); c != nil {
		return conditionOf(c)
	}
	return Condition{Type: t, Status: string(metav1.ConditionUnknown)}
}

func conditionOf(c *metav1.Condition) Condition {
	return Condition{Type: c.Type, Status: string(c.Status), Reason: c.Reason, Message: c.Message,
		LastTransitionTime: timePtr(&c.LastTransitionTime)}
}

func refOf(fc *v1.Forecast) ForecastRef {
	return ForecastRef{Namespace: fc.Namespace, Name: fc.Name, Region: fc.Spec.Region}
}

// periodOf is the Forecast's period, month when unset (the API's default).
func periodOf(fc *v1.Forecast) string {
	if fc.Spec.Period == "" {
		return string(v1.PeriodMonth)
	}
	return string(fc.Spec.Period)
}

// parseDecimal reads a decimal string as a finite number.
func parseDecimal(d v1.Decimal) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(string(d)), 64)
	return v, err == nil && !math.IsNaN(v) && !math.IsInf(v, 0)
}

// decimal reads a decimal string, as 0 when it is not a finite number (a
// value such as "1e400" passes the API's pattern but overflows).
func decimal(d v1.Decimal) float64 {
	if v, ok := parseDecimal(d); ok {
		return v
	}
	return 0
}

func decimalPtr(d *v1.Decimal) *float64 {
	if d == nil {
		return nil
	}
	if v, ok := parseDecimal(*d); ok {
		return &v
	}
	return nil
}

// timePtr copies a Kubernetes time as UTC; nil or zero is nil.
func timePtr(t *metav1.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// chartPath is the path of a Forecast's chart below the dashboard's root.
func chartPath(namespace, name string) string {
	return forecastAPIPath(namespace, name) + "/chart.svg"
}

func forecastAPIPath(namespace, name string) string {
	return "/api/v1/forecasts/" + url.PathEscape(namespace) + "/" + url.PathEscape(name)
}
