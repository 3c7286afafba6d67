package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	coordinationv1 "k8s.io/api/coordination/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/controlplane"
	"github.com/bottleneck-io/bottleneck-operator/internal/fakeprovider"
	"github.com/bottleneck-io/bottleneck-operator/internal/operator"
)

// The helpers of endurance_test.go. Their names start with "endurance", or
// they are methods of its types, so that they cannot collide with the
// helpers of the suite's other files.

// enduranceN is the number of Forecasts of each endurance scenario:
// $ENDURANCE_N, 50 unless set (`make endurance` sets 300).
func enduranceN() int {
	GinkgoHelper()
	s := os.Getenv("ENDURANCE_N")
	if s == "" {
		return 50
	}
	n, err := strconv.Atoi(s)
	Expect(err).NotTo(HaveOccurred(), "ENDURANCE_N=%q", s)
	Expect(n).To(BeNumerically(">=", 8), "ENDURANCE_N: the scenarios need at least 8 Forecasts")
	return n
}

// enduranceNamespace holds the scenarios' Forecasts.
const enduranceNamespace = "default"

// enduranceLeaderElect are the shipped Deployment's flags (config/manager),
// with the Lease in the namespace the scenarios create.
var enduranceLeaderElect = []string{"--leader-elect", "--leader-election-namespace=bottleneck-system"}

// endurance is one scenario's world: a control plane of its own (which the
// API server scenario restarts), the fake provider, the provider Secrets,
// and a watch of its own on the Forecasts.
type endurance struct {
	cp         *controlplane.Environment
	kubeconfig string
	k8s        client.WithWatch
	fake       *fakeServer
	results    *enduranceResults
}

func newEndurance(ctx context.Context) *endurance {
	GinkgoHelper()
	e := &endurance{}
	e.cp, e.kubeconfig = startControlPlaneEnv()
	e.k8s = watchClientFor(e.kubeconfig)
	e.fake = startFake(freeAddress())
	DeferCleanup(func() { e.fake.cleanup() })
	kubectlOK(ctx, e.kubeconfig, "create", "namespace", "bottleneck-system")
	for _, p := range []string{"openai", "gemini", "groq"} {
		kubectlOK(ctx, e.kubeconfig, "create", "secret", "generic", p+"-credentials", "-n", "bottleneck-system",
			"--from-literal=apiKey=e2e-placeholder-key")
	}
	e.results = followEnduranceResults(e.k8s, enduranceNamespace)
	return e
}

// manager starts the manager binary as a user runs it, with plain-HTTP
// metrics on an address of its own (returned), and extra flags. The spec's
// end stops it, and prints its output if the spec failed.
func (e *endurance) manager(extra ...string) (*process, string) {
	GinkgoHelper()
	metrics := freeAddress()
	args := append([]string{"--kubeconfig", e.kubeconfig, "--metrics-secure=false", "--metrics-bind-address=" + metrics,
		"--health-probe-bind-address=127.0.0.1:0", "--dashboard-bind-address=0"}, extra...)
	return start("manager", root, args...), metrics
}

// lock applies enduranceLockYAML and waits until it has locked its first
// provider.
func (e *endurance) lock(ctx context.Context, threshold int, interval string, providers ...string) {
	GinkgoHelper()
	applyYAML(ctx, e.kubeconfig, enduranceLockYAML(e.fake.url, threshold, interval, providers...))
	waitActive(ctx, e.kubeconfig, providers[0])
}

// enduranceLockYAML is a lock of providers on the fake, in that order, with
// the given threshold and health-check interval. Each provider may run 5
// calls at once and has request and token rates no run reaches, so that
// the fake's latency alone sets the pace of a run.
func enduranceLockYAML(fakeURL string, threshold int, interval string, providers ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: forecast.bottleneck.io/v1alpha1\nkind: ProviderLock\nmetadata:\n  name: default\nspec:\n"+
		"  failureThreshold: %d\n  healthCheck: {interval: %s}\n  providers:\n", threshold, interval)
	for _, p := range providers {
		fmt.Fprintf(&b, "  - name: %s\n", p)
		if p == "baseline" {
			continue
		}
		fmt.Fprintf(&b, "    baseURL: %s\n    timeout: 10s\n    credentialsRef: {namespace: bottleneck-system, name: %s-credentials}\n"+
			"    limits: {maxConcurrent: 5, requestsPerMinute: 1000000, tokensPerMinute: 1000000000}\n",
			fakeprovider.BaseURL(fakeURL, p), p)
	}
	return b.String()
}

