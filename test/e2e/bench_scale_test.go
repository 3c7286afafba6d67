package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// The scale benchmark: one table of what the operator costs with many
// Forecasts (the time to Ready against the API server's own floor, memory,
// idle CPU, API requests per result, the lock controller's cost per
// Forecast event, failover latency), all measured in one run against the
// built manager, the fake provider and a real API server, each its own
// process. `make bench-scale` runs it with SCALE_BENCH_N=10000; `make
// test` runs it with 200 Forecasts so that it keeps working, and asserts
// only what does not depend on the machine's speed: every Forecast Ready,
// one provider call per Forecast, at most one status write per result, no
// cache-bypassing reads but the one the Forecast controller documents.
var _ = Describe("the scale benchmark", Label("scale"), Ordered, func() {
	var (
		b     = &scaleBench{}
		n     = 200
		rows  [6][][2]string // the table's five sections, 1-based
		floor = map[int]scaleRun{}
		// withEvents is the floor at N with one Event per Forecast besides.
		withEvents scaleRun
	)
	if s := os.Getenv("SCALE_BENCH_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	full := n >= 1000 // the run: a longer idle reading, five failovers
	small := max(n/10, 1)
	row := func(section int, what, figure string) { rows[section] = append(rows[section], [2]string{what, figure}) }

	BeforeAll(func(ctx SpecContext) {
		b.kubeconfig = startControlPlane()
		b.admin = restConfigFor(b.kubeconfig)
		b.tally = &scaleTally{}
		b.k8s = scaleClient(b.kubeconfig, b.tally)
		b.fake = startFake(freeAddress())
		DeferCleanup(func() { b.fake.cleanup() })
		DeferCleanup(func() {
			if b.manager != nil {
				b.manager.cleanup() // prints its output when a spec failed
			}
		})
		apiserver, etcd := scaleControlPlanePIDs(b.admin.Host)
		b.pids = map[string]int{"apiserver": apiserver, "etcd": etcd, "fake": b.fake.cmd.Process.Pid, "harness": os.Getpid()}
		kubectlOK(ctx, b.kubeconfig, "create", "namespace", "bottleneck-system")
		for _, p := range scaleChain[:len(scaleChain)-1] {
			kubectlOK(ctx, b.kubeconfig, "create", "secret", "generic", string(p)+"-credentials", "-n", "bottleneck-system",
				"--from-literal=apiKey=e2e-placeholder-key")
		}
		for _, ns := range []string{"warm-up", "floor-small", "floor", "floor-events", "unrelated", "scale-small", "scale"} {
			kubectlOK(ctx, b.kubeconfig, "create", "namespace", ns)
		}
	})
	AfterAll(func() {
		heading := fmt.Sprintf("\nscale benchmark: N = %d Forecasts, %s\nmachine: %s\n", n, time.Now().UTC().Format("2006-01-02"), scaleMachine())
		reportBenchTable("scale benchmark", heading, [2]int{90, 70}, slices.Concat(rows[:]...), "SCALE_BENCH_OUT")
	})

	It("measures the API server's floor at N/10 and N, before the manager runs", func(ctx SpecContext) {
		// A fresh CRD's first writes are slow (its schema and CEL rules are
		// compiled, the watch cache fills): a few Forecasts go first.
		b.floor(ctx, "warm-up", 2*scaleWorkers)
		scaleDelete(ctx, b.k8s, "warm-up", 2*scaleWorkers)
		// The manager watches every namespace: the floor runs before it
		// starts, and its Forecasts are deleted before it does, so that the
		// manager never sees them.
		for _, c := range []struct {
			ns   string
			size int
		}{{"floor-small", small}, {"floor", n}} {
			floor[c.size] = b.floor(ctx, c.ns, c.size)
			scaleDelete(ctx, b.k8s, c.ns, c.size)
			Expect(scaleManagerTotal(floor[c.size].window)).To(BeZero(),
				"with no manager running, the API server counts the harness's requests and no others: %v", floor[c.size].window.managerRequests)
		}
		withEvents = b.floorWithEvents(ctx, "floor-events", n)
		scaleDelete(ctx, b.k8s, "floor-events", n)
	})

	It("starts the manager with N/5 unrelated ConfigMaps in the cluster", func(ctx SpecContext) {
		configMaps := max(n/5, 1)
		Expect(scaleInParallel(configMaps, scaleWorkers, func(i int) error {
			return b.k8s.Create(ctx, scaleConfigMap("unrelated", i))
		})).To(Succeed())
		row(2, "unrelated ConfigMaps in the cluster (about 2 KiB of data each)", strconv.Itoa(configMaps))
		b.startManager(ctx)
		applyYAML(ctx, b.kubeconfig, scaleLockYAML(b.fake.url))
		waitActive(ctx, b.kubeconfig, "openai")
	})

	It("measures the operator at N/10 and N: time to Ready, API requests and lock reconciles per result", func(ctx SpecContext) {
		smallRun := b.operatorRun(ctx, "scale-small", small)
		scaleDelete(ctx, b.k8s, "scale-small", small) // N Forecasts, no more, for the memory reading
		time.Sleep(scaleSettle)                       // the manager sees the deletes go
		fullRun := b.operatorRun(ctx, "scale", n)

		for _, r := range []struct {
			size int
			run  scaleRun
		}{{small, smallRun}, {n, fullRun}} {
			f := floor[r.size]
			ratio := r.run.elapsed.Seconds() / f.elapsed.Seconds()
			row(1, fmt.Sprintf("%d Forecasts, first create → last Ready: API floor → operator", r.size),
				fmt.Sprintf("%s → %s, ratio %.2f (target ≤ 1.5: %s)", scaleRound(f.elapsed), scaleRound(r.run.elapsed), ratio, verdict(ratio <= 1.5)))
			row(1, "  last create answered (floor → operator)", fmt.Sprintf("%s → %s", scaleRound(f.created), scaleRound(r.run.created)))
			row(1, "  CPU seconds, floor: apiserver etcd harness", scaleCPU(f.window, "apiserver", "etcd", "harness"))
			row(1, "  CPU seconds, operator: apiserver etcd manager fake harness", scaleCPU(r.run.window, "apiserver", "etcd", "manager", "fake", "harness"))
			Expect(r.run.window.generate).To(Equal(r.size), "one provider call per Forecast")
		}
		ratio := fullRun.elapsed.Seconds() / withEvents.elapsed.Seconds()
		row(1, fmt.Sprintf("%d Forecasts: floor plus one Event per Forecast (as the operator writes) → operator", n),
			fmt.Sprintf("%s → %s, ratio %.2f", scaleRound(withEvents.elapsed), scaleRound(fullRun.elapsed), ratio))
		row(1, "  harness watches resumed; watches the API server closed as too slow", fmt.Sprintf(
			"%d; %.0f (apiserver_terminated_watchers_total, since it started)", scaleWatchResumes.Load(), fullRun.window.terminatedWatchers))
		row(1, "  status size: the floor's, the operator's (JSON bytes of one Forecast's status)",
			fmt.Sprintf("%d B, %d B", scaleStatusSize(scaleFloorStatus(scaleForecast("scale", 0))), b.statusSize(ctx, "scale", scaleName(0))))

		scaleRequestRows(row, small, smallRun.window, n, fullRun.window)
		scaleLockRows(row, small, smallRun.window, n, fullRun.window)
		for _, w := range []scaleWindow{smallRun.window, fullRun.window} {
			r := w.managerRequests
			Expect(r["PATCH forecasts/status"]).To(BeNumerically("<=", w.generate), "one status write per result")
			for res := range scaleManagerResources {
				Expect(r["LIST "+res]).To(BeZero(), "the manager lists %s from its cache", res)
			}
			// A stale cached Forecast is told by comparing resourceVersions
			// with the manager's own last write, not by a live read.
			for _, res := range []string{"forecasts", "providerlocks", "configmaps", "secrets"} {
				Expect(r["GET "+res]).To(BeZero(), "the manager reads %s from its cache", res)
			}
		}
	})

	It("measures memory and idle CPU with N Forecasts Ready", func(ctx SpecContext) {
		idle := 10 * time.Second
		if full {
			idle = 30 * time.Second
		}
		before := b.read(ctx)
		time.Sleep(idle)
		w := scaleDelta(before, b.read(ctx))
		pid := b.manager.cmd.Process.Pid
		rss := scaleProcStatus(pid, "VmRSS")
		target := "target ≤ 150 MiB at 10,000"
		if n >= 10000 {
			target += ": " + verdict(rss <= 150<<20)
		}
		row(2, fmt.Sprintf("manager RSS (VmRSS) with %d Forecasts of 24 points Ready", n), fmt.Sprintf("%s (%s)", scaleMiB(float64(rss)), target))
		row(2, "  of which anonymous, file-backed (RssAnon, RssFile: the binary's pages)", fmt.Sprintf("%s, %s",
			scaleMiB(float64(scaleProcStatus(pid, "RssAnon"))), scaleMiB(float64(scaleProcStatus(pid, "RssFile")))))
		row(2, "  peak RSS of the run so far (VmHWM)", scaleMiB(float64(scaleProcStatus(pid, "VmHWM"))))
		row(2, "  Go heap in use, allocated (go_memstats_heap_inuse_bytes, _heap_alloc_bytes)",
			fmt.Sprintf("%s, %s", scaleMiB(scaleSum(w.after, "go_memstats_heap_inuse_bytes", nil)),
				scaleMiB(scaleSum(w.after, "go_memstats_heap_alloc_bytes", nil))))
		row(2, fmt.Sprintf("manager CPU while idle, over %s (utime+stime)", idle),
			fmt.Sprintf("%.2f%% of one core", 100*w.cpu["manager"].Seconds()/w.span.Seconds()))
		row(2, "  the manager's API requests while idle (rest_client_requests_total)", fmt.Sprintf("%.0f", w.clientRequests))
		if out := os.Getenv("SCALE_BENCH_OUT"); out != "" {
			b.saveHeapProfile(ctx, filepath.Join(filepath.Dir(out), "scale-heap.pprof"))
		}
	})

	It("measures failover latency with N Forecasts present", func(ctx SpecContext) {
		runs := 3
		if full {
			runs = 5
		}
		var latencies, recoveries []time.Duration
		var failures, writes, reconciles []string
		for run := range runs {
			f := b.failover(ctx, "scale", run, scaleChain[run], scaleChain[run+1])
			latencies, recoveries = append(latencies, f.latency), append(recoveries, f.recovery)
			failures = append(failures, strconv.Itoa(f.failures))
			writes = append(writes, fmt.Sprintf("%.0f", f.window.managerRequests["PATCH forecasts/status"]))
			reconciles = append(reconciles, fmt.Sprintf("%.0f", f.window.forecastReconciles))
		}
		row(5, fmt.Sprintf("failover with %d Forecasts: threshold-crossing failure → new provider active", n),
			fmt.Sprintf("median %s, max %s over %d runs", scaleRoundMs(scaleMedian(latencies)), scaleRoundMs(scaleMax(latencies)), runs))
		row(5, "  each run", scaleJoin(latencies))
		row(5, "  chain (threshold 3, cooldown 30s, healthCheck off)", strings.Join(scaleProviderNames(scaleChain[:runs+1]), " → "))
		row(5, "  Forecast failures written before each move (the lock's confirming probe counts too)", strings.Join(failures, ", "))
		row(5, "  the 3 failed Forecasts Ready again on the new provider, after the move",
			fmt.Sprintf("median %s, max %s", scaleRoundMs(scaleMedian(recoveries)), scaleRoundMs(scaleMax(recoveries))))
		row(5, "  per move: Forecast status writes / Forecast reconciles", strings.Join(writes, ", ")+" / "+strings.Join(reconciles, ", "))
	})
})

// scaleSettle is how long after a window the benchmark waits before its
// last reading, so that the manager's last Events and the end of the
// harness's watch are counted in it.
const scaleSettle = 5 * time.Second

// floorSettle is the floor's: only the harness writes, and its requests
// are counted as they are made.
const floorSettle = time.Second

// scaleBench is the running benchmark: the control plane's kubeconfig, the
// harness's client and the tally of its requests, the fake, and the
// manager once it runs.
type scaleBench struct {
	kubeconfig  string
	admin       *rest.Config // reads the API server's /metrics
	k8s         client.WithWatch
	tally       *scaleTally
	fake        *fakeServer
	manager     *process
	metricsAddr string
	pprofAddr   string         // the manager's pprof endpoints, for the heap profile of the memory reading
	pids        map[string]int // the processes whose CPU time each reading takes
}

func (b *scaleBench) startManager(ctx context.Context) {
	GinkgoHelper()
	b.metricsAddr, b.pprofAddr = freeAddress(), freeAddress()
	// The dashboard is on, as the Deployment runs it (it serves from the
	// cache); leader election is off: its Lease renewals would be counted
	// with the requests per result.
	b.manager = launch("manager", root, "--kubeconfig", b.kubeconfig, "--metrics-secure=false",
		"--metrics-bind-address="+b.metricsAddr, "--health-probe-bind-address=127.0.0.1:0",
		"--dashboard-bind-address="+freeAddress(), "--pprof-bind-address="+b.pprofAddr)
	Eventually(func() string { return scrape(ctx, b.metricsAddr) }).WithContext(ctx).Should(ContainSubstring("controller_runtime_"))
	b.pids["manager"] = b.manager.cmd.Process.Pid
}

// saveHeapProfile writes the manager's heap profile to path, for `go tool
// pprof` to tell what the memory reading is made of.
func (b *scaleBench) saveHeapProfile(ctx context.Context, path string) {
	GinkgoHelper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+b.pprofAddr+"/debug/pprof/heap", nil)
	Expect(err).NotTo(HaveOccurred())
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	Expect(resp.StatusCode).To(Equal(http.StatusOK))
	profile, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	Expect(os.WriteFile(path, profile, 0o644)).To(Succeed())
}

