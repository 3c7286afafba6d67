package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/fakeprovider"
	"github.com/bottleneck-io/bottleneck-operator/internal/operator"
)

// The scale benchmark's parts: the objects it creates, the parallel
// creates, the timed watch, and the readings of the API server's metrics,
// the manager's metrics and the manager's /proc entries.

// scaleWorkers is the parallelism of every client of the benchmark: the
// manager's --forecast-concurrency default, so that the floor and the
// operator are driven alike.
const scaleWorkers = 8

// scaleChain is the lock's priority order: every fake, then baseline. Each
// failover run moves the lock one step down.
var scaleChain = []v1.ProviderName{v1.ProviderOpenAI, v1.ProviderGemini, v1.ProviderGroq,
	v1.ProviderCloudflare, v1.ProviderHuggingFace, v1.ProviderBaseline}

// scaleLockYAML lists the chain on the fake with limits no benchmark
// reaches (the defaults, e.g. openai's 500 a minute, would set the pace of
// 10,000 Forecasts), a threshold of 3 and a short cooldown.
func scaleLockYAML(fakeURL string) string {
	var b strings.Builder
	b.WriteString("apiVersion: forecast.bottleneck.io/v1alpha1\nkind: ProviderLock\nmetadata:\n  name: default\nspec:\n" +
		"  failureThreshold: 3\n  cooldown: 30s\n  healthCheck: {interval: 0s}\n  providers:\n")
	for _, p := range scaleChain {
		fmt.Fprintf(&b, "  - name: %s\n", p)
		if p == v1.ProviderBaseline {
			continue
		}
		fmt.Fprintf(&b, "    baseURL: %s\n    timeout: 10s\n    credentialsRef: {namespace: bottleneck-system, name: %s-credentials, key: apiKey}\n"+
			"    limits: {maxConcurrent: 50, requestsPerMinute: 1000000, tokensPerMinute: 1000000000}\n",
			fakeprovider.BaseURL(fakeURL, string(p)), p)
		if p == v1.ProviderCloudflare {
			b.WriteString("    accountID: e2e-account\n")
		}
	}
	return b.String()
}

func scaleName(i int) string { return fmt.Sprintf("fc-%d", i) }

// scaleForecast is Forecast fc-i: two years of monthly history (24 points)
// with a trend and a season, a capacity it nears, and the default horizon
// of 6. The values vary a little with i, as different Forecasts' data do.
func scaleForecast(namespace string, i int) *v1.Forecast {
	capacity := v1.Decimal("160")
	fc := &v1.Forecast{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: scaleName(i)},
		Spec: v1.ForecastSpec{Region: "USA", Subject: "container port throughput", Unit: "kTEU", Horizon: 6,
			Capacity: &capacity, Actual: map[string]string{"utilization": "0.91"}}}
	level := 1 + float64(i%50)/200
	for m := range 24 {
		v := (110 + 1.2*float64(m) + 6*math.Sin(2*math.Pi*float64(m)/12)) * level
		fc.Spec.History = append(fc.Spec.History, v1.DataPoint{Period: fmt.Sprintf("%d-%02d", 2024+m/12, m%12+1),
			Value: v1.Decimal(strconv.FormatFloat(v, 'f', 1, 64))})
	}
	return fc
}

