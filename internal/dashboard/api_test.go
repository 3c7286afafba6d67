package dashboard

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

func TestProviderLock(t *testing.T) {
	h := newTestHandler(fixtures()...)
	lock := getJSON[ProviderLock](t, h, "/api/v1/providerlock", http.StatusOK)

	if lock.Name != "default" || lock.ActiveProvider != "gemini" || lock.ActiveModel != "gemini-2.5-flash" || lock.Epoch != 2 {
		t.Errorf("lock = %s %s/%s epoch %d, want default gemini/gemini-2.5-flash epoch 2", lock.Name, lock.ActiveProvider, lock.ActiveModel, lock.Epoch)
	}
	if lock.ConsecutiveFailures != 1 || lock.FailureThreshold != 3 || lock.Cooldown != "5m0s" || lock.Failback != "Manual" {
		t.Errorf("failures %d/%d cooldown %q failback %q", lock.ConsecutiveFailures, lock.FailureThreshold, lock.Cooldown, lock.Failback)
	}
	if lock.Ready.Status != "True" || lock.Degraded.Status != "True" || lock.Degraded.Reason != "RunningOnFallback" {
		t.Errorf("ready %+v degraded %+v", lock.Ready, lock.Degraded)
	}
	if lock.LockedAt == nil || !lock.LockedAt.Equal(now.Add(-20*time.Minute)) {
		t.Errorf("lockedAt = %v", lock.LockedAt)
	}

	var names, states []string
	for _, p := range lock.Providers {
		names, states = append(names, p.Name), append(states, p.State)
	}
	if want := []string{"openai", "gemini", "baseline"}; !slices.Equal(names, want) {
		t.Errorf("providers = %v, want the spec's priority order %v", names, want)
	}
	if want := []string{"CoolingDown", "Active", "Standby"}; !slices.Equal(states, want) {
		t.Errorf("states = %v, want %v", states, want)
	}
	gemini := lock.Providers[1]
	if !gemini.Active || gemini.Priority != 2 || gemini.LastProbeLatencyMs == nil || *gemini.LastProbeLatencyMs != 120 {
		t.Errorf("gemini = %+v, want active, priority 2, 120 ms probe", gemini)
	}
	if ref := gemini.CredentialsRef; ref == nil || ref.Name != "gemini-key" || ref.Namespace != "bottleneck-system" || ref.Key != "apiKey" {
		t.Errorf("gemini credentialsRef = %+v", ref)
	}
	if lock.Providers[0].Active || lock.Providers[0].LastError == "" || lock.Providers[0].CooldownUntil == nil {
		t.Errorf("openai = %+v, want inactive with its last error and cooldown", lock.Providers[0])
	}
	if lock.Providers[2].CredentialsRef != nil {
		t.Errorf("baseline has a credentialsRef: %+v", lock.Providers[2].CredentialsRef)
	}

	if len(lock.History) != 2 || lock.History[0].Reason != "FailureThreshold" || lock.History[0].From != "openai" ||
		lock.History[0].To != "gemini" || lock.History[0].Epoch != 2 || lock.History[1].Reason != "Initial" {
		t.Errorf("history = %+v, want FailureThreshold openai->gemini then Initial", lock.History)
	}
}

func TestProviderLockMissing(t *testing.T) {
	h := newTestHandler(testForecast("ports", "usa-teu", "USA"))
	body := getJSON[ErrorBody](t, h, "/api/v1/providerlock", http.StatusNotFound)
	if body.Error.Reason != ReasonNotFound || body.Error.Status != 404 || !strings.Contains(body.Error.Message, "ProviderLock default") {
		t.Errorf("error = %+v", body.Error)
	}
}

func TestProviderLockStateBeforeTheControllerReports(t *testing.T) {
	lock := testLock()
	lock.Status = v1.ProviderLockStatus{}
	h := newTestHandler(lock)
	got := getJSON[ProviderLock](t, h, "/api/v1/providerlock", http.StatusOK)
	if got.ActiveProvider != "" || got.Ready.Status != "Unknown" || len(got.History) != 0 {
		t.Errorf("lock = %+v, want no provider, Ready Unknown, empty history", got)
	}
	for _, p := range got.Providers {
		if p.State != "Unknown" || p.Active {
			t.Errorf("provider %s: state %s active %v, want Unknown, inactive", p.Name, p.State, p.Active)
		}
	}
}

