package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/fakeprovider"
	"github.com/bottleneck-io/bottleneck-operator/internal/operator"
)

// The provider gate, end to end: the built manager, the fake provider and
// the API server as separate processes, the fake's call log as the witness
// of what reached the provider and when.
var _ = Describe("the provider gate", Ordered, func() {
	var (
		kubeconfig string
		fake       *fakeServer
		manager    *process
		k8s        client.Client
	)
	BeforeAll(func(ctx SpecContext) {
		kubeconfig = startControlPlane()
		fake = startFake(freeAddress())
		DeferCleanup(func() { fake.cleanup() })
		k8s = clientFor(kubeconfig)
		kubectlOK(ctx, kubeconfig, "create", "namespace", "bottleneck-system")
		kubectlOK(ctx, kubeconfig, "create", "secret", "generic", "openai-credentials", "-n", "bottleneck-system",
			"--from-literal=apiKey=sk-e2e-0000placeholder")
		for _, ns := range []string{"team-a", "team-b"} {
			kubectlOK(ctx, kubeconfig, "create", "namespace", ns)
		}
		manager = launch("manager", root, "--kubeconfig", kubeconfig, "--metrics-bind-address=0",
			"--health-probe-bind-address=127.0.0.1:0", "--dashboard-bind-address=0")
		DeferCleanup(func() { manager.cleanup() })
	})
	AfterEach(func(ctx SpecContext) {
		if CurrentSpecReport().Failed() {
			fmt.Fprintf(GinkgoWriter, "--- output of the manager ---\n%s\n", manager.output.String())
		}
		for _, ns := range []string{"default", "team-a", "team-b"} {
			kubectlOK(ctx, kubeconfig, "delete", "forecasts", "--all", "-n", ns, "--wait")
		}
		kubectlOK(ctx, kubeconfig, "delete", "providerlock", "--all", "--wait")
		fake.reset(ctx)
	})

	It("closes for every Forecast on a 429, for the wait it asks, and counts the pause once", func(ctx SpecContext) {
		applyYAML(ctx, kubeconfig, gateLockYAML(fake.url, 3, ""))
		waitActive(ctx, kubeconfig, "openai")
		fake.latency(ctx, "openai", "200ms")
		fake.set(ctx, "openai", `{"mode":"rate-limited","retryAfter":"20s"}`)
		createForecasts(ctx, k8s, "default", "paused", 20, "USA")

		By("the first answers are 429s asking for 20s: the gate closes")
		var first fakeprovider.Call
		Eventually(func(g Gomega) {
			calls := fake.calls(ctx, "openai")
			g.Expect(calls).NotTo(BeEmpty())
			first = calls[0]
		}).WithContext(ctx).Should(Succeed())
		Eventually(func(g Gomega) {
			lock := getLock(ctx, kubeconfig)
			g.Expect(lock.Status.ConsecutiveFailures).To(Equal(int32(1)), "one pause, however many Forecasts it held")
			g.Expect(lock.provider("openai").PausedUntil).NotTo(BeEmpty())
			g.Expect(lock.provider("openai").Message).To(ContainSubstring("rate-limited"))
		}).WithContext(ctx).Should(Succeed())
		Eventually(func(g Gomega) {
			waiting := 0
			for i := range 20 {
				c := getForecastIn(ctx, kubeconfig, "default", fmt.Sprintf("paused-%d", i)).condition("Reconciling")
				if c.Reason == "RateLimited" {
					g.Expect(c.Message).To(MatchRegexp(`(until|at) 20\d\d-\d\d-\d\dT`))
					waiting++
				}
			}
			g.Expect(waiting).To(Equal(20), "every Forecast says it waits for the pause, and until when")
		}).WithContext(ctx).Should(Succeed())

		By("no call starts until the 20s have passed; then every Forecast is Ready")
		time.Sleep(time.Until(first.Started.Add(17 * time.Second)))
		fake.set(ctx, "openai", `{"mode":"ok"}`)
		during := callsBetween(fake.calls(ctx, "openai"), first.Started, first.Started.Add(19*time.Second))
		Expect(during).To(BeNumerically("<=", 6), "only the calls already in flight when the 429 came")
		Eventually(func() int { return readyCount(ctx, k8s, "default") }).
			WithContext(ctx).WithTimeout(40 * time.Second).Should(Equal(20))
		for _, c := range fake.calls(ctx, "openai") {
			if c.Status == http.StatusOK {
				Expect(c.Started).To(BeTemporally(">=", first.Finished.Add(19*time.Second)), "a call started during the pause")
			}
		}
		lock := getLock(ctx, kubeconfig)
		Expect(lock.Status.Epoch).To(Equal(int64(1)), "one pause never moves the lock")
		Eventually(func() int32 { return getLock(ctx, kubeconfig).Status.ConsecutiveFailures }).WithContext(ctx).Should(BeZero())
	})

	It("lets a provider that stays rate-limited lose the lock after failureThreshold pauses in a row", func(ctx SpecContext) {
		applyYAML(ctx, kubeconfig, gateLockYAML(fake.url, 3, ""))
		waitActive(ctx, kubeconfig, "openai")
		fake.set(ctx, "openai", `{"mode":"rate-limited","retryAfter":"2s"}`)
		createForecasts(ctx, k8s, "default", "stays", 10, "USA")
		Eventually(func(g Gomega) {
			lock := getLock(ctx, kubeconfig)
			g.Expect(lock.Status.ActiveProvider).To(Equal("baseline"))
			g.Expect(lock.Status.History[0].Reason).To(Equal("FailureThreshold"))
		}).WithContext(ctx).WithTimeout(60 * time.Second).Should(Succeed())
		Expect(len(fake.calls(ctx, "openai"))).To(BeNumerically("<=", 3*5), "each pause lets at most maxConcurrent calls through")
		Eventually(func() int { return readyCount(ctx, k8s, "default") }).WithContext(ctx).Should(Equal(10))
	})

	It("serves a new namespace before more than a few further calls of a busy one", func(ctx SpecContext) {
		applyYAML(ctx, kubeconfig, gateLockYAML(fake.url, 3, "    limits: {maxConcurrent: 2}\n"))
		waitActive(ctx, kubeconfig, "openai")
		fake.latency(ctx, "openai", "100ms")
		fake.set(ctx, "openai", `{"mode":"ok","match":"TEAM-B"}`)
		createForecasts(ctx, k8s, "team-a", "busy", 300, "USA")
		Eventually(func() int { return len(fake.calls(ctx, "openai")) }).WithContext(ctx).Should(BeNumerically(">=", 20))
		Expect(readyCount(ctx, k8s, "team-a")).To(BeNumerically("<", 250), "team-a still has Forecasts waiting")

		created := time.Now()
		createForecasts(ctx, k8s, "team-b", "newcomer", 1, "TEAM-B")
		Eventually(func() int { return readyCount(ctx, k8s, "team-b") }).WithContext(ctx).Should(Equal(1))
		ahead := aCallsBeforeB(fake.calls(ctx, "openai"), created)
		fmt.Fprintf(GinkgoWriter, "team-a calls started between team-b's create and its call: %d\n", ahead)
		Expect(ahead).To(BeNumerically("<=", 10))
	})
})