// scaleFloorStatus is the status the floor writes: what the operator
// writes after a success (the Ready condition, provenance, six predictions
// with intervals, a bottleneck, a summary, the last attempt), with values
// of the same lengths. The table prints its size beside a real one's.
func scaleFloorStatus(fc *v1.Forecast) v1.ForecastStatus {
	now := metav1.NewTime(time.Now().Truncate(time.Second))
	next := metav1.NewTime(now.Add(time.Hour))
	sum := sha256.Sum256([]byte(fc.Namespace + "/" + fc.Name))
	hash := hex.EncodeToString(sum[:16])
	st := v1.ForecastStatus{
		ObservedGeneration: fc.Generation, Provider: v1.ProviderOpenAI, Model: "gpt-4o-mini-2024-07-18", LockEpoch: 1,
		GeneratedAt: &now, NextRefreshAt: &next, InputHash: hash,
		RiskLevel: v1.RiskHigh, RiskScore: 71, Confidence: 84,
		Summary: "Throughput keeps rising with its season and reaches 97% of the capacity of 160 in 2026-05; " +
			"the upper bound of the interval crosses it, so a berth shortage is likely in the late spring peak.",
		Bottlenecks: []v1.Bottleneck{{Name: "berth capacity", Severity: v1.RiskHigh, Period: "2026-05",
			Description: "the forecast nears the capacity of 160 kTEU and its 80% interval crosses it during the seasonal peak"}},
		LastAttempt: &v1.Attempt{Time: now, Provider: v1.ProviderOpenAI, Epoch: 1, Outcome: v1.OutcomeSucceeded,
			Reason: v1.SucceededReason, InputHash: hash, LockUID: "0b7c6f5e-3c1d-4f7a-9d2e-6a1b2c3d4e5f",
			PromptTokens: 1264, CompletionTokens: 412},
	}
	for m := range 6 {
		v := 148.0 + 2.1*float64(m)
		st.Predictions = append(st.Predictions, v1.Prediction{Period: fmt.Sprintf("2026-%02d", m+1),
			Value: v1.Decimal(strconv.FormatFloat(v, 'f', 2, 64)), Lower: v1.Decimal(strconv.FormatFloat(v-9.37, 'f', 2, 64)),
			Upper: v1.Decimal(strconv.FormatFloat(v+9.41, 'f', 2, 64))})
	}
	apimeta.SetStatusCondition(&st.Conditions, metav1.Condition{Type: v1.ReadyCondition, Status: metav1.ConditionTrue,
		Reason: v1.SucceededReason, Message: "risk High (score 71), confidence 84, from openai at lock epoch 1",
		ObservedGeneration: fc.Generation})
	return st
}

// scaleEvent is the Event the operator records for fc's first result, as
// its events.k8s.io recorder writes it.
func scaleEvent(fc *v1.Forecast) *eventsv1.Event {
	now := time.Now()
	return &eventsv1.Event{ObjectMeta: metav1.ObjectMeta{Namespace: fc.Namespace, Name: fmt.Sprintf("%s.%x", fc.Name, now.UnixNano())},
		EventTime: metav1.NewMicroTime(now), ReportingController: "forecast-controller", ReportingInstance: "forecast-controller-floor",
		Action: "Forecast", Reason: v1.SucceededReason, Type: corev1.EventTypeNormal,
		Regarding: corev1.ObjectReference{APIVersion: v1.GroupVersion.String(), Kind: "Forecast", Namespace: fc.Namespace, Name: fc.Name,
			UID: fc.UID, ResourceVersion: fc.ResourceVersion},
		Note: "risk High (score 71), confidence 84, from openai at lock epoch 1"}
}

// scaleConfigMap is an unrelated ConfigMap of about 2 KiB: the manager
// watches ConfigMaps (metadata only), so their number, not their data,
// should be what it pays for.
func scaleConfigMap(namespace string, i int) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: fmt.Sprintf("app-config-%d", i),
		Labels: map[string]string{"app": fmt.Sprintf("app-%d", i%40)}},
		Data: map[string]string{"application.properties": strings.Repeat(fmt.Sprintf("setting.%d=value-%d\n", i, i), 80)}}
}