func TestForecastList(t *testing.T) {
	h := newTestHandler(fixtures()...)
	list := getJSON[ForecastList](t, h, "/api/v1/forecasts", http.StatusOK)
	want := []string{"energy/fra-load", "energy/jpn-load", "energy/usa-load", "ports/bra-teu", "ports/chn-teu", "ports/deu-teu", "ports/usa-teu"}
	if got := keys(list.Items); !slices.Equal(got, want) {
		t.Errorf("items = %v, want %v (namespace/name order)", got, want)
	}
	if list.Total != 7 || list.Limit != 50 || list.Sort != "name" || list.Continue != "" {
		t.Errorf("total %d limit %d sort %q continue %q", list.Total, list.Limit, list.Sort, list.Continue)
	}

	states := map[string]string{}
	for _, it := range list.Items {
		states[it.Namespace+"/"+it.Name] = it.State
	}
	wantStates := map[string]string{"energy/fra-load": "Ready", "energy/jpn-load": "Pending", "energy/usa-load": "Failing",
		"ports/bra-teu": "Suspended", "ports/chn-teu": "Stale", "ports/deu-teu": "Ready", "ports/usa-teu": "Ready"}
	for k, w := range wantStates {
		if states[k] != w {
			t.Errorf("%s: state %q, want %q", k, states[k], w)
		}
	}

	usa := list.Items[6]
	if usa.Region != "USA" || usa.RiskLevel != "High" || usa.RiskScore != 72 || usa.Confidence != 64 || usa.Provider != "gemini" ||
		usa.LockEpoch != 2 || usa.Ready != "True" || usa.BottleneckCount != 2 || usa.Capacity == nil || *usa.Capacity != 1200 ||
		usa.Period != "month" || usa.Horizon != 3 || usa.Unit != "TEU" || usa.GeneratedAt == nil || usa.Failure != nil {
		t.Errorf("ports/usa-teu = %+v", usa)
	}
	failing := list.Items[2]
	if f := failing.Failure; f == nil || f.Reason != "ProviderFailed" || f.AttemptReason != "Timeout" || f.Provider != "gemini" ||
		f.ConsecutiveFailures != 2 || !strings.Contains(f.Message, "timed out") {
		t.Errorf("energy/usa-load failure = %+v", failing.Failure)
	}
	if pending := list.Items[1]; pending.RiskLevel != "" || pending.Ready != "Unknown" || pending.GeneratedAt != nil {
		t.Errorf("energy/jpn-load = %+v, want no result", pending)
	}
}

func TestForecastListFilters(t *testing.T) {
	h := newTestHandler(fixtures()...)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"namespace=energy", []string{"energy/fra-load", "energy/jpn-load", "energy/usa-load"}},
		{"region=usa", []string{"energy/usa-load", "ports/usa-teu"}},
		{"risk=HIGH", []string{"ports/chn-teu", "ports/usa-teu"}},
		{"risk=critical,low", []string{"energy/fra-load", "ports/deu-teu"}},
		{"risk=critical&risk=low", []string{"energy/fra-load", "ports/deu-teu"}},
		{"provider=openai", []string{"energy/fra-load"}},
		{"provider=Baseline", []string{"energy/usa-load"}},
		{"provider=groq", nil},
		{"risk=none", []string{"energy/jpn-load"}},
		{"provider=NONE", []string{"energy/jpn-load"}},
		{"state=failing,stale", []string{"energy/usa-load", "ports/chn-teu"}},
		{"namespace=ports&risk=moderate", []string{"ports/bra-teu"}},
		{"namespace=nowhere", nil},
		{"risk=&provider=&region=", []string{"energy/fra-load", "energy/jpn-load", "energy/usa-load", "ports/bra-teu", "ports/chn-teu", "ports/deu-teu", "ports/usa-teu"}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			list := getJSON[ForecastList](t, h, "/api/v1/forecasts?"+tc.query, http.StatusOK)
			if got := keys(list.Items); !slices.Equal(got, tc.want) {
				t.Errorf("items = %v, want %v", got, tc.want)
			}
			if list.Total != len(tc.want) {
				t.Errorf("total = %d, want %d", list.Total, len(tc.want))
			}
		})
	}
}

func TestForecastListSortByRisk(t *testing.T) {
	h := newTestHandler(fixtures()...)
	list := getJSON[ForecastList](t, h, "/api/v1/forecasts?sort=risk", http.StatusOK)
	want := []string{"energy/fra-load", "ports/usa-teu", "ports/chn-teu", "ports/bra-teu", "energy/usa-load", "ports/deu-teu", "energy/jpn-load"}
	if got := keys(list.Items); !slices.Equal(got, want) {
		t.Errorf("items = %v, want %v (Critical, High by score, Moderate by score, Low, no result)", got, want)
	}
	if list.Sort != "risk" {
		t.Errorf("sort = %q", list.Sort)
	}
}