// scaleRun is one timed run of creates.
type scaleRun struct {
	elapsed time.Duration // first create → last Ready, as the watch sees it
	created time.Duration // first create → last create answered
	window  scaleWindow   // from the reading before the creates to one scaleSettle after the last Ready
}

// timedRun takes a reading, creates fc-0 … fc-(n-1) in namespace, 8 at a
// time, while a watch waits for all n Ready, and takes a reading settle
// after that. then, when set, runs on every Forecast once it is created,
// 8 at a time.
func (b *scaleBench) timedRun(ctx context.Context, namespace string, n int, settle time.Duration, then func(*v1.Forecast) error) scaleRun {
	GinkgoHelper()
	var run scaleRun
	var lastCreate atomic.Int64
	before := b.read(ctx)
	run.elapsed = scaleTimeToReady(ctx, b.k8s, namespace, n, func(start time.Time) error {
		created := make(chan *v1.Forecast, scaleWorkers)
		creates := make(chan error, 1)
		go func() {
			defer close(created)
			creates <- scaleInParallel(n, scaleWorkers, func(i int) error {
				fc := scaleForecast(namespace, i)
				if err := b.k8s.Create(ctx, fc); err != nil {
					return err
				}
				lastCreate.Store(int64(time.Since(start)))
				if then != nil {
					created <- fc
				}
				return nil
			})
		}()
		var writes error
		if then != nil {
			writes = scaleDrain(created, scaleWorkers, then)
		}
		return errors.Join(<-creates, writes)
	})
	run.created = time.Duration(lastCreate.Load())
	time.Sleep(settle)
	run.window = scaleDelta(before, b.read(ctx))
	return run
}