// scaleInParallel runs do(0) … do(n-1), workers at a time, and returns the first
// error; after an error no new index is started.
func scaleInParallel(n, workers int, do func(i int) error) error {
	var (
		wg     sync.WaitGroup
		next   atomic.Int64
		failed atomic.Bool
		once   sync.Once
		first  error
	)
	for range workers {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := do(i); err != nil {
					once.Do(func() { first = err })
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	return first
}

// scaleReadyTimeout bounds the wait for n Forecasts to be Ready: ten times
// what this machine needed for 1,000 in the gate benchmark.
func scaleReadyTimeout(n int) time.Duration {
	return max(2*time.Minute, time.Duration(n)*100*time.Millisecond)
}

// scaleTimeToReady runs work (which creates the Forecasts, from start) and
// returns the time from its start until a watch of namespace has seen n
// Forecasts Ready. The loop keeps only the names seen Ready, not the
// objects.
func scaleTimeToReady(ctx context.Context, k8s client.WithWatch, namespace string, n int, work func(start time.Time) error) time.Duration {
	GinkgoHelper()
	events, stop := scaleWatch(ctx, k8s, func() client.ObjectList { return &v1.ForecastList{} }, client.ListOptions{Namespace: namespace})
	defer stop()
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- work(start) }()
	ready := make(map[string]struct{}, n)
	deadline := time.After(scaleReadyTimeout(n))
	for len(ready) < n {
		select {
		case ev := <-events:
			Expect(ev.Type).NotTo(Equal(watch.Error), "the watch failed with %d of %d Ready: %v", len(ready), n, ev.Object)
			if fc, isFC := ev.Object.(*v1.Forecast); isFC && ev.Type != watch.Deleted &&
				apimeta.IsStatusConditionTrue(fc.Status.Conditions, v1.ReadyCondition) {
				ready[fc.Name] = struct{}{}
			}
		case err := <-done:
			Expect(err).NotTo(HaveOccurred())
			done = nil // a nil channel is never ready: the loop waits for the watch alone
		case <-deadline:
			Fail(fmt.Sprintf("%d of %d Forecasts of %s Ready after %s", len(ready), n, namespace, scaleReadyTimeout(n)))
		}
	}
	elapsed := time.Since(start)
	if done != nil {
		Expect(<-done).To(Succeed())
	}
	return elapsed
}

// scaleWatch watches the objects opts selects and resumes where a watch
// ended, as an informer does: the API server may end a watch at any time,
// and ends one that is not read fast enough (on this 2-core machine, shared
// with other jobs, the benchmark's watches have ended within seconds; the
// table counts them). A watch is resumed from the last resourceVersion it
// delivered; when that is too old (410 Gone), the objects are listed
// again, 500 at a time, and delivered as Added events. An event of type Error is
// delivered when the watch cannot go on. stop ends it.
func scaleWatch(ctx context.Context, k8s client.WithWatch, newList func() client.ObjectList, opts client.ListOptions) (<-chan watch.Event, func()) {
	out, stopped := make(chan watch.Event), make(chan struct{})
	send := func(ev watch.Event) bool {
		select {
		case out <- ev:
			return true
		case <-stopped:
			return false
		case <-ctx.Done():
			return false
		}
	}
	failed := func(err error) {
		send(watch.Event{Type: watch.Error, Object: &apierrors.NewInternalError(err).ErrStatus})
	}
	go func() {
		rv, delivered := "", 0
		for {
			o := opts
			if rv != "" {
				o.Raw = &metav1.ListOptions{ResourceVersion: rv}
			}
			w, err := k8s.Watch(ctx, newList(), &o)
			if err != nil {
				failed(err)
				return
			}
			for ev := range w.ResultChan() {
				if ev.Type == watch.Error {
					w.Stop()
					if !apierrors.IsResourceExpired(apierrors.FromObject(ev.Object)) && !apierrors.IsGone(apierrors.FromObject(ev.Object)) {
						send(ev)
						return
					}
					if rv, err = scaleRelist(ctx, k8s, newList, opts, send); err != nil {
						failed(err)
						return
					}
					break
				}
				if m, err := apimeta.Accessor(ev.Object); err == nil {
					rv = m.GetResourceVersion()
				}
				if !send(ev) {
					w.Stop()
					return
				}
				delivered++
			}
			w.Stop()
			select {
			case <-stopped:
				return
			case <-ctx.Done():
				return
			default:
			}
			scaleWatchResumes.Add(1)
			fmt.Fprintf(GinkgoWriter, "scale benchmark: a watch ended after %d events; resuming from resourceVersion %s\n", delivered, rv)
		}
	}()
	var once sync.Once
	return out, func() { once.Do(func() { close(stopped) }) }
}

// scaleWatchResumes counts the watches scaleWatch resumed.
var scaleWatchResumes atomic.Int64

// scaleRelist lists the objects opts selects, 500 at a time, sends each as
// an Added event, and returns the list's resourceVersion.
func scaleRelist(ctx context.Context, k8s client.WithWatch, newList func() client.ObjectList, opts client.ListOptions,
	send func(watch.Event) bool) (string, error) {
	cont := ""
	for {
		list := newList()
		o := opts
		o.Limit, o.Continue = 500, cont
		if err := k8s.List(ctx, list, &o); err != nil {
			return "", err
		}
		items, err := apimeta.ExtractList(list)
		if err != nil {
			return "", err
		}
		for _, item := range items {
			if !send(watch.Event{Type: watch.Added, Object: item}) {
				return "", ctx.Err()
			}
		}
		if cont = list.GetContinue(); cont == "" {
			return list.GetResourceVersion(), nil
		}
	}
}

// scaleDelete deletes fc-0 … fc-(n-1) of namespace, 8 at a time (one
// deletecollection of 10,000 objects could outlast the request timeout),
// and waits until none is left.
func scaleDelete(ctx context.Context, k8s client.Client, namespace string, n int) {
	GinkgoHelper()
	Expect(scaleInParallel(n, scaleWorkers, func(i int) error {
		fc := &v1.Forecast{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: scaleName(i)}}
		return client.IgnoreNotFound(k8s.Delete(ctx, fc))
	})).To(Succeed())
	Eventually(func(g Gomega) {
		var list v1.ForecastList
		g.Expect(k8s.List(ctx, &list, client.InNamespace(namespace), client.Limit(1))).To(Succeed())
		g.Expect(list.Items).To(BeEmpty())
	}).WithContext(ctx).WithTimeout(2 * time.Minute).Should(Succeed())
}