// enduranceRegion is the region of the Forecast name: each Forecast of a
// run has its own, so that the fake's call log tells whose call each was.
func enduranceRegion(name string) string { return strings.ToUpper(name) }

// create creates n Forecasts prefix-0 … prefix-(n-1), 8 at a time, each
// with its own region.
func (e *endurance) create(ctx context.Context, prefix string, n int) {
	GinkgoHelper()
	createEach(ctx, e.k8s, n, func(i int) *v1.Forecast {
		name := fmt.Sprintf("%s-%d", prefix, i)
		return benchForecast(enduranceNamespace, name, enduranceRegion(name))
	})
}

// waitAllReady waits until n Forecasts exist and every one is Ready, and
// returns them.
func (e *endurance) waitAllReady(ctx context.Context, n int) []v1.Forecast {
	GinkgoHelper()
	var items []v1.Forecast
	Eventually(func(g Gomega) {
		var list v1.ForecastList
		g.Expect(e.k8s.List(ctx, &list, client.InNamespace(enduranceNamespace))).To(Succeed())
		items = list.Items
		g.Expect(items).To(HaveLen(n))
		var notReady []string
		for _, fc := range items {
			if !apimeta.IsStatusConditionTrue(fc.Status.Conditions, v1.ReadyCondition) {
				notReady = append(notReady, fc.Name+": "+enduranceConditions(fc))
			}
		}
		sort.Strings(notReady)
		g.Expect(notReady).To(BeEmpty(), "%d of %d not Ready", len(notReady), n)
	}).WithContext(ctx).WithTimeout(enduranceBound(n)).WithPolling(500 * time.Millisecond).Should(Succeed())
	return items
}

// enduranceBound is how long a run of n Forecasts may take to end Ready on
// this shared 2-core machine: generous, as only a stuck Forecast should
// miss it.
func enduranceBound(n int) time.Duration {
	return 90*time.Second + time.Duration(n)*300*time.Millisecond
}

func enduranceConditions(fc v1.Forecast) string {
	var parts []string
	for _, c := range fc.Status.Conditions {
		parts = append(parts, fmt.Sprintf("%s=%s (%s)", c.Type, c.Status, c.Reason))
	}
	return strings.Join(parts, ", ")
}

// enduranceExpectSettled checks that no Forecast is left in progress: each
// is Ready for its current generation, neither Reconciling nor Stalled, and
// its last attempt is the success its result came from.
func enduranceExpectSettled(items []v1.Forecast) {
	GinkgoHelper()
	for _, fc := range items {
		Expect(fc.Status.ObservedGeneration).To(Equal(fc.Generation), fc.Name)
		Expect(apimeta.IsStatusConditionTrue(fc.Status.Conditions, v1.ReconcilingCondition)).To(BeFalse(), "%s: %s", fc.Name, enduranceConditions(fc))
		Expect(apimeta.IsStatusConditionTrue(fc.Status.Conditions, v1.StalledCondition)).To(BeFalse(), "%s: %s", fc.Name, enduranceConditions(fc))
		Expect(fc.Status.Predictions).NotTo(BeEmpty(), fc.Name)
		Expect(fc.Status.LastAttempt).NotTo(BeNil(), fc.Name)
		Expect(fc.Status.LastAttempt.Outcome).To(Equal(v1.OutcomeSucceeded), fc.Name)
		Expect(fc.Status.LastAttempt.Provider).To(Equal(fc.Status.Provider), fc.Name)
	}
}

// lockStatus reads the ProviderLock's status.
func (e *endurance) lockStatus(ctx context.Context) v1.ProviderLockStatus {
	GinkgoHelper()
	var lock v1.ProviderLock
	Expect(e.k8s.Get(ctx, client.ObjectKey{Name: "default"}, &lock)).To(Succeed())
	return lock.Status
}

// enduranceHistory writes a lock's audit trail, newest first, one
// "epoch reason from->to" per change.
func enduranceHistory(st v1.ProviderLockStatus) []string {
	out := make([]string, len(st.History))
	for i, h := range st.History {
		out[i] = fmt.Sprintf("%d %s %s->%s", h.Epoch, h.Reason, h.From, h.To)
	}
	return out
}

// expectLock checks the lock's epoch and audit trail, and returns its
// status.
func (e *endurance) expectLock(ctx context.Context, epoch int64, history ...string) v1.ProviderLockStatus {
	GinkgoHelper()
	st := e.lockStatus(ctx)
	Expect(enduranceHistory(st)).To(Equal(history), "the lock's audit trail")
	Expect(st.Epoch).To(Equal(epoch), "the lock's epoch")
	return st
}