// floor creates n Forecasts in namespace, 8 at a time, and writes one
// status to each as soon as it exists, 8 at a time: the requests the
// operator cannot do without (the creates, one status patch per result),
// with the parallelism of the operator's run (8 creating, 8 reconcile
// workers) and no client-side rate limit (the manager's
// ctrl.GetConfigOrDie sets QPS -1). The time is from the first create to
// the watch seeing the last Ready, as for the operator.
func (b *scaleBench) floor(ctx context.Context, namespace string, n int) scaleRun {
	GinkgoHelper()
	return b.timedRun(ctx, namespace, n, floorSettle, func(fc *v1.Forecast) error {
		base := fc.DeepCopy()
		fc.Status = scaleFloorStatus(fc)
		return b.k8s.Status().Patch(ctx, fc, client.MergeFrom(base))
	})
}

// floorWithEvents is the floor with, after each status, the Event the
// operator's first result of a Forecast brings (its risk changes from none
// to a level), written by the same workers.
func (b *scaleBench) floorWithEvents(ctx context.Context, namespace string, n int) scaleRun {
	GinkgoHelper()
	return b.timedRun(ctx, namespace, n, floorSettle, func(fc *v1.Forecast) error {
		base := fc.DeepCopy()
		fc.Status = scaleFloorStatus(fc)
		if err := b.k8s.Status().Patch(ctx, fc, client.MergeFrom(base)); err != nil {
			return err
		}
		return b.k8s.Create(ctx, scaleEvent(fc))
	})
}