func TestForecastListPagination(t *testing.T) {
	h := newTestHandler(fixtures()...)
	for _, sort := range []string{"name", "risk"} {
		all := getJSON[ForecastList](t, h, "/api/v1/forecasts?sort="+sort, http.StatusOK)
		var paged []string
		target := "/api/v1/forecasts?limit=3&sort=" + sort
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatalf("sort=%s: more pages than items", sort)
			}
			page := getJSON[ForecastList](t, h, target, http.StatusOK)
			if len(page.Items) > 3 || page.Limit != 3 || page.Total != 7 {
				t.Fatalf("sort=%s: page of %d items, limit %d, total %d", sort, len(page.Items), page.Limit, page.Total)
			}
			paged = append(paged, keys(page.Items)...)
			if page.Continue == "" {
				break
			}
			target = "/api/v1/forecasts?limit=3&sort=" + sort + "&continue=" + page.Continue
		}
		if want := keys(all.Items); !slices.Equal(paged, want) {
			t.Errorf("sort=%s: pages gave %v, want %v", sort, paged, want)
		}
	}
}

// A keyset page neither repeats nor skips when objects come and go between
// pages.
func TestForecastListPaginationIsStableUnderChange(t *testing.T) {
	objs := fixtures()
	first := getJSON[ForecastList](t, newTestHandler(objs...), "/api/v1/forecasts?limit=2", http.StatusOK)
	// energy/fra-load (served) is deleted, energy/aaa (before the cursor) is added.
	changed := []client.Object{testForecast("energy", "aaa", "AUT")}
	for _, o := range objs {
		if o.GetName() != "fra-load" {
			changed = append(changed, o)
		}
	}
	h := newTestHandler(changed...)
	next := getJSON[ForecastList](t, h, "/api/v1/forecasts?limit=2&continue="+first.Continue, http.StatusOK)
	if got, want := keys(next.Items), []string{"energy/usa-load", "ports/bra-teu"}; !slices.Equal(got, want) {
		t.Errorf("second page = %v, want %v", got, want)
	}
}

func TestForecastListBadParameters(t *testing.T) {
	h := newTestHandler(fixtures()...)
	for _, tc := range []struct {
		query, param string
		allowed      []string
	}{
		{"risk=extreme", "risk", []string{"Low", "Moderate", "High", "Critical", "None"}},
		{"risk=High,severe", "risk", []string{"Low", "Moderate", "High", "Critical", "None"}},
		{"provider=anthropic", "provider", []string{"openai", "gemini", "groq", "cloudflare", "huggingface", "baseline", "none"}},
		{"state=broken", "state", []string{"Ready", "Failing", "Stale", "Pending", "Suspended"}},
		{"sort=age", "sort", []string{"name", "risk"}},
		{"limit=0", "limit", nil},
		{"limit=501", "limit", nil},
		{"limit=ten", "limit", nil},
		{"continue=not-a-token", "continue", nil},
		{"continue=" + encodeContinue("name", "ports\x00a") + "&sort=risk", "continue", nil},
	} {
		t.Run(tc.query, func(t *testing.T) {
			body := getJSON[ErrorBody](t, h, "/api/v1/forecasts?"+tc.query, http.StatusBadRequest)
			e := body.Error
			if e.Status != 400 || e.Reason != ReasonInvalidParameter || e.Parameter != tc.param || !slices.Equal(e.Allowed, tc.allowed) {
				t.Errorf("error = %+v, want parameter %s allowed %v", e, tc.param, tc.allowed)
			}
			if !strings.Contains(e.Message, tc.param) {
				t.Errorf("message %q does not name %s", e.Message, tc.param)
			}
		})
	}
}

func TestForecastDetail(t *testing.T) {
	h := newTestHandler(fixtures()...)
	d := getJSON[ForecastDetail](t, h, "/api/v1/forecasts/ports/usa-teu", http.StatusOK)
	if d.Namespace != "ports" || d.Name != "usa-teu" || d.State != "Ready" || d.Generation != 1 || d.ResourceVersion == "" ||
		d.ChartURL != "/api/v1/forecasts/ports/usa-teu/chart.svg" {
		t.Errorf("detail = %+v", d)
	}
	s := d.Spec
	if s.Region != "USA" || s.Subject != "container port throughput" || s.Unit != "TEU" || s.Period != "month" || s.Horizon != 3 ||
		s.Capacity == nil || *s.Capacity != 1200 || s.RefreshInterval != "1h0m0s" || s.Suspend {
		t.Errorf("spec = %+v", s)
	}
	if h := s.History; h.Source != "inline" || h.Points != 6 || h.First != "2025-01" || h.Last != "2025-06" || h.ConfigMap != nil {
		t.Errorf("history = %+v", h)
	}
	st := d.Status
	if st.RiskLevel != "High" || st.RiskScore != 72 || st.Confidence != 64 || st.Provider != "gemini" || st.LockEpoch != 2 ||
		st.InputHash != "abc123" || st.Summary == "" || st.ObservedGeneration != 1 {
		t.Errorf("status = %+v", st)
	}
	if len(st.Predictions) != 3 || st.Predictions[2] != (Prediction{Period: "2025-09", Value: 1230, Lower: 1120, Upper: 1340}) {
		t.Errorf("predictions = %+v", st.Predictions)
	}
	if len(st.Bottlenecks) != 2 || st.Bottlenecks[1].Severity != "Critical" || st.Bottlenecks[1].Period != "2025-09" {
		t.Errorf("bottlenecks = %+v", st.Bottlenecks)
	}
	if a := st.LastAttempt; a == nil || a.Outcome != "Succeeded" || a.Provider != "gemini" || a.Epoch != 2 {
		t.Errorf("lastAttempt = %+v", st.LastAttempt)
	}
	if len(st.Conditions) != 1 || st.Conditions[0].Type != "Ready" || st.Conditions[0].Status != "True" {
		t.Errorf("conditions = %+v", st.Conditions)
	}
}