// scaleTally counts a client's requests under scaleRequestKey's keys, as
// scaleAPIRequests counts the API server's, so that the harness's own
// requests can be taken out of the API server's counts exactly.
type scaleTally struct {
	mu sync.Mutex
	n  map[string]float64
}

func (t *scaleTally) RoundTrip(next http.RoundTripper, r *http.Request) (*http.Response, error) {
	if key := scaleRequestKey(r.Method, r.URL); key != "" {
		t.mu.Lock()
		if t.n == nil {
			t.n = map[string]float64{}
		}
		t.n[key]++
		t.mu.Unlock()
	}
	return next.RoundTrip(r)
}

// snapshot is a copy of the counts so far.
func (t *scaleTally) snapshot() map[string]float64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return maps.Clone(t.n)
}

type scaleRoundTripper func(*http.Request) (*http.Response, error)

func (f scaleRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// scaleClient is a client of kubeconfig (no client-side rate limit,
// like the manager's) whose requests tally counts.
func scaleClient(kubeconfig string, tally *scaleTally) client.WithWatch {
	GinkgoHelper()
	cfg := restConfigFor(kubeconfig)
	cfg.Wrap(func(next http.RoundTripper) http.RoundTripper {
		return scaleRoundTripper(func(r *http.Request) (*http.Response, error) { return tally.RoundTrip(next, r) })
	})
	c, err := client.NewWithWatch(cfg, client.Options{Scheme: operator.Scheme})
	Expect(err).NotTo(HaveOccurred())
	return c
}

// scaleRequestKey names a request as apiserver_request_total labels it: the
// verb (LIST and WATCH for collection reads, DELETECOLLECTION), the
// resource and the subresource. Requests that are not for a resource
// (/metrics, discovery) have no key.
func scaleRequestKey(method string, u *url.URL) string {
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	switch {
	case len(parts) >= 3 && parts[0] == "api":
		parts = parts[2:]
	case len(parts) >= 4 && parts[0] == "apis":
		parts = parts[3:]
	default:
		return ""
	}
	if len(parts) >= 3 && parts[0] == "namespaces" {
		parts = parts[2:] // a namespaced resource; /namespaces/{name} is the namespace itself
	}
	named := len(parts) >= 2
	verb := method
	switch {
	case method == http.MethodGet && u.Query().Get("watch") == "true":
		verb = "WATCH"
	case method == http.MethodGet && !named:
		verb = "LIST"
	case method == http.MethodDelete && !named:
		verb = "DELETECOLLECTION"
	}
	key := verb + " " + parts[0]
	if len(parts) >= 3 {
		key += "/" + parts[2]
	}
	return key
}

// metricSample is one sample of a metrics page, named as Prometheus stores
// it.
type metricSample struct {
	name   string
	labels map[string]string
	value  float64
}

// scaleParseMetrics reads, with Prometheus's own text parser, the samples
// of a metrics page whose names start with one of prefixes. A histogram or
// summary foo gives foo_sum and foo_count (no reader wants its buckets).
// A page cut short (a manager killed mid-scrape) gives the families
// read before the cut.
func scaleParseMetrics(text string, prefixes ...string) []metricSample {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, _ := parser.TextToMetricFamilies(strings.NewReader(text))
	var out []metricSample
	for name, mf := range families {
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, lp := range m.GetLabel() {
				labels[lp.GetName()] = lp.GetValue()
			}
			for _, s := range samplesOf(name, m, labels) {
				if scaleHasPrefix(s.name, prefixes) {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// samplesOf are the samples of one series of family name.
func samplesOf(name string, m *dto.Metric, labels map[string]string) []metricSample {
	one := func(suffix string, v float64) metricSample { return metricSample{name + suffix, labels, v} }
	switch {
	case m.Counter != nil:
		return []metricSample{one("", m.Counter.GetValue())}
	case m.Gauge != nil:
		return []metricSample{one("", m.Gauge.GetValue())}
	case m.Untyped != nil:
		return []metricSample{one("", m.Untyped.GetValue())}
	case m.Summary != nil:
		return []metricSample{one("_sum", m.Summary.GetSampleSum()), one("_count", float64(m.Summary.GetSampleCount()))}
	case m.Histogram != nil:
		return []metricSample{one("_sum", m.Histogram.GetSampleSum()), one("_count", float64(m.Histogram.GetSampleCount()))}
	}
	return nil
}

func scaleHasPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// scaleSum adds up the samples named name whose labels include match.
func scaleSum(samples []metricSample, name string, match map[string]string) float64 {
	total := 0.0
	for _, s := range samples {
		if s.name != name {
			continue
		}
		ok := true
		for k, v := range match {
			ok = ok && s.labels[k] == v
		}
		if ok {
			total += s.value
		}
	}
	return total
}

// scaleAPIServerMetrics reads the API server's /metrics with the admin's
// credentials.
func scaleAPIServerMetrics(ctx context.Context, cfg *rest.Config) string {
	GinkgoHelper()
	hc, err := rest.HTTPClientFor(cfg)
	Expect(err).NotTo(HaveOccurred())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(cfg.Host, "/")+"/metrics", nil)
	Expect(err).NotTo(HaveOccurred())
	resp, err := hc.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	Expect(resp.StatusCode).To(Equal(http.StatusOK), "%s", body)
	return string(body)
}

// scaleAPIRequests sums apiserver_request_total by scaleRequestKey's keys;
// answers other than 2xx get their code in the key. Watches are left out:
// they are counted when they end, long after they began.
func scaleAPIRequests(text string) map[string]float64 {
	out := map[string]float64{}
	for _, s := range scaleParseMetrics(text, "apiserver_request_total") {
		verb, resource := s.labels["verb"], s.labels["resource"]
		if s.name != "apiserver_request_total" || resource == "" || verb == "WATCH" {
			continue
		}
		key := verb + " " + resource
		if sub := s.labels["subresource"]; sub != "" {
			key += "/" + sub
		}
		if code := s.labels["code"]; !strings.HasPrefix(code, "2") {
			key += " (HTTP " + code + ")"
		}
		out[key] += s.value
	}
	return out
}

// scaleProcStatus reads a "Name:   123 kB" line of /proc/pid/status, in
// bytes.
func scaleProcStatus(pid int, field string) int64 {
	GinkgoHelper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	Expect(err).NotTo(HaveOccurred())
	for _, line := range strings.Split(string(data), "\n") {
		if name, rest, ok := strings.Cut(line, ":"); ok && name == field {
			f := strings.Fields(rest)
			kb, err := strconv.ParseInt(f[0], 10, 64)
			Expect(err).NotTo(HaveOccurred())
			return kb * 1024
		}
	}
	Fail(fmt.Sprintf("no %s in /proc/%d/status", field, pid))
	return 0
}

// scaleProcCPU is the CPU time pid has used, user and system (utime and stime
// of /proc/pid/stat, in clock ticks).
func scaleProcCPU(pid int) time.Duration {
	GinkgoHelper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	Expect(err).NotTo(HaveOccurred())
	// The command name may hold spaces; the fields after it start with the
	// state, field 3, so utime (14) and stime (15) are the 12th and 13th.
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	Expect(err1).NotTo(HaveOccurred())
	Expect(err2).NotTo(HaveOccurred())
	return time.Duration(utime+stime) * time.Second / time.Duration(scaleClockTicks())
}

var scaleClockTicks = sync.OnceValue(func() int64 {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if hz, perr := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64); err == nil && perr == nil && hz > 0 {
		return hz
	}
	return 100 // USER_HZ on every Linux architecture Go supports
})

// scaleMachine describes the machine in one line: the cores Go and nproc
// see, the CPU model, the Go version.
func scaleMachine() string {
	nproc := "?"
	if out, err := exec.Command("nproc").Output(); err == nil {
		nproc = strings.TrimSpace(string(out))
	}
	model := "?"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("runtime.NumCPU %d, nproc %s, %s, %s", runtime.NumCPU(), nproc, model, runtime.Version())
}

// scaleSortedKeys returns the keys of m in order.
func scaleSortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// scaleMedian is the middle of durations (the mean of the two middle ones for
// an even count).
func scaleMedian(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}

func scaleMiB(b float64) string { return fmt.Sprintf("%.1f MiB", b/(1<<20)) }

// scaleControlPlanePIDs finds the kube-apiserver serving host (by its
// --secure-port) and the etcd it stores in (by its --etcd-servers), so
// that the benchmark can read their CPU time: envtest does not tell.
func scaleControlPlanePIDs(host string) (apiserver, etcd int) {
	GinkgoHelper()
	u, err := url.Parse(host)
	Expect(err).NotTo(HaveOccurred())
	cmdlines := scaleCmdlines()
	etcdURL := ""
	for pid, args := range cmdlines {
		if filepath.Base(args[0]) == "kube-apiserver" && slices.Contains(args, "--secure-port="+u.Port()) {
			apiserver = pid
			for _, a := range args {
				if v, ok := strings.CutPrefix(a, "--etcd-servers="); ok {
					etcdURL = v
				}
			}
		}
	}
	Expect(apiserver).NotTo(BeZero(), "no kube-apiserver with --secure-port=%s", u.Port())
	e, err := url.Parse(etcdURL)
	Expect(err).NotTo(HaveOccurred())
	for pid, args := range cmdlines {
		if filepath.Base(args[0]) == "etcd" && slices.ContainsFunc(args, func(a string) bool { return strings.Contains(a, e.Host) }) {
			etcd = pid
		}
	}
	Expect(etcd).NotTo(BeZero(), "no etcd serving %s", etcdURL)
	return apiserver, etcd
}

// scaleCmdlines is every process's command line, by PID.
func scaleCmdlines() map[int][]string {
	out := map[int][]string{}
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join("/proc", d.Name(), "cmdline"))
		if err != nil || len(data) == 0 {
			continue
		}
		out[pid] = strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
	}
	return out
}
