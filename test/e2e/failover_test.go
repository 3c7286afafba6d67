package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/bottleneck-io/bottleneck-operator/internal/fakeprovider"
)

// The failover promise, end to end: the built manager and the fake provider
// server run as separate processes against a real API server, and the test
// drives them with kubectl and the fake's admin API, as a user would. It
// reads status as JSON into small local types, not the operator's Go API,
// so that the same specs run against any build of the manager
// (E2E_MANAGER=path/to/manager).
var _ = Describe("failover you can trust", Ordered, func() {
	var (
		kubeconfig string
		fake       *fakeServer
		manager    *process
		metrics    string
	)
	// The manager and the fake may be restarted by a spec; the container
	// sees to whichever runs at the end.
	startManager := func() *process {
		metrics = freeAddress()
		return launch("manager", root, "--kubeconfig", kubeconfig, "--metrics-secure=false",
			"--metrics-bind-address="+metrics, "--health-probe-bind-address=127.0.0.1:0", "--dashboard-bind-address=0")
	}

	BeforeAll(func(ctx SpecContext) {
		kubeconfig = startControlPlane()
		fake = startFake(freeAddress())
		DeferCleanup(func() { fake.cleanup() })
		kubectlOK(ctx, kubeconfig, "create", "namespace", "bottleneck-system")
		for provider, key := range map[string]string{"openai": "sk-e2e-0000placeholder", "gemini": "AIza-e2e-placeholder",
			"groq": "gsk_e2e_placeholder", "huggingface": "hf_e2e_placeholder"} {
			kubectlOK(ctx, kubeconfig, "create", "secret", "generic", provider+"-credentials", "-n", "bottleneck-system",
				"--from-literal=apiKey="+key)
		}
		manager = startManager()
		DeferCleanup(func() { manager.cleanup() })
	})
	AfterEach(func(ctx SpecContext) {
		if CurrentSpecReport().Failed() {
			fmt.Fprintf(GinkgoWriter, "--- output of the manager ---\n%s\n", manager.output.String())
		}
		kubectlOK(ctx, kubeconfig, "delete", "forecasts", "--all", "--wait")
		kubectlOK(ctx, kubeconfig, "delete", "providerlock", "--all", "--wait")
		fake.reset(ctx)
	})

	It("1: clearing an override leaves failover on", func(ctx SpecContext) {
		applyYAML(ctx, kubeconfig, lockYAML(fake.url, lockOptions{providers: []string{"openai", "gemini", "baseline"}}))
		waitActive(ctx, kubeconfig, "openai")

		By("the documented manual failback: override to gemini, back to openai, then clear the override")
		kubectlOK(ctx, kubeconfig, "patch", "providerlock", "default", "--type", "merge", "-p", `{"spec":{"override":"gemini"}}`)
		waitActive(ctx, kubeconfig, "gemini")
		kubectlOK(ctx, kubeconfig, "patch", "providerlock", "default", "--type", "merge", "-p", `{"spec":{"override":"openai"}}`)
		waitActive(ctx, kubeconfig, "openai")
		kubectlOK(ctx, kubeconfig, "patch", "providerlock", "default", "--type", "json", "-p", `[{"op":"remove","path":"/spec/override"}]`)
		Eventually(func(g Gomega) {
			g.Expect(getLock(ctx, kubeconfig).Status.History[0].Reason).To(Equal("OverrideCleared"))
		}).WithContext(ctx).Should(Succeed(), "clearing the override is recorded, although openai keeps the lock")

		By("openai fails for everyone: three Forecasts fail, and the lock moves")
		fake.set(ctx, "openai", `{"mode":"overloaded"}`)
		for i := range 3 {
			applyYAML(ctx, kubeconfig, forecastYAML(forecastOptions{name: fmt.Sprintf("after-override-%d", i), region: "USA"}))
		}
		Eventually(func(g Gomega) {
			lock := getLock(ctx, kubeconfig)
			g.Expect(lock.Status.ActiveProvider).To(Equal("gemini"))
			g.Expect(lock.Status.History[0].Reason).To(Equal("FailureThreshold"))
		}).WithContext(ctx).Should(Succeed())
	})

	It("2: one tenant's refused request never moves the lock; a provider that fails everyone does", func(ctx SpecContext) {
		applyYAML(ctx, kubeconfig, lockYAML(fake.url, lockOptions{providers: []string{"openai", "gemini", "baseline"}, interval: "10s"}))
		waitActive(ctx, kubeconfig, "openai")
		fake.set(ctx, "openai", `{"mode":"bad-request","match":"TENANT-DATA"}`)
		applyYAML(ctx, kubeconfig, forecastYAML(forecastOptions{name: "tenant", region: "TENANT-DATA"}))
		applyYAML(ctx, kubeconfig, forecastYAML(forecastOptions{name: "neighbour", region: "USA"}))

		By("the tenant's Forecast is Stalled with the provider's message, and not sent again")
		Eventually(func(g Gomega) {
			fc := getForecast(ctx, kubeconfig, "tenant")
			stalled := fc.condition("Stalled")
			g.Expect(stalled.Status).To(Equal("True"))
			g.Expect(stalled.Message).To(ContainSubstring("Invalid value for 'response_format'"))
		}).WithContext(ctx).Should(Succeed())
		Consistently(func(g Gomega) {
			lock := getLock(ctx, kubeconfig)
			g.Expect(lock.Status.ActiveProvider).To(Equal("openai"))
			g.Expect(lock.Status.Epoch).To(Equal(int64(1)))
			g.Expect(fake.requests(ctx)["openai"].Matched).To(Equal(1))
		}).WithContext(ctx).WithTimeout(25 * time.Second).WithPolling(time.Second).Should(Succeed())
		Expect(getForecast(ctx, kubeconfig, "neighbour").condition("Ready").Status).To(Equal("True"))

		By("openai now answers prose to every request: a single new Forecast is enough, with the lock's completion probes")
		kubectlOK(ctx, kubeconfig, "delete", "forecast", "tenant", "neighbour", "--wait")
		fake.set(ctx, "openai", `{"mode":"prose"}`)
		applyYAML(ctx, kubeconfig, forecastYAML(forecastOptions{name: "alone", region: "DEU"}))
		Eventually(func(g Gomega) {
			lock := getLock(ctx, kubeconfig)
			g.Expect(lock.Status.ActiveProvider).To(Equal("gemini"))
			g.Expect(lock.Status.History[0].Reason).To(Equal("FailureThreshold"))
		}).WithContext(ctx).WithTimeout(2*10*time.Second+10*time.Second).Should(Succeed(), "within two health-check intervals")
	})

	It("3: a status write the API server refuses costs one provider call, and is retried without one", func(ctx SpecContext) {
		applyYAML(ctx, kubeconfig, lockYAML(fake.url, lockOptions{providers: []string{"openai", "baseline"}}))
		waitActive(ctx, kubeconfig, "openai")

		By("an answer whose bottleneck periods are longer than the schema allows")
		fake.set(ctx, "openai", `{"mode":"long-labels","match":"LONG-LABELS"}`)
		applyYAML(ctx, kubeconfig, forecastYAML(forecastOptions{name: "long-labels", region: "LONG-LABELS"}))
		Eventually(func(g Gomega) {
			fc := getForecast(ctx, kubeconfig, "long-labels")
			g.Expect(fc.condition("Ready").Status).To(Equal("True"))
			g.Expect(fc.Status.Bottlenecks).NotTo(BeEmpty())
			for _, b := range fc.Status.Bottlenecks {
				g.Expect(len([]rune(b.Period))).To(BeNumerically("<=", 32), b.Period)
			}
		}).WithContext(ctx).Should(Succeed())
		Consistently(func() int { return fake.requests(ctx)["openai"].Matched }).
			WithContext(ctx).WithTimeout(5*time.Second).Should(Equal(1), "one call for one answer")

		By("an admission policy refuses every result of a labelled Forecast")
		applyYAML(ctx, kubeconfig, refusePolicyYAML)
		DeferCleanup(func(ctx SpecContext) {
			kubectlOK(ctx, kubeconfig, "delete", "validatingadmissionpolicybinding,validatingadmissionpolicy", "refuse-results", "--ignore-not-found")
		})
		applyYAML(ctx, kubeconfig, forecastYAML(forecastOptions{name: "policy-check", region: "SGP", labels: "e2e-refuse: \"yes\"", suspend: true}))
		Eventually(func() string {
			out, _ := run(ctx, kubeconfig, "patch", "forecast", "policy-check", "--subresource=status", "--type=merge", "--dry-run=server",
				"-p", `{"status":{"predictions":[{"period":"2026-01","value":"1","lower":"1","upper":"1"}]}}`)
			return out
		}).WithContext(ctx).Should(ContainSubstring("results of Forecasts labelled e2e-refuse are refused"), "the API server applies the policy")
		fake.set(ctx, "openai", `{"mode":"ok","match":"SGP-REFUSED"}`) // counts this Forecast's calls
		before := fake.requests(ctx)["openai"].Matched
		applyYAML(ctx, kubeconfig, forecastYAML(forecastOptions{name: "refused", region: "SGP-REFUSED", labels: "e2e-refuse: \"yes\""}))
		Eventually(func(g Gomega) {
			fc := getForecast(ctx, kubeconfig, "refused")
			g.Expect(fc.Status.LastAttempt).NotTo(BeNil())
			g.Expect(fc.Status.LastAttempt.Outcome).To(Equal("WriteRefused"))
			g.Expect(fc.Status.LastAttempt.Message).To(ContainSubstring("results of Forecasts labelled e2e-refuse are refused"))
			g.Expect(fc.condition("Ready").Reason).To(Equal("StatusWriteRefused"))
		}).WithContext(ctx).Should(Succeed())
		out := kubectlOK(ctx, kubeconfig, "get", "events", "--field-selector", "involvedObject.name=refused,reason=StatusWriteRefused", "-o", "name")
		Expect(out).NotTo(BeEmpty(), "an Event says so")
		Eventually(func() string { return scrape(ctx, metrics) }).WithContext(ctx).
			Should(MatchRegexp(`bottleneck_forecast_status_write_failures_total\{reason="Invalid"\} [1-9]`))
		Consistently(func() int { return fake.requests(ctx)["openai"].Matched - before }).
			WithContext(ctx).WithTimeout(12*time.Second).Should(Equal(1), "the kept result is written again, the provider is not asked again")

		By("once the policy lets it through, the kept result is stored, still without a new call")
		kubectlOK(ctx, kubeconfig, "label", "forecast", "refused", "e2e-refuse-")
		Eventually(func() string { return getForecast(ctx, kubeconfig, "refused").condition("Ready").Status }).
			WithContext(ctx).WithTimeout(60 * time.Second).Should(Equal("True"))
		Expect(fake.requests(ctx)["openai"].Matched - before).To(Equal(1))
	})

	It("4: backoff survives extra reconciles and a restart", func(ctx SpecContext) {
		applyYAML(ctx, kubeconfig, lockYAML(fake.url, lockOptions{providers: []string{"openai", "baseline"}, threshold: 100}))
		waitActive(ctx, kubeconfig, "openai")
		fake.set(ctx, "openai", `{"mode":"overloaded","count":2,"match":"DEU-BACKOFF"}`)
		applyYAML(ctx, kubeconfig, historyConfigMapYAML)
		applyYAML(ctx, kubeconfig, forecastYAML(forecastOptions{name: "backoff", region: "DEU-BACKOFF", fromConfigMap: "backoff-history"}))
		var retryAt time.Time
		Eventually(func(g Gomega) {
			a := getForecast(ctx, kubeconfig, "backoff").Status.LastAttempt
			g.Expect(a).NotTo(BeNil())
			g.Expect(a.ConsecutiveFailures).To(Equal(int32(2)))
			g.Expect(a.RetryAt).NotTo(BeNil(), "the time before which it may not call again is in status")
			retryAt = *a.RetryAt
		}).WithContext(ctx).WithTimeout(40 * time.Second).Should(Succeed())
		Expect(time.Until(retryAt)).To(BeNumerically(">", 5*time.Second), "the second failure backs off 20s")

		By("a ConfigMap event and a manager restart do not bring the call forward")
		kubectlOK(ctx, kubeconfig, "annotate", "configmap", "backoff-history", "touched=yes", "--overwrite")
		Expect(manager.stop(syscall.SIGTERM, 15*time.Second)).To(Succeed())
		manager = startManager()
		kubectlOK(ctx, kubeconfig, "annotate", "configmap", "backoff-history", "touched=again", "--overwrite")
		Consistently(func() int { return fake.requests(ctx)["openai"].Matched }).WithContext(ctx).
			WithTimeout(time.Until(retryAt) - time.Second).Should(Equal(2))
		Eventually(func() string { return getForecast(ctx, kubeconfig, "backoff").condition("Ready").Status }).
			WithContext(ctx).Should(Equal("True"))
		Expect(getForecast(ctx, kubeconfig, "backoff").Status.GeneratedAt.Before(retryAt.Add(-time.Second))).To(BeFalse())
	})

	It("5: a lock created again never counts an earlier lock's attempts", func(ctx SpecContext) {
		applyYAML(ctx, kubeconfig, lockYAML(fake.url, lockOptions{providers: []string{"openai", "gemini", "baseline"}}))
		waitActive(ctx, kubeconfig, "openai")
		fake.set(ctx, "openai", `{"mode":"overloaded","match":"OUTAGE"}`)
		for _, name := range []string{"old-1", "old-2"} {
			applyYAML(ctx, kubeconfig, forecastYAML(forecastOptions{name: name, region: "OUTAGE"}))
			Eventually(func() *attemptView { return getForecast(ctx, kubeconfig, name).Status.LastAttempt }).
				WithContext(ctx).ShouldNot(BeNil())
			kubectlOK(ctx, kubeconfig, "patch", "forecast", name, "--type", "merge", "-p", `{"spec":{"suspend":true}}`)
		}

		By("deleting the lock and creating it again, at epoch 1 on openai")
		kubectlOK(ctx, kubeconfig, "delete", "providerlock", "default", "--wait")
		applyYAML(ctx, kubeconfig, lockYAML(fake.url, lockOptions{providers: []string{"openai", "gemini", "baseline"}}))
		waitActive(ctx, kubeconfig, "openai")
		applyYAML(ctx, kubeconfig, forecastYAML(forecastOptions{name: "new-1", region: "OUTAGE"}))
		Eventually(func() *attemptView { return getForecast(ctx, kubeconfig, "new-1").Status.LastAttempt }).
			WithContext(ctx).ShouldNot(BeNil())
		Consistently(func(g Gomega) {
			lock := getLock(ctx, kubeconfig)
			g.Expect(lock.Status.ActiveProvider).To(Equal("openai"))
			g.Expect(lock.Status.Epoch).To(Equal(int64(1)))
			g.Expect(lock.Status.ConsecutiveFailures).To(BeNumerically("<=", 1), "only new-1 counts")
		}).WithContext(ctx).WithTimeout(8 * time.Second).WithPolling(500 * time.Millisecond).Should(Succeed())
	})

	It("6: when the operator's own egress fails, no provider is blamed and the lock comes back by itself", func(ctx SpecContext) {
		applyYAML(ctx, kubeconfig, lockYAML(fake.url, lockOptions{providers: []string{"openai", "gemini", "groq", "baseline"}, interval: "10s"}))
		waitActive(ctx, kubeconfig, "openai")

		By("the network goes away: every provider refuses connections")
		fake.stop()
		for i := range 3 {
			applyYAML(ctx, kubeconfig, forecastYAML(forecastOptions{name: fmt.Sprintf("egress-%d", i), region: "USA"}))
		}
		Eventually(func(g Gomega) {
			lock := getLock(ctx, kubeconfig)
			g.Expect(lock.Status.ActiveProvider).To(Equal("baseline"))
			g.Expect(lock.Status.History[0].Reason).To(Equal("EgressFailure"))
			g.Expect(lock.condition("Degraded").Reason).To(Equal("EgressFailure"))
			for _, p := range lock.Status.Providers {
				g.Expect(p.CooldownUntil).To(BeEmpty(), "%s must not be put in cooldown", p.Name)
			}
		}).WithContext(ctx).WithTimeout(60 * time.Second).Should(Succeed())
		Expect(getLock(ctx, kubeconfig).Status.History).To(HaveLen(2), "Initial and EgressFailure: no walk down the chain")

		By("the network comes back: a probe reaches openai, and the lock returns with failback Manual")
		fake = startFake(fake.addr)
		Eventually(func(g Gomega) {
			lock := getLock(ctx, kubeconfig)
			g.Expect(lock.Status.ActiveProvider).To(Equal("openai"))
			g.Expect(lock.Status.History[0].Reason).To(Equal("EgressRestored"))
			g.Expect(lock.condition("Degraded").Status).To(Equal("False"))
		}).WithContext(ctx).WithTimeout(60 * time.Second).Should(Succeed())
	})

	It("7: an API key never follows a redirect to another host", func(ctx SpecContext) {
		var captured atomic.Int32
		capture := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			captured.Add(1)
			w.WriteHeader(http.StatusOK)
		}))
		DeferCleanup(capture.Close)
		fake.set(ctx, "gemini", fmt.Sprintf(`{"mode":"redirect","location":%q}`, capture.URL+"/v1beta/models/gemini-2.5-flash:generateContent"))
		applyYAML(ctx, kubeconfig, lockYAML(fake.url, lockOptions{providers: []string{"gemini", "baseline"}, override: "gemini"}))
		waitActive(ctx, kubeconfig, "gemini")
		applyYAML(ctx, kubeconfig, forecastYAML(forecastOptions{name: "redirected", region: "USA"}))
		Eventually(func(g Gomega) {
			a := getForecast(ctx, kubeconfig, "redirected").Status.LastAttempt
			g.Expect(a).NotTo(BeNil())
			g.Expect(a.Reason).To(Equal("CrossHostRedirect"))
		}).WithContext(ctx).Should(Succeed())
		Expect(captured.Load()).To(BeZero(), "the other host received a request")
	})
})