// gateLockYAML is a lock of openai on the fake, then baseline, with extra
// lines under the openai entry.
func gateLockYAML(fakeURL string, threshold int, openaiExtra string) string {
	return fmt.Sprintf(`apiVersion: forecast.bottleneck.io/v1alpha1
kind: ProviderLock
metadata:
  name: default
spec:
  failureThreshold: %d
  healthCheck: {interval: 0s}
  providers:
  - name: openai
    baseURL: %s
    timeout: 10s
    credentialsRef: {namespace: bottleneck-system, name: openai-credentials}
%s  - name: baseline
`, threshold, fakeprovider.BaseURL(fakeURL, "openai"), openaiExtra)
}

// clientFor is a client of the operator's API for the kubeconfig.
func clientFor(kubeconfig string) client.Client {
	GinkgoHelper()
	c, err := client.New(restConfigFor(kubeconfig), client.Options{Scheme: operator.Scheme})
	Expect(err).NotTo(HaveOccurred())
	return c
}

// restConfigFor is the kubeconfig's REST config, without a client-side
// rate limit: as fast as the API server lets a client go.
func restConfigFor(kubeconfig string) *rest.Config {
	GinkgoHelper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	Expect(err).NotTo(HaveOccurred())
	cfg.QPS, cfg.Burst = -1, 0
	return cfg
}