// scaleDrain runs do on every item of in, workers at a time, until in is
// closed, and returns the first error; after one it only drains in, so
// that its sender never blocks.
func scaleDrain[T any](in <-chan T, workers int, do func(T) error) error {
	errs := make(chan error, workers)
	for range workers {
		go func() {
			var first error
			for item := range in {
				if first == nil {
					first = do(item)
				}
			}
			errs <- first
		}()
	}
	var all []error
	for range workers {
		all = append(all, <-errs)
	}
	return errors.Join(all...)
}

// operatorRun creates n Forecasts in namespace, 8 at a time, with the
// manager running.
func (b *scaleBench) operatorRun(ctx context.Context, namespace string, n int) scaleRun {
	GinkgoHelper()
	return b.timedRun(ctx, namespace, n, scaleSettle, nil)
}

// scaleReading is what the benchmark reads at the edges of a window.
type scaleReading struct {
	at       time.Time
	api      map[string]float64       // apiserver_request_total, by scaleRequestKey's keys
	harness  map[string]float64       // the harness's own requests, under the same keys
	manager  []metricSample           // the manager's metrics
	generate int                      // generate calls the fake has answered, every provider
	cpu      map[string]time.Duration // CPU time of each of b.pids
	// terminated counts the watches the API server closed because their
	// client did not read fast enough.
	terminated float64
}

