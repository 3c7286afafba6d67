package dashboard

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

const itaCSV = "period,value\n2025-04,1000\n2025-05,1050\n2025-06,1120\n"

func historyConfigMap(name string, data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "ports", Name: name}, Data: data}
}

// countingReader counts ConfigMap reads; with gate set, each read waits
// for it to close (or for the read's context to end).
type countingReader struct {
	client.Reader
	reads atomic.Int32
	gate  chan struct{}
}

func (r *countingReader) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	if _, ok := obj.(*corev1.ConfigMap); ok {
		r.reads.Add(1)
		if r.gate != nil {
			select {
			case <-r.gate:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return r.Reader.Get(ctx, key, obj, opts...)
}

func newCountingReader(objs ...client.Object) *countingReader {
	return &countingReader{Reader: newFakeReader(objs...)}
}

func TestConfigMapHistoryParsesCSVAndJSON(t *testing.T) {
	reader := newCountingReader(historyConfigMap("ita-history", map[string]string{
		"history.csv":  itaCSV,
		"history.json": `[{"period":"2025-04","value":1000},{"period":"2025-05","value":"1050.5"}]`,
	}))
	h := NewConfigMapHistory(reader, ConfigMapHistoryOptions{})
	for key, want := range map[string][]Point{
		"history.csv":  {{"2025-04", 1000}, {"2025-05", 1050}, {"2025-06", 1120}},
		"history.json": {{"2025-04", 1000}, {"2025-05", 1050.5}},
	} {
		fc := testForecast("ports", "ita", "ITA", historyFrom("ita-history"))
		fc.Spec.HistoryFrom.ConfigMapKeyRef.Key = key
		got, err := h.Load(context.Background(), fc)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: %v, %v; want %v", key, got, err, want)
		}
	}
}

// The messages are the controller's, and the limits are history.Parse's.
func TestConfigMapHistoryErrors(t *testing.T) {
	var tooLong strings.Builder
	for i := range 5001 {
		fmt.Fprintf(&tooLong, "p%d,1\n", i)
	}
	reader := newCountingReader(historyConfigMap("bad", map[string]string{
		"letters.csv": "2025-01,abc\n", "long.csv": tooLong.String(),
	}))
	h := NewConfigMapHistory(reader, ConfigMapHistoryOptions{})
	for _, tc := range []struct{ name, key, want string }{
		{"missing", "history.csv", "ConfigMap ports/missing named by spec.historyFrom does not exist"},
		{"bad", "history.csv", `ConfigMap ports/bad has no key "history.csv"`},
		{"bad", "letters.csv", `ConfigMap ports/bad key "letters.csv": line 1 (period "2025-01"): value "abc" is not a number`},
		{"bad", "long.csv", `ConfigMap ports/bad key "long.csv": the history has more than 5000 points`},
	} {
		fc := testForecast("ports", "ita", "ITA", historyFrom(tc.name))
		fc.Spec.HistoryFrom.ConfigMapKeyRef.Key = tc.key
		points, err := h.Load(context.Background(), fc)
		if err == nil || err.Error() != tc.want || points != nil {
			t.Errorf("%s/%s: %v, %v; want error %q", tc.name, tc.key, points, err, tc.want)
		}
	}
}

// Concurrent requests share one read, and within the TTL no other read is
// made; after it, one more.
func TestConfigMapHistoryOneReadPerTTL(t *testing.T) {
	reader := newCountingReader(historyConfigMap("ita-history", map[string]string{"history.csv": itaCSV}))
	reader.gate = make(chan struct{})
	clk := clocktesting.NewFakeClock(now)
	h := NewConfigMapHistory(reader, ConfigMapHistoryOptions{TTL: 30 * time.Second, Clock: clk})
	fc := testForecast("ports", "ita", "ITA", historyFrom("ita-history"))
	other := testForecast("ports", "ita-2", "ITA", historyFrom("ita-history")) // the same key

	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Go(func() {
			f := fc
			if i%2 == 1 {
				f = other
			}
			points, err := h.Load(context.Background(), f)
			if err == nil && len(points) != 3 {
				err = fmt.Errorf("%d points, want 3", len(points))
			}
			errs <- err
		})
	}
	for reader.reads.Load() == 0 { // wait for the read to start before letting it end
		time.Sleep(time.Millisecond)
	}
	close(reader.gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := reader.reads.Load(); n != 1 {
		t.Fatalf("40 concurrent loads made %d reads, want 1", n)
	}

	clk.Step(29 * time.Second)
	if _, err := h.Load(context.Background(), fc); err != nil || reader.reads.Load() != 1 {
		t.Errorf("within the TTL: err %v, %d reads, want 1", err, reader.reads.Load())
	}
	clk.Step(time.Second)
	if _, err := h.Load(context.Background(), fc); err != nil || reader.reads.Load() != 2 {
		t.Errorf("after the TTL: err %v, %d reads, want 2", err, reader.reads.Load())
	}
}

// A failure is reused for the TTL, like a result (a missing ConfigMap must
// not cost a read per page refresh), and read again after it.
func TestConfigMapHistoryFailureLastsTheTTL(t *testing.T) {
	fake := newFakeReader()
	reader := &countingReader{Reader: fake}
	clk := clocktesting.NewFakeClock(now)
	h := NewConfigMapHistory(reader, ConfigMapHistoryOptions{TTL: 30 * time.Second, Clock: clk})
	fc := testForecast("ports", "ita", "ITA", historyFrom("ita-history"))

	if _, err := h.Load(context.Background(), fc); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("err = %v, want does not exist", err)
	}
	if err := fake.(client.Client).Create(context.Background(),
		historyConfigMap("ita-history", map[string]string{"history.csv": itaCSV})); err != nil {
		t.Fatal(err)
	}
	clk.Step(10 * time.Second)
	if _, err := h.Load(context.Background(), fc); err == nil || reader.reads.Load() != 1 {
		t.Errorf("within the TTL: err %v, %d reads; want the reused failure, 1 read", err, reader.reads.Load())
	}
	clk.Step(20 * time.Second)
	if points, err := h.Load(context.Background(), fc); err != nil || len(points) != 3 || reader.reads.Load() != 2 {
		t.Errorf("after the TTL: %v, %v, %d reads; want 3 points from a second read", points, err, reader.reads.Load())
	}
}

