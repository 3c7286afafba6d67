package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/cache"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// The benchmarks read from controller-runtime's own informer cache (the
// reader the manager hands the dashboard), filled through an in-memory
// lister-watcher instead of an API server, so List costs what it costs in
// the manager.

// staticListWatch lists fixed objects and then watches for nothing. It
// declines watch-list streaming, so the reflector does a plain List.
type staticListWatch struct {
	*toolscache.ListWatch
}

func (staticListWatch) IsWatchListSemanticsUnSupported() bool { return true }

func newStaticListWatch(list runtime.Object) staticListWatch {
	return staticListWatch{&toolscache.ListWatch{
		ListWithContextFunc: func(context.Context, metav1.ListOptions) (runtime.Object, error) {
			return list.DeepCopyObject(), nil
		},
		WatchFuncWithContext: func(context.Context, metav1.ListOptions) (watch.Interface, error) {
			return watch.NewFake(), nil
		},
	}}
}

// newInformerCache starts an informer cache holding forecasts and lock,
// synced, and stops it when tb ends.
func newInformerCache(tb testing.TB, forecasts []v1.Forecast, lock *v1.ProviderLock) cache.Cache {
	tb.Helper()
	mapper := apimeta.NewDefaultRESTMapper(nil)
	mapper.Add(v1.GroupVersion.WithKind("Forecast"), apimeta.RESTScopeNamespace)
	mapper.Add(v1.GroupVersion.WithKind("ProviderLock"), apimeta.RESTScopeRoot)
	lists := map[string]runtime.Object{
		"Forecast":     &v1.ForecastList{Items: forecasts},
		"ProviderLock": &v1.ProviderLockList{Items: []v1.ProviderLock{*lock}},
	}
	c, err := cache.New(&rest.Config{Host: "http://127.0.0.1:1"}, cache.Options{
		Scheme:     testScheme,
		Mapper:     mapper,
		HTTPClient: http.DefaultClient,
		NewInformer: func(_ toolscache.ListerWatcher, obj runtime.Object, resync time.Duration, indexers toolscache.Indexers) toolscache.SharedIndexInformer {
			gvks, _, _ := testScheme.ObjectKinds(obj)
			return toolscache.NewSharedIndexInformer(newStaticListWatch(lists[gvks[0].Kind]), obj, resync, indexers)
		},
	})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	go func() { _ = c.Start(ctx) }()
	if !c.WaitForCacheSync(ctx) {
		tb.Fatal("the cache did not start")
	}
	// Informers start on first use; these Lists create and sync them.
	var list v1.ForecastList
	if err := c.List(ctx, &list); err != nil {
		tb.Fatal(err)
	}
	if len(list.Items) != len(forecasts) {
		tb.Fatalf("the cache holds %d Forecasts, want %d", len(list.Items), len(forecasts))
	}
	if err := c.List(ctx, &v1.ProviderLockList{}); err != nil {
		tb.Fatal(err)
	}
	return c
}

// generatedForecasts makes n Forecasts over 20 namespaces and 50 regions in
// every state, each with six predictions and up to four bottlenecks.
func generatedForecasts(n int) []v1.Forecast {
	levels := []v1.RiskLevel{v1.RiskLow, v1.RiskModerate, v1.RiskHigh, v1.RiskCritical}
	providers := []v1.ProviderName{v1.ProviderOpenAI, v1.ProviderGemini, v1.ProviderGroq, v1.ProviderBaseline}
	out := make([]v1.Forecast, n)
	for i := range out {
		var opts []forecastOption
		switch i % 10 {
		case 7:
			opts = append(opts, failing(v1.ProviderFailedReason, "Timeout", "timed out"))
		case 8:
			opts = append(opts, staleBy(time.Duration(i%97)*time.Hour+time.Hour))
		case 9:
			opts = append(opts, pending)
		}
		fc := testForecast("ns-"+strconv.Itoa(i%20), fmt.Sprintf("forecast-%05d", i), "R"+strconv.Itoa(i%50), opts...)
		if fc.Status.GeneratedAt != nil {
			fc.Status.RiskLevel, fc.Status.RiskScore = levels[i%4], int32(i*37%101)
			fc.Status.Provider = providers[i%len(providers)]
			fc.Status.Predictions = append(fc.Status.Predictions,
				v1.Prediction{Period: "2025-10", Value: "1240", Lower: "1100", Upper: "1380"},
				v1.Prediction{Period: "2025-11", Value: "1250", Lower: "1090", Upper: "1410"},
				v1.Prediction{Period: "2025-12", Value: "1262", Lower: "1080", Upper: "1444"})
			fc.Status.Bottlenecks = fc.Status.Bottlenecks[:0]
			for b := range i % 5 {
				fc.Status.Bottlenecks = append(fc.Status.Bottlenecks, v1.Bottleneck{Name: "constraint " + strconv.Itoa(b),
					Severity: levels[(i+b)%4], Period: "2025-0" + strconv.Itoa(7+b%3), Description: "generated"})
			}
		}
		fc.ResourceVersion = strconv.Itoa(i + 1)
		out[i] = *fc
	}
	return out
}

func benchHandler(b *testing.B, n int) http.Handler {
	b.Helper()
	c := newInformerCache(b, generatedForecasts(n), testLock())
	return New(c, Options{Clock: clocktesting.NewFakePassiveClock(now)})
}

// benchGet times GET target; besides ns/op (a mean) it reports the median
// request as p50-ms, the figure the budget is about.
func benchGet(b *testing.B, h http.Handler, target string) {
	b.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	var took []time.Duration
	for b.Loop() {
		start := time.Now()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		took = append(took, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
		}
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2])/float64(time.Millisecond), "p50-ms")
}

// BenchmarkSummary10k: GET /api/v1/summary over 10,000 cached Forecasts.
// The issue asks for at most 50 ms median.
func BenchmarkSummary10k(b *testing.B) {
	benchGet(b, benchHandler(b, 10_000), "/api/v1/summary")
}

// BenchmarkForecastList10k: one filtered page sorted by risk.
func BenchmarkForecastList10k(b *testing.B) {
	benchGet(b, benchHandler(b, 10_000), "/api/v1/forecasts?risk=high,critical&sort=risk&limit=50")
}

// BenchmarkOverviewPage10k: the HTML overview, which the page's script
// fetches every few seconds.
func BenchmarkOverviewPage10k(b *testing.B) {
	benchGet(b, benchHandler(b, 10_000), "/")
}

// BenchmarkChart: one chart.
func BenchmarkChart(b *testing.B) {
	benchGet(b, newTestHandler(fixtures()...), "/api/v1/forecasts/ports/usa-teu/chart.svg")
}