// fakeServer is the fake provider binary, running as its own process.
type fakeServer struct {
	*process
	addr, url string
}

func startFake(addr string) *fakeServer {
	GinkgoHelper()
	p := launch("fakeprovider", root, "--listen", addr, "--quiet")
	f := &fakeServer{process: p, addr: addr, url: "http://" + addr}
	Eventually(func() error {
		resp, err := http.Get(f.url + "/admin/modes")
		if err == nil {
			resp.Body.Close()
		}
		return err
	}).Should(Succeed())
	return f
}

func (f *fakeServer) stop() {
	GinkgoHelper()
	Expect(f.process.stop(syscall.SIGTERM, 10*time.Second)).To(Succeed())
}

func (f *fakeServer) admin(ctx context.Context, method, path, body string) []byte {
	GinkgoHelper()
	req, err := http.NewRequestWithContext(ctx, method, f.url+path, strings.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	Expect(resp.StatusCode).To(BeNumerically("<", 300), "%s %s: %s", method, path, out)
	return out
}

func (f *fakeServer) set(ctx context.Context, provider, body string) {
	GinkgoHelper()
	f.admin(ctx, http.MethodPut, "/admin/providers/"+provider+"/mode", body)
}

func (f *fakeServer) reset(ctx context.Context) {
	GinkgoHelper()
	f.admin(ctx, http.MethodPost, "/admin/reset", "")
}

// requestCounts is one provider's row of GET /admin/requests.
type requestCounts struct {
	Generate    int `json:"generate"`
	Probe       int `json:"probe"`
	Matched     int `json:"matched"`
	InFlight    int `json:"inFlight"`
	MaxInFlight int `json:"maxInFlight"`
}

func (f *fakeServer) requests(ctx context.Context) map[string]requestCounts {
	GinkgoHelper()
	var counts map[string]requestCounts
	Expect(json.Unmarshal(f.admin(ctx, http.MethodGet, "/admin/requests", ""), &counts)).To(Succeed())
	return counts
}

// lockOptions shapes the ProviderLock of a spec.
type lockOptions struct {
	providers []string
	threshold int
	interval  string // healthCheck.interval; "0s" unless set
	override  string
}

func lockYAML(fakeURL string, o lockOptions) string {
	threshold, interval := o.threshold, o.interval
	if threshold == 0 {
		threshold = 3
	}
	if interval == "" {
		interval = "0s"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: forecast.bottleneck.io/v1alpha1\nkind: ProviderLock\nmetadata:\n  name: default\nspec:\n"+
		"  failureThreshold: %d\n  healthCheck:\n    interval: %s\n", threshold, interval)
	if o.override != "" {
		fmt.Fprintf(&b, "  override: %s\n", o.override)
	}
	b.WriteString("  providers:\n")
	for _, p := range o.providers {
		fmt.Fprintf(&b, "  - name: %s\n", p)
		if p == "baseline" {
			continue
		}
		fmt.Fprintf(&b, "    baseURL: %s\n    timeout: 5s\n    credentialsRef: {namespace: bottleneck-system, name: %s-credentials, key: apiKey}\n",
			fakeprovider.BaseURL(fakeURL, p), p)
	}
	return b.String()
}

// forecastOptions shapes a Forecast.
type forecastOptions struct {
	name, region  string
	labels        string // one YAML line, e.g. `team: a`
	fromConfigMap string // history from this ConfigMap's key "history"
	suspend       bool
}

func forecastYAML(o forecastOptions) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: forecast.bottleneck.io/v1alpha1\nkind: Forecast\nmetadata:\n  name: %s\n  namespace: default\n", o.name)
	if o.labels != "" {
		fmt.Fprintf(&b, "  labels:\n    %s\n", o.labels)
	}
	fmt.Fprintf(&b, "spec:\n  region: %s\n  subject: container port throughput\n  unit: TEU\n  horizon: 3\n  capacity: \"140\"\n  suspend: %t\n", o.region, o.suspend)
	if o.fromConfigMap != "" {
		fmt.Fprintf(&b, "  historyFrom:\n    configMapKeyRef: {name: %s, key: history}\n", o.fromConfigMap)
		return b.String()
	}
	b.WriteString("  history:\n")
	for i, v := range historyValues {
		fmt.Fprintf(&b, "  - {period: \"2025-%02d\", value: \"%s\"}\n", i+1, v)
	}
	return b.String()
}