func (b *scaleBench) read(ctx context.Context) scaleReading {
	GinkgoHelper()
	text := scaleAPIServerMetrics(ctx, b.admin)
	r := scaleReading{at: time.Now(), harness: b.tally.snapshot(), api: scaleAPIRequests(text), cpu: map[string]time.Duration{},
		terminated: scaleSum(scaleParseMetrics(text, "apiserver_terminated_watchers_total"), "apiserver_terminated_watchers_total", nil)}
	for name, pid := range b.pids {
		r.cpu[name] = scaleProcCPU(pid)
	}
	for _, c := range b.fake.requests(ctx) {
		r.generate += c.Generate
	}
	if b.manager != nil {
		text := scrape(ctx, b.metricsAddr)
		Expect(text).NotTo(BeEmpty(), "the manager's metrics")
		r.manager = scaleParseMetrics(text, "controller_runtime_reconcile", "rest_client_requests_total", "go_memstats_heap_")
	}
	return r
}

// scaleWindow is what happened between two readings.
type scaleWindow struct {
	span time.Duration
	// managerRequests are the API server's counts less the harness's: the
	// manager's, and the API server's own loops (its Leases, the kubernetes
	// Service), which scaleRequestRows shows apart.
	managerRequests map[string]float64
	generate        int
	lockCount       float64 // providerlock reconciles
	lockSum         float64 // and their time, in seconds
	// forecastReconciles is the number of Forecast reconciles.
	forecastReconciles float64
	clientRequests     float64                  // every request the manager counted itself (rest_client_requests_total)
	cpu                map[string]time.Duration // CPU time of each of b.pids
	terminatedWatchers float64                  // since the API server started
	after              []metricSample
}

func scaleDelta(before, after scaleReading) scaleWindow {
	w := scaleWindow{span: after.at.Sub(before.at), generate: after.generate - before.generate, cpu: map[string]time.Duration{},
		after: after.manager, managerRequests: map[string]float64{}}
	w.terminatedWatchers = after.terminated
	for name, t := range after.cpu {
		w.cpu[name] = t - before.cpu[name]
	}
	for k, v := range after.api {
		if d := v - before.api[k] - (after.harness[k] - before.harness[k]); d != 0 {
			w.managerRequests[k] = d
		}
	}
	diff := func(name string, match map[string]string) float64 {
		return scaleSum(after.manager, name, match) - scaleSum(before.manager, name, match)
	}
	lock := map[string]string{"controller": "providerlock"}
	w.lockCount = diff("controller_runtime_reconcile_time_seconds_count", lock)
	w.lockSum = diff("controller_runtime_reconcile_time_seconds_sum", lock)
	w.forecastReconciles = diff("controller_runtime_reconcile_total", map[string]string{"controller": "forecast"})
	w.clientRequests = diff("rest_client_requests_total", nil)
	return w
}