// expectIntact checks how every scenario must end, given its Forecasts all
// Ready: the lock at epoch with the audit trail history (newest first),
// each Forecast settled on the provider of its epoch, no result rewritten,
// and no Forecast sent again once its result was seen. It returns the
// lock's status and the fake's call log.
func (e *endurance) expectIntact(ctx context.Context, items []v1.Forecast, epoch int64, history ...string) (v1.ProviderLockStatus, []fakeprovider.Call) {
	GinkgoHelper()
	st := e.expectLock(ctx, epoch, history...)
	enduranceExpectSettled(items)
	enduranceExpectFenced(items, st)
	calls := enduranceCalls(ctx, e.fake)
	e.results.expectKept(items)
	enduranceExpectNoRepeat(calls, e.results.firstSeen())
	return st, calls
}

// enduranceExpectFenced checks each Forecast's result against the audit
// trail: the provider it names is the one that held the lock at the epoch
// it names.
func enduranceExpectFenced(items []v1.Forecast, st v1.ProviderLockStatus) {
	GinkgoHelper()
	holder := map[int64]v1.ProviderName{}
	for _, h := range st.History {
		holder[h.Epoch] = h.To
	}
	for _, fc := range items {
		Expect(holder).To(HaveKey(fc.Status.LockEpoch), "%s: lock epoch %d is not in the audit trail", fc.Name, fc.Status.LockEpoch)
		Expect(fc.Status.Provider).To(Equal(holder[fc.Status.LockEpoch]),
			"%s: made by %s under epoch %d, which %s held", fc.Name, fc.Status.Provider, fc.Status.LockEpoch, holder[fc.Status.LockEpoch])
	}
}

// enduranceResults follows the scenario's Forecasts through a watch of its
// own, as a user's tooling would, across manager and API server restarts:
// when each result was first seen, what it was, and whether it was ever
// rewritten.
type enduranceResults struct {
	mu        sync.Mutex
	first     map[string]enduranceResult // by Forecast name
	ready     map[string]bool
	rewritten []string
}

// enduranceResult is a Forecast's result as first seen, and when.
type enduranceResult struct {
	seen        time.Time
	generatedAt time.Time
	inputHash   string
	provider    v1.ProviderName
	lockEpoch   int64
	predictions []v1.Prediction
}

func enduranceResultOf(fc *v1.Forecast) (enduranceResult, bool) {
	st := fc.Status
	if st.GeneratedAt == nil || len(st.Predictions) == 0 {
		return enduranceResult{}, false
	}
	return enduranceResult{generatedAt: st.GeneratedAt.Time, inputHash: st.InputHash, provider: st.Provider,
		lockEpoch: st.LockEpoch, predictions: st.Predictions}, true
}

func (a enduranceResult) same(b enduranceResult) bool {
	return a.generatedAt.Equal(b.generatedAt) && a.inputHash == b.inputHash && a.provider == b.provider &&
		a.lockEpoch == b.lockEpoch && equality.Semantic.DeepEqual(a.predictions, b.predictions)
}