// A read that hangs ends at the timeout, as an error.
func TestConfigMapHistoryTimeout(t *testing.T) {
	reader := newCountingReader(historyConfigMap("ita-history", map[string]string{"history.csv": itaCSV}))
	reader.gate = make(chan struct{}) // never opens
	h := NewConfigMapHistory(reader, ConfigMapHistoryOptions{Timeout: 20 * time.Millisecond})
	start := time.Now()
	_, err := h.Load(context.Background(), testForecast("ports", "ita", "ITA", historyFrom("ita-history")))
	if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "reading ConfigMap ports/ita-history: ") {
		t.Errorf("err = %v, want the read's deadline", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the load took %s", d)
	}
}

// A request that goes away stops waiting; the read goes on for the others.
func TestConfigMapHistoryCallerGoesAway(t *testing.T) {
	reader := newCountingReader(historyConfigMap("ita-history", map[string]string{"history.csv": itaCSV}))
	reader.gate = make(chan struct{})
	h := NewConfigMapHistory(reader, ConfigMapHistoryOptions{Clock: clocktesting.NewFakeClock(now)})
	fc := testForecast("ports", "ita", "ITA", historyFrom("ita-history"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Load(ctx, fc); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want the caller's cancellation", err)
	}
	close(reader.gate)
	if points, err := h.Load(context.Background(), fc); err != nil || len(points) != 3 || reader.reads.Load() != 1 {
		t.Errorf("%v, %v, %d reads; want the first read's 3 points", points, err, reader.reads.Load())
	}
}

func TestConfigMapHistoryIsBounded(t *testing.T) {
	var objs []client.Object
	for i := range 5 {
		objs = append(objs, historyConfigMap(fmt.Sprintf("h%d", i), map[string]string{"history.csv": itaCSV}))
	}
	reader := newCountingReader(objs...)
	clk := clocktesting.NewFakeClock(now)
	h := NewConfigMapHistory(reader, ConfigMapHistoryOptions{MaxEntries: 2, Clock: clk})
	for i := range 5 {
		clk.Step(time.Second)
		if _, err := h.Load(context.Background(), testForecast("ports", "f", "ITA", historyFrom(fmt.Sprintf("h%d", i)))); err != nil {
			t.Fatal(err)
		}
		if n := len(h.entries); n > 2 {
			t.Fatalf("%d entries, want at most 2", n)
		}
	}
	// The newest stays; the oldest went.
	if _, err := h.Load(context.Background(), testForecast("ports", "f", "ITA", historyFrom("h4"))); err != nil || reader.reads.Load() != 5 {
		t.Errorf("the newest entry was read again: %d reads", reader.reads.Load())
	}
	if _, err := h.Load(context.Background(), testForecast("ports", "f", "ITA", historyFrom("h0"))); err != nil || reader.reads.Load() != 6 {
		t.Errorf("the oldest entry is still held: %d reads", reader.reads.Load())
	}
}

// Through the dashboard: the chart, the JSON detail and the page show the
// ConfigMap's history, and one page view (page, chart, JSON) reads the
// ConfigMap once.
func TestDashboardShowsConfigMapHistory(t *testing.T) {
	fc := testForecast("ports", "ita", "ITA", historyFrom("ita-history"))
	missing := testForecast("ports", "gone", "ITA", historyFrom("gone-history"))
	objs := []client.Object{fc, missing, historyConfigMap("ita-history", map[string]string{"history.csv": itaCSV})}
	reader := newCountingReader(objs...)
	loader := NewConfigMapHistory(reader, ConfigMapHistoryOptions{Clock: clocktesting.NewFakeClock(now)})
	h := New(newFakeReader(objs...), Options{Clock: clocktesting.NewFakePassiveClock(now), History: loader.Load})

	page := get(t, h, "/forecasts/ports/ita").Body.String()
	for _, want := range []string{"3 history points", "3 points, 2025-04 to 2025-06"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	doc, _ := getChart(t, h, "/api/v1/forecasts/ports/ita/chart.svg")
	if !doc.has("History") || !doc.has("2025-04") || !strings.Contains(doc.title, "3 history points") {
		t.Errorf("chart: texts %q, title %q", doc.texts, doc.title)
	}
	d := getJSON[ForecastDetail](t, h, "/api/v1/forecasts/ports/ita", 200)
	if hs := d.Spec.History; hs.Source != "configMap" || hs.Points != 3 || hs.First != "2025-04" || hs.Last != "2025-06" || hs.Error != "" {
		t.Errorf("JSON spec.history = %+v", hs)
	}
	if n := reader.reads.Load(); n != 1 {
		t.Errorf("a page view read the ConfigMap %d times, want 1", n)
	}

	// A missing ConfigMap is said, not a failed request.
	d = getJSON[ForecastDetail](t, h, "/api/v1/forecasts/ports/gone", 200)
	if want := "ConfigMap ports/gone-history named by spec.historyFrom does not exist"; d.Spec.History.Error != want || d.Spec.History.Points != 0 {
		t.Errorf("JSON spec.history = %+v, want error %q", d.Spec.History, want)
	}
	if rec := get(t, h, "/forecasts/ports/gone"); rec.Code != 200 || !strings.Contains(rec.Body.String(), "gone-history named by spec.historyFrom does not exist") {
		t.Errorf("page: %d, lacks the error", rec.Code)
	}
	if doc, _ := getChart(t, h, "/api/v1/forecasts/ports/gone/chart.svg"); !doc.has("history from ConfigMap gone-history unavailable") {
		t.Errorf("chart: texts %q", doc.texts)
	}
}

// The chart's URL on the page changes with the history, so the browser
// fetches it again when the ConfigMap changes but the Forecast does not.
func TestChartURLFollowsTheHistory(t *testing.T) {
	fc := testForecast("ports", "ita", "ITA", historyFrom("ita-history"))
	points := []Point{{"2025-04", 1000}}
	loader := func(context.Context, *v1.Forecast) ([]Point, error) { return points, nil }
	h := New(newFakeReader(fc), Options{Clock: clocktesting.NewFakePassiveClock(now), History: loader})
	src := func() string {
		body := get(t, h, "/forecasts/ports/ita").Body.String()
		i := strings.Index(body, "chart.svg?v=")
		if i < 0 {
			t.Fatal("no chart URL on the page")
		}
		return body[i : i+strings.IndexByte(body[i:], '"')]
	}
	before := src()
	if again := src(); again != before {
		t.Errorf("the URL changed without a change: %s, %s", before, again)
	}
	points = append(points, Point{"2025-05", 1050})
	if after := src(); after == before {
		t.Errorf("the URL %s stayed after the history changed", after)
	}
}