// scaleManagerResources are the resources the manager reads or writes; any
// other request in a window is the API server's own.
var scaleManagerResources = map[string]bool{"forecasts": true, "providerlocks": true, "events": true, "configmaps": true, "secrets": true}

// scaleRequestRows prints the requests per result of both windows, by verb and
// resource, and the manager's own count beside them.
func scaleRequestRows(row func(int, string, string), small int, sw scaleWindow, n int, fw scaleWindow) {
	keys := map[string]float64{}
	for _, w := range []scaleWindow{sw, fw} {
		for k := range w.managerRequests {
			keys[k] = 1
		}
	}
	per := func(w scaleWindow, k string) string {
		return fmt.Sprintf("%.0f (%.3f)", w.managerRequests[k], w.managerRequests[k]/float64(w.generate))
	}
	row(3, fmt.Sprintf("API requests of the manager per result, at %d / %d Forecasts: count (per result)", small, n),
		"apiserver_request_total less the harness's own")
	var other []string
	for _, k := range scaleSortedKeys(keys) {
		verb, _, _ := strings.Cut(k, " ")
		if !scaleManagerResources[scaleResourceOf(k)] {
			other = append(other, fmt.Sprintf("%s %.0f/%.0f", k, sw.managerRequests[k], fw.managerRequests[k]))
			continue
		}
		target := ""
		switch {
		case k == "PATCH forecasts/status":
			target = fmt.Sprintf(" (target ≤ 1: %s)", verdict(fw.managerRequests[k] <= float64(fw.generate) && sw.managerRequests[k] <= float64(sw.generate)))
		case verb == "LIST" || verb == "GET":
			target = " (a read past the cache: NOT met)"
		}
		row(3, "  "+k, per(sw, k)+" / "+per(fw, k)+target)
	}
	if len(other) > 0 {
		row(3, "  the API server's own (not the manager's resources)", strings.Join(other, ", "))
	}
	row(3, "  the manager's own count (rest_client_requests_total, watches included)",
		fmt.Sprintf("%.0f / %.0f", sw.clientRequests, fw.clientRequests))
	row(3, "  Forecast reconciles per result", fmt.Sprintf("%.2f / %.2f", sw.forecastReconciles/float64(sw.generate), fw.forecastReconciles/float64(fw.generate)))
}

// scaleLockRows prints the lock controller's cost per Forecast result at both
// sizes: each result brings the lock two Forecast events (the create and
// the new lastAttempt), which its work queue may fold into fewer reconciles.
func scaleLockRows(row func(int, string, string), small int, sw scaleWindow, n int, fw scaleWindow) {
	mean := func(w scaleWindow) time.Duration { return scaleSeconds(w.lockSum / max(w.lockCount, 1)) }
	cost := func(w scaleWindow) time.Duration { return scaleSeconds(w.lockSum / float64(w.generate)) }
	row(4, fmt.Sprintf("lock reconciles per result, at %d / %d Forecasts", small, n),
		fmt.Sprintf("%.3f / %.3f (%.0f / %.0f reconciles)", sw.lockCount/float64(sw.generate), fw.lockCount/float64(fw.generate), sw.lockCount, fw.lockCount))
	row(4, "  mean lock reconcile time (controller_runtime_reconcile_time_seconds)", fmt.Sprintf("%s / %s", scaleRoundUs(mean(sw)), scaleRoundUs(mean(fw))))
	ratio := cost(fw).Seconds() / max(cost(sw).Seconds(), 1e-9)
	row(4, "  lock reconcile time per result (sum / results)", fmt.Sprintf("%s / %s, ratio %.1f (target: independent of N, ≤ 2: %s)",
		scaleRoundUs(cost(sw)), scaleRoundUs(cost(fw)), ratio, verdict(ratio <= 2)))
}

// scaleFailover is one failover run's figures.
type scaleFailover struct {
	latency  time.Duration // threshold-crossing failure → new provider active
	failures int           // Forecast failures written before the move
	recovery time.Duration // new provider active → the failed Forecasts Ready on it
	window   scaleWindow
}