// followEnduranceResults watches namespace until the spec ends.
func followEnduranceResults(k8s client.WithWatch, namespace string) *enduranceResults {
	r := &enduranceResults{first: map[string]enduranceResult{}, ready: map[string]bool{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.follow(ctx, k8s, namespace)
	}()
	DeferCleanup(func() { cancel(); <-done })
	return r
}

// follow lists, then watches from the list's resourceVersion, and lists
// again whenever the watch ends or fails (an API server restart ends it).
func (r *enduranceResults) follow(ctx context.Context, k8s client.WithWatch, namespace string) {
	for ctx.Err() == nil {
		var list v1.ForecastList
		if err := k8s.List(ctx, &list, client.InNamespace(namespace)); err != nil {
			enduranceSleep(ctx, 200*time.Millisecond)
			continue
		}
		for i := range list.Items {
			r.observe(&list.Items[i])
		}
		w, err := k8s.Watch(ctx, &v1.ForecastList{}, client.InNamespace(namespace),
			&client.ListOptions{Raw: &metav1.ListOptions{ResourceVersion: list.ResourceVersion}})
		if err != nil {
			enduranceSleep(ctx, 200*time.Millisecond)
			continue
		}
		r.drain(w)
		w.Stop()
	}
}

// drain observes w's events until it ends or reports an error.
func (r *enduranceResults) drain(w watch.Interface) {
	for ev := range w.ResultChan() {
		if ev.Type == watch.Error {
			return
		}
		if fc, ok := ev.Object.(*v1.Forecast); ok && ev.Type != watch.Deleted {
			r.observe(fc)
		}
	}
}

func enduranceSleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func (r *enduranceResults) observe(fc *v1.Forecast) {
	now := time.Now()
	res, ok := enduranceResultOf(fc)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ready[fc.Name] = apimeta.IsStatusConditionTrue(fc.Status.Conditions, v1.ReadyCondition)
	first, seen := r.first[fc.Name]
	switch {
	case !seen && ok:
		res.seen = now
		r.first[fc.Name] = res
	case seen && !ok:
		r.rewritten = append(r.rewritten, fmt.Sprintf("%s: the result of %s was removed", fc.Name, first.generatedAt.Format(time.RFC3339)))
	case seen && !first.same(res):
		r.rewritten = append(r.rewritten, fmt.Sprintf("%s: the result of %s (%s, epoch %d, hash %s) became one of %s (%s, epoch %d, hash %s)",
			fc.Name, first.generatedAt.Format(time.RFC3339), first.provider, first.lockEpoch, first.inputHash,
			res.generatedAt.Format(time.RFC3339), res.provider, res.lockEpoch, res.inputHash))
	}
}

// readyCount is the number of Forecasts Ready as last seen.
func (r *enduranceResults) readyCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, ok := range r.ready {
		if ok {
			n++
		}
	}
	return n
}

// firstSeen returns each Forecast's result as first seen, by name.
func (r *enduranceResults) firstSeen() map[string]enduranceResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.first)
}

// firstSeenAfter counts the results first seen after t.
func (r *enduranceResults) firstSeenAfter(t time.Time) int {
	n := 0
	for _, s := range r.firstSeen() {
		if s.seen.After(t) {
			n++
		}
	}
	return n
}

// waitReady waits until at least n Forecasts are Ready, as the watch sees
// them, and fails if the whole run of total Forecasts ended first: what
// should happen in the middle of the run would then happen after it.
func (r *enduranceResults) waitReady(ctx context.Context, n, total int, what string) {
	GinkgoHelper()
	Eventually(r.readyCount).WithContext(ctx).WithTimeout(enduranceBound(total)).WithPolling(10 * time.Millisecond).
		Should(BeNumerically(">=", n))
	Expect(r.readyCount()).To(BeNumerically("<", total), "the run ended before %s: give the fake more latency", what)
}

// expectKept checks that no result was changed or removed once written,
// and that each final result is the one first seen.
func (r *enduranceResults) expectKept(items []v1.Forecast) {
	GinkgoHelper()
	first := r.firstSeen()
	r.mu.Lock()
	rewritten := r.rewritten
	r.mu.Unlock()
	Expect(rewritten).To(BeEmpty(), "results rewritten after they were first written")
	for i := range items {
		res, ok := enduranceResultOf(&items[i])
		Expect(ok).To(BeTrue(), items[i].Name)
		Expect(first).To(HaveKey(items[i].Name))
		Expect(first[items[i].Name].same(res)).To(BeTrue(), "%s: its result is not the one first written", items[i].Name)
	}
}

// enduranceCalls is the fake's log of every provider's generate calls, once
// none is in flight any more (the log lists a call when it has ended).
func enduranceCalls(ctx context.Context, f *fakeServer) []fakeprovider.Call {
	GinkgoHelper()
	Eventually(func(g Gomega) {
		for p, c := range f.requests(ctx) {
			g.Expect(c.InFlight).To(BeZero(), "%s has calls in flight", p)
		}
	}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())
	var log struct {
		Calls   []fakeprovider.Call
		Dropped int
	}
	Expect(json.Unmarshal(f.admin(ctx, http.MethodGet, "/admin/calls", ""), &log)).To(Succeed())
	Expect(log.Dropped).To(BeZero())
	return log.Calls
}

// enduranceExpectNoRepeat checks that no Forecast was sent to a provider
// again once its result had been seen in the API server: a call whose
// result died with a killed manager may be made again, one whose result
// was written never.
func enduranceExpectNoRepeat(calls []fakeprovider.Call, first map[string]enduranceResult) {
	GinkgoHelper()
	byRegion := map[string]enduranceResult{}
	for name, s := range first {
		byRegion[enduranceRegion(name)] = s
	}
	var repeated []string
	for _, c := range calls {
		if s, ok := byRegion[c.Region]; ok && c.Started.After(s.seen) {
			repeated = append(repeated, fmt.Sprintf("%s: %s call %d at %s, after its result of %s was seen at %s (its calls: %s)",
				c.Region, c.Provider, c.Seq, c.Started.Format("15:04:05.000"), s.generatedAt.UTC().Format(time.RFC3339),
				s.seen.UTC().Format("15:04:05.000"), enduranceCallsOf(calls, c.Region)))
		}
	}
	Expect(repeated).To(BeEmpty(), "provider calls for results already written")
}