// createForecasts creates n Forecasts name-0 … name-(n-1) in namespace, 8
// at a time.
func createForecasts(ctx context.Context, k8s client.Client, namespace, name string, n int, region string) {
	GinkgoHelper()
	createEach(ctx, k8s, n, func(i int) *v1.Forecast {
		return benchForecast(namespace, fmt.Sprintf("%s-%d", name, i), region)
	})
}

// createEach creates forecast(0) … forecast(n-1), 8 at a time, and expects
// every create to succeed.
func createEach(ctx context.Context, k8s client.Client, n int, forecast func(i int) *v1.Forecast) {
	GinkgoHelper()
	errs := make(chan error, n)
	sem := make(chan struct{}, 8)
	for i := range n {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			errs <- k8s.Create(ctx, forecast(i))
		}()
	}
	for range n {
		Expect(<-errs).To(Succeed())
	}
}

func benchForecast(namespace, name, region string) *v1.Forecast {
	fc := &v1.Forecast{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: v1.ForecastSpec{Region: region, Subject: "container port throughput", Horizon: 3}}
	for i, v := range historyValues {
		fc.Spec.History = append(fc.Spec.History, v1.DataPoint{Period: fmt.Sprintf("2025-%02d", i+1), Value: v1.Decimal(v)})
	}
	return fc
}

// readyCount is the number of Ready Forecasts in namespace.
func readyCount(ctx context.Context, k8s client.Client, namespace string) int {
	GinkgoHelper()
	var list v1.ForecastList
	Expect(k8s.List(ctx, &list, client.InNamespace(namespace))).To(Succeed())
	n := 0
	for _, fc := range list.Items {
		for _, c := range fc.Status.Conditions {
			if c.Type == v1.ReadyCondition && c.Status == metav1.ConditionTrue {
				n++
			}
		}
	}
	return n
}

// calls is the fake's log of provider's generate calls, in start order.
func (f *fakeServer) calls(ctx context.Context, provider string) []fakeprovider.Call {
	GinkgoHelper()
	var log struct{ Calls []fakeprovider.Call }
	Expect(json.Unmarshal(f.admin(ctx, http.MethodGet, "/admin/calls?provider="+provider, ""), &log)).To(Succeed())
	sort.SliceStable(log.Calls, func(i, j int) bool { return log.Calls[i].Started.Before(log.Calls[j].Started) })
	return log.Calls
}

// latency makes provider's generate calls take d.
func (f *fakeServer) latency(ctx context.Context, provider, d string) {
	GinkgoHelper()
	f.admin(ctx, http.MethodPut, "/admin/providers/"+provider+"/latency", fmt.Sprintf(`{"latency":%q}`, d))
}

// callsBetween counts the calls started in [from, to).
func callsBetween(calls []fakeprovider.Call, from, to time.Time) int {
	n := 0
	for _, c := range calls {
		if !c.Started.Before(from) && c.Started.Before(to) {
			n++
		}
	}
	return n
}

// aCallsBeforeB counts the calls not matched (namespace A's) that started
// after since and before the first matched one (namespace B's).
func aCallsBeforeB(calls []fakeprovider.Call, since time.Time) int {
	n := 0
	for _, c := range calls {
		if c.Matched {
			return n
		}
		if c.Started.After(since) {
			n++
		}
	}
	return n
}

// getForecastIn is getForecast in another namespace.
func getForecastIn(ctx context.Context, kubeconfig, namespace, name string) forecastView {
	GinkgoHelper()
	var fc forecastView
	Expect(json.Unmarshal([]byte(kubectlOK(ctx, kubeconfig, "get", "forecast", name, "-n", namespace, "-o", "json")), &fc)).To(Succeed())
	return fc
}