// failover makes from answer 503 and changes the spec of 3 of the N
// Forecasts (the threshold), so that each calls it once more and fails;
// the lock moves to to. Both ends are watch events, as in
// controllers/failover_latency_test.go: the last Forecast failure before
// the move (the lock's own confirming probe of from may count as the
// third), and the lock's status with to active at the next epoch. The
// watch of the Forecasts selects the 3 by a label the same patch adds. A
// negative latency would mean that the harness saw the move before the
// failure that caused it: the two watches' delivery, not the operator.
func (b *scaleBench) failover(ctx context.Context, namespace string, run int, from, to v1.ProviderName) scaleFailover {
	GinkgoHelper()
	lock := &v1.ProviderLock{}
	Expect(b.k8s.Get(ctx, client.ObjectKey{Name: v1.ProviderLockName}, lock)).To(Succeed())
	Expect(lock.Status.ActiveProvider).To(Equal(from))
	epoch := lock.Status.Epoch
	label := fmt.Sprintf("run-%d", run)
	forecasts, stopForecasts := scaleWatch(ctx, b.k8s, func() client.ObjectList { return &v1.ForecastList{} },
		client.ListOptions{Namespace: namespace, LabelSelector: labels.SelectorFromSet(labels.Set{"scale-failover": label})})
	defer stopForecasts()
	locks, stopLocks := scaleWatch(ctx, b.k8s, func() client.ObjectList { return &v1.ProviderLockList{} }, client.ListOptions{})
	defer stopLocks()

	b.fake.set(ctx, string(from), `{"mode":"overloaded"}`)
	defer b.fake.set(ctx, string(from), `{"mode":"ok"}`)
	start := b.read(ctx)
	patch := client.RawPatch(types.MergePatchType, fmt.Appendf(nil, `{"metadata":{"labels":{"scale-failover":%q}},"spec":{"horizon":7}}`, label))
	for i := range 3 {
		fc := &v1.Forecast{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: scaleName(3*run + i)}}
		Expect(b.k8s.Patch(ctx, fc, patch)).To(Succeed())
	}

	// Two watches deliver in their own order: the lock's event may come
	// before that of a failure written earlier. The failures before the
	// move are told by resourceVersion (they compare as numbers), and each
	// is timed when it is seen.
	failed := map[string]scaleSeen{}
	recovered := map[string]bool{}
	var move scaleSeen
	var back time.Time
	deadline := time.After(3 * time.Minute)
	for move.at.IsZero() || len(recovered) < 3 {
		select {
		case ev := <-forecasts:
			Expect(ev.Type).NotTo(Equal(watch.Error), "run %d: the watch of the Forecasts failed: %v", run, ev.Object)
			fc, ok := ev.Object.(*v1.Forecast)
			switch {
			case !ok:
			case scaleFailedOn(fc, from, epoch):
				if _, seen := failed[fc.Name]; !seen {
					failed[fc.Name] = scaleSeen{at: time.Now(), rv: scaleRV(fc)}
				}
			case !move.at.IsZero() && fc.Status.Provider == to && fc.Status.ObservedGeneration == fc.Generation &&
				apimeta.IsStatusConditionTrue(fc.Status.Conditions, v1.ReadyCondition) && !recovered[fc.Name]:
				recovered[fc.Name], back = true, time.Now()
			}
		case ev := <-locks:
			Expect(ev.Type).NotTo(Equal(watch.Error), "run %d: the watch of the lock failed: %v", run, ev.Object)
			if l, ok := ev.Object.(*v1.ProviderLock); ok && ev.Type != watch.Deleted && l.Status.Epoch > epoch && move.at.IsZero() {
				Expect(l.Status.ActiveProvider).To(Equal(to), "run %d: the lock moved elsewhere", run)
				Expect(l.Status.Epoch).To(Equal(epoch+1), "run %d", run)
				move = scaleSeen{at: time.Now(), rv: scaleRV(l)}
			}
		case <-deadline:
			Fail(fmt.Sprintf("run %d (%s → %s): %d failures seen, moved %t, %d of 3 Ready again after 3 minutes",
				run, from, to, len(failed), !move.at.IsZero(), len(recovered)))
		}
	}
	var crossed time.Time
	before := 0
	for _, f := range failed {
		if f.rv < move.rv {
			before++
			if f.at.After(crossed) {
				crossed = f.at
			}
		}
	}
	Expect(before).NotTo(BeZero(), "run %d: the lock moved before any Forecast failed", run)
	b.waitQueueEmpty(ctx, "forecast") // the move's reconcile of every Forecast is over
	time.Sleep(time.Second)
	return scaleFailover{latency: move.at.Sub(crossed), failures: before, recovery: back.Sub(move.at), window: scaleDelta(start, b.read(ctx))}
}