// enduranceSuccesses counts the calls answered 200, by region and provider.
func enduranceSuccesses(calls []fakeprovider.Call) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, c := range calls {
		if c.Status != http.StatusOK || c.Region == "" {
			continue
		}
		if out[c.Region] == nil {
			out[c.Region] = map[string]int{}
		}
		out[c.Region][c.Provider]++
	}
	return out
}

// enduranceExpectOneSuccessEach checks that each Forecast's result cost
// exactly one successful call, to the provider its status names: a
// manager that never died never asks twice for one result.
func enduranceExpectOneSuccessEach(calls []fakeprovider.Call, items []v1.Forecast) {
	GinkgoHelper()
	ok := enduranceSuccesses(calls)
	var wrong []string
	for _, fc := range items {
		got := ok[enduranceRegion(fc.Name)]
		if len(got) != 1 || got[string(fc.Status.Provider)] != 1 {
			wrong = append(wrong, fmt.Sprintf("%s (result from %s at epoch %d, generated %s): %s", fc.Name, fc.Status.Provider,
				fc.Status.LockEpoch, fc.Status.GeneratedAt.UTC().Format(time.RFC3339), enduranceCallsOf(calls, enduranceRegion(fc.Name))))
		}
	}
	sort.Strings(wrong)
	Expect(wrong).To(BeEmpty(), "Forecasts whose successful calls are not exactly one, to the provider of their result")
}

// enduranceCallsOf writes the calls of one region, for a failure message.
func enduranceCallsOf(calls []fakeprovider.Call, region string) string {
	var parts []string
	for _, c := range calls {
		if c.Region == region {
			parts = append(parts, fmt.Sprintf("%s #%d %s–%s → %d", c.Provider, c.Seq,
				c.Started.Format("15:04:05.000"), c.Finished.Format("15:04:05.000"), c.Status))
		}
	}
	return strings.Join(parts, "; ")
}

// enduranceKill9 kills p with SIGKILL, as `kill -9` does: no signal handler
// runs, no Lease is released, no call in flight is finished.
func enduranceKill9(p *process) {
	GinkgoHelper()
	Expect(p.stop(syscall.SIGKILL, 10*time.Second)).To(MatchError(ContainSubstring("killed")))
}

// enduranceExpectRunning fails the spec if p has exited.
func enduranceExpectRunning(p *process) {
	GinkgoHelper()
	select {
	case err := <-p.done:
		Fail(fmt.Sprintf("the manager exited (%v); its output ends:\n%s", err, enduranceTail(p.output.String(), 40)))
	default:
	}
}

// enduranceTail is the last n lines of s.
func enduranceTail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// enduranceMetricSum adds up every series of a metric on a metrics page.
func enduranceMetricSum(page, name string) float64 {
	return scaleSum(scaleParseMetrics(page, name), name, nil)
}

// enduranceWorkMetrics are the series a replica moves when it reconciles
// or calls a provider: a follower's must all stay at zero.
var enduranceWorkMetrics = []string{"controller_runtime_reconcile_total", "bottleneck_provider_requests_total", "bottleneck_provider_probes_total"}

// leaseHolder is the identity holding the manager's leader election Lease,
// "" while there is none.
func (e *endurance) leaseHolder(ctx context.Context) string {
	var lease coordinationv1.Lease
	err := e.k8s.Get(ctx, client.ObjectKey{Namespace: "bottleneck-system", Name: operator.LeaderElectionID}, &lease)
	if err != nil || lease.Spec.HolderIdentity == nil {
		return ""
	}
	return *lease.Spec.HolderIdentity
}

// enduranceLeads is whether a manager's metrics page says it leads.
func enduranceLeads(page string) bool {
	return strings.Contains(page, fmt.Sprintf("leader_election_master_status{name=%q} 1", operator.LeaderElectionID))
}

// enduranceReport writes a scenario's figures to the spec's output and to
// its report.
func enduranceReport(name string, lines ...string) {
	text := strings.Join(lines, "\n")
	fmt.Fprintf(GinkgoWriter, "\n%s:\n%s\n", name, text)
	AddReportEntry(name, text)
}