func TestForecastDetailFromConfigMap(t *testing.T) {
	h := newTestHandler(testForecast("ports", "ita", "ITA", historyFrom("ita-history")))
	d := getJSON[ForecastDetail](t, h, "/api/v1/forecasts/ports/ita", http.StatusOK)
	if hs := d.Spec.History; hs.Source != "configMap" || hs.ConfigMap == nil || hs.ConfigMap.Name != "ita-history" || hs.ConfigMap.Key != "history.csv" || hs.Points != 0 {
		t.Errorf("history = %+v", hs)
	}
}

func TestForecastDetailNotFound(t *testing.T) {
	h := newTestHandler(fixtures()...)
	for _, target := range []string{"/api/v1/forecasts/ports/nope", "/api/v1/forecasts/nowhere/usa-teu", "/api/v1/forecasts/ports/nope/chart.svg"} {
		body := getJSON[ErrorBody](t, h, target, http.StatusNotFound)
		if body.Error.Reason != ReasonNotFound || !strings.Contains(body.Error.Message, "Forecast") {
			t.Errorf("%s: error = %+v", target, body.Error)
		}
	}
}

func TestForecastDetailWithAnOverflowingValue(t *testing.T) {
	// "1e400" passes the CRD's pattern but is no float64: it reads as 0,
	// and the answer stays valid JSON.
	fc := testForecast("ports", "huge", "USA")
	fc.Status.Predictions[0].Upper = "1e400"
	h := newTestHandler(testLock(), fc)
	got := getJSON[ForecastDetail](t, h, "/api/v1/forecasts/ports/huge", http.StatusOK)
	if p := got.Status.Predictions[0]; p.Upper != 0 {
		t.Errorf("upper = %v, want 0 for a value that overflows", p.Upper)
	}
	if rec := get(t, h, "/forecasts/ports/huge"); rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "Inf") {
		t.Errorf("the detail page shows %d, Inf: %v", rec.Code, strings.Contains(rec.Body.String(), "Inf"))
	}
}

func TestAPIFallback(t *testing.T) {
	h := newTestHandler(fixtures()...)
	body := getJSON[ErrorBody](t, h, "/api/v1/nothing-here", http.StatusNotFound)
	if body.Error.Reason != ReasonNotFound {
		t.Errorf("unknown path: %+v", body.Error)
	}
	getJSON[ErrorBody](t, h, "/api/v1/forecasts/ports", http.StatusNotFound)

	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, "/api/v1/forecasts/ports/usa-teu", strings.NewReader("{}")))
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" ||
			!strings.Contains(rec.Body.String(), `"reason":"MethodNotAllowed"`) {
			t.Errorf("%s: %d %s %s", method, rec.Code, rec.Header().Get("Allow"), rec.Body)
		}
	}
}

func TestHeadAndHeaders(t *testing.T) {
	h := newTestHandler(fixtures()...)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/api/v1/summary", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("HEAD: %d", rec.Code)
	}
	rec = get(t, h, "/api/v1/forecasts")
	for header, want := range map[string]string{"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"} {
		if got := rec.Header().Get(header); got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
}

// No answer ever carries a Secret's content, though the reader holds one.
func TestNoSecretContentAnywhere(t *testing.T) {
	h := newTestHandler(fixtures()...)
	for _, target := range []string{"/", "/forecasts/ports/usa-teu", "/api/v1/providerlock", "/api/v1/forecasts",
		"/api/v1/forecasts/ports/usa-teu", "/api/v1/forecasts/ports/usa-teu/chart.svg", "/api/v1/summary"} {
		rec := get(t, h, target)
		if rec.Code != http.StatusOK {
			t.Errorf("%s: %d", target, rec.Code)
		}
		if strings.Contains(rec.Body.String(), secretValue) {
			t.Errorf("%s shows the Secret's content", target)
		}
	}
}

func keys(items []ForecastItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Namespace+"/"+it.Name)
	}
	return out
}