// waitQueueEmpty waits until the work queue of controller holds nothing
// (workqueue_depth; items waiting for a RequeueAfter are not in it).
func (b *scaleBench) waitQueueEmpty(ctx context.Context, controller string) {
	GinkgoHelper()
	Eventually(func() float64 {
		text := scrape(ctx, b.metricsAddr)
		if text == "" {
			return -1 // no answer yet
		}
		return scaleSum(scaleParseMetrics(text, "workqueue_depth"), "workqueue_depth", map[string]string{"name": controller})
	}).WithContext(ctx).WithTimeout(2 * time.Minute).WithPolling(200 * time.Millisecond).Should(BeZero())
}

// scaleSeen is when the harness saw an object's version, and which.
type scaleSeen struct {
	at time.Time
	rv uint64
}

// scaleRV is an object's resourceVersion as a number: those of one API
// server compare as numbers (Kubernetes 1.35, KEP-5504).
func scaleRV(o client.Object) uint64 {
	GinkgoHelper()
	rv, err := strconv.ParseUint(o.GetResourceVersion(), 10, 64)
	Expect(err).NotTo(HaveOccurred())
	return rv
}

func scaleFailedOn(fc *v1.Forecast, provider v1.ProviderName, epoch int64) bool {
	a := fc.Status.LastAttempt
	return a != nil && a.Provider == provider && a.Epoch == epoch && a.Outcome == v1.OutcomeProviderFailed
}

// statusSize is the size of one Forecast's status as the operator wrote it.
func (b *scaleBench) statusSize(ctx context.Context, namespace, name string) int {
	GinkgoHelper()
	fc := &v1.Forecast{}
	Expect(b.k8s.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, fc)).To(Succeed())
	return scaleStatusSize(fc.Status)
}

func scaleStatusSize(st v1.ForecastStatus) int {
	data, err := json.Marshal(st)
	Expect(err).NotTo(HaveOccurred())
	return len(data)
}

func scaleProviderNames(ps []v1.ProviderName) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return out
}

func scaleMax(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds[1:] {
		m = max(m, d)
	}
	return m
}

func scaleSeconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
func scaleRound(d time.Duration) string    { return d.Round(10 * time.Millisecond).String() }
func scaleRoundMs(d time.Duration) string  { return d.Round(time.Millisecond).String() }
func scaleRoundUs(d time.Duration) string  { return d.Round(time.Microsecond).String() }

// scaleJoin lists durations to the millisecond.
func scaleJoin(ds []time.Duration) string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = scaleRoundMs(d)
	}
	return strings.Join(out, ", ")
}

// scaleCPU lists the CPU seconds the named processes used in w, and their
// sum as a share of the machine's cores over the window.
func scaleCPU(w scaleWindow, names ...string) string {
	var parts []string
	var total time.Duration
	for _, name := range names {
		parts = append(parts, fmt.Sprintf("%.1f", w.cpu[name].Seconds()))
		total += w.cpu[name]
	}
	return fmt.Sprintf("%s (sum %.0f%% of %d cores over %s)", strings.Join(parts, " "),
		100*total.Seconds()/w.span.Seconds()/float64(runtime.NumCPU()), runtime.NumCPU(), scaleRound(w.span))
}

// scaleManagerTotal is the count of requests for the manager's resources
// in w that the harness did not make.
func scaleManagerTotal(w scaleWindow) float64 {
	total := 0.0
	for k, v := range w.managerRequests {
		if scaleManagerResources[scaleResourceOf(k)] {
			total += v
		}
	}
	return total
}

// scaleResourceOf is the resource of a scaleRequestKey key.
func scaleResourceOf(key string) string {
	_, resource, _ := strings.Cut(key, " ")
	resource, _, _ = strings.Cut(resource, " ")
	resource, _, _ = strings.Cut(resource, "/")
	return resource
}