var historyValues = []string{"112", "115", "119", "118", "121", "124", "126", "125", "129", "131", "133", "134"}

const historyConfigMapYAML = `apiVersion: v1
kind: ConfigMap
metadata:
  name: backoff-history
  namespace: default
data:
  history: |
    period,value
    2025-01,112
    2025-02,115
    2025-03,119
    2025-04,118
    2025-05,121
    2025-06,124
    2025-07,126
    2025-08,125
`

// refusePolicyYAML makes the API server refuse the results of Forecasts
// labelled e2e-refuse, as a cluster's admission policy might.
const refusePolicyYAML = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: refuse-results
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: ["forecast.bottleneck.io"]
      apiVersions: ["v1alpha1"]
      operations: ["UPDATE"]
      resources: ["forecasts/status"]
  validations:
  - expression: "!has(object.status.predictions) || !has(object.metadata.labels) || !('e2e-refuse' in object.metadata.labels)"
    message: results of Forecasts labelled e2e-refuse are refused
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: refuse-results
spec:
  policyName: refuse-results
  validationActions: [Deny]
`

// The fields of the objects the specs read, as kubectl prints them.
type (
	conditionView struct{ Type, Status, Reason, Message string }
	attemptView   struct {
		Provider, Outcome, Reason, Message, Class string
		ConsecutiveFailures                       int32
		RetryAt                                   *time.Time
	}
	forecastView struct {
		Status struct {
			Conditions  []conditionView
			LastAttempt *attemptView
			GeneratedAt *time.Time
			Bottlenecks []struct{ Period string }
		}
	}
	lockView struct {
		Status struct {
			ActiveProvider      string
			Epoch               int64
			ConsecutiveFailures int32
			Conditions          []conditionView
			History             []struct{ Reason, From, To string }
			Providers           []providerView
		}
	}
)

// providerView is one entry of a lock's status.providers.
type providerView struct{ Name, State, Message, CooldownUntil, PausedUntil string }

// provider returns the status entry of name.
func (l lockView) provider(name string) providerView {
	for _, p := range l.Status.Providers {
		if p.Name == name {
			return p
		}
	}
	return providerView{}
}

func findCondition(conds []conditionView, t string) conditionView {
	for _, c := range conds {
		if c.Type == t {
			return c
		}
	}
	return conditionView{}
}

func (f forecastView) condition(t string) conditionView { return findCondition(f.Status.Conditions, t) }
func (l lockView) condition(t string) conditionView     { return findCondition(l.Status.Conditions, t) }

func getForecast(ctx context.Context, kubeconfig, name string) forecastView {
	GinkgoHelper()
	var fc forecastView
	Expect(json.Unmarshal([]byte(kubectlOK(ctx, kubeconfig, "get", "forecast", name, "-o", "json")), &fc)).To(Succeed())
	return fc
}

func getLock(ctx context.Context, kubeconfig string) lockView {
	GinkgoHelper()
	var lock lockView
	Expect(json.Unmarshal([]byte(kubectlOK(ctx, kubeconfig, "get", "providerlock", "default", "-o", "json")), &lock)).To(Succeed())
	return lock
}

func waitActive(ctx context.Context, kubeconfig, provider string) {
	GinkgoHelper()
	Eventually(func() string { return getLock(ctx, kubeconfig).Status.ActiveProvider }).WithContext(ctx).Should(Equal(provider))
}

// kubectlOK runs kubectl and fails the spec when it fails.
func kubectlOK(ctx context.Context, kubeconfig string, args ...string) string {
	GinkgoHelper()
	out, err := run(ctx, kubeconfig, args...)
	Expect(err).NotTo(HaveOccurred(), "kubectl %s: %s", strings.Join(args, " "), out)
	return out
}

// applyYAML applies manifests with kubectl, from a file as a user would.
func applyYAML(ctx context.Context, kubeconfig, manifest string) {
	GinkgoHelper()
	path := filepath.Join(GinkgoT().TempDir(), "manifest.yaml")
	Expect(os.WriteFile(path, []byte(manifest), 0o600)).To(Succeed())
	kubectlOK(ctx, kubeconfig, "apply", "-f", path)
}

// scrape returns the manager's metrics page.
func scrape(ctx context.Context, addr string) string {
	GinkgoHelper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", nil)
	Expect(err).NotTo(HaveOccurred())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}
