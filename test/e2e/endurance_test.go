package e2e

import (
	"fmt"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// The endurance scenarios: a run of ENDURANCE_N Forecasts (50 in `make
// test`, 300 in `make endurance`) against the built manager, the fake
// provider and a real API server, each broken in the middle in one way a
// cluster breaks: the provider goes down, the manager is killed, the leader
// replica is killed, the API server restarts. Each scenario checks what a
// user can see: the lock's epoch and audit trail, each Forecast's status,
// and the fake's log of the calls it was sent (each Forecast has a region
// of its own, which the log names).
var _ = Describe("endurance", Label("endurance"), func() {
	It("outage under load: the lock moves once, and every Forecast ends Ready on the provider of its epoch", func(ctx SpecContext) {
		n := enduranceN()
		e := newEndurance(ctx)
		e.manager()
		for _, p := range []string{"openai", "gemini", "groq"} {
			e.fake.latency(ctx, p, "300ms")
		}
		e.lock(ctx, 3, "0s", "openai", "gemini", "groq", "baseline")
		began := time.Now()
		e.create(ctx, "outage", n)

		By("openai answers 503 to everything once a quarter of the run is Ready")
		e.results.waitReady(ctx, n/4, n, "the outage")
		e.fake.set(ctx, "openai", `{"mode":"overloaded"}`)
		broke, readyAtOutage := time.Now(), e.results.readyCount()

		items := e.waitAllReady(ctx, n)
		took := time.Since(began)
		By("the lock moved once; every result is on the provider of its epoch, as first written, and was not asked for again")
		st, calls := e.expectIntact(ctx, items, 2, "2 FailureThreshold openai->gemini", "1 Initial ->openai")
		moved := st.History[0].Time.Sub(broke)
		onOpenAI := 0
		for _, fc := range items {
			Expect(fc.Status.Provider).To(BeElementOf(v1.ProviderOpenAI, v1.ProviderGemini), fc.Name)
			if fc.Status.Provider == v1.ProviderOpenAI {
				onOpenAI++
			}
		}
		Expect(onOpenAI).To(BeNumerically(">=", readyAtOutage), "the results made before the outage stay")
		Expect(onOpenAI).To(BeNumerically("<", n), "the rest end on gemini")

		By("each result cost one successful call, and only openai and gemini were called")
		enduranceExpectOneSuccessEach(calls, items)
		failed := map[string]bool{}
		for _, c := range calls {
			Expect(c.Provider).To(BeElementOf("openai", "gemini"), "a call to %s", c.Provider)
			if c.Provider == "openai" && c.Status == 503 {
				failed[c.Region] = true
			}
		}
		Expect(len(failed)).To(BeNumerically(">=", 3), "the threshold is 3 Forecasts")

		By("the lock stays where it moved")
		Consistently(func() []string { return enduranceHistory(e.lockStatus(ctx)) }).WithContext(ctx).
			WithTimeout(5 * time.Second).WithPolling(500 * time.Millisecond).Should(HaveLen(2))
		enduranceReport("outage under load",
			fmt.Sprintf("%d Forecasts, openai and gemini at 300 ms, 5 calls at once each, failureThreshold 3", n),
			fmt.Sprintf("outage at %d Ready; lock moved %s after it (one FailureThreshold move, epoch 2)", readyAtOutage, moved.Round(time.Second)),
			fmt.Sprintf("%d Forecasts failed on openai; %d Ready on openai, %d on gemini", len(failed), onOpenAI, n-onOpenAI),
			fmt.Sprintf("first create to all Ready: %s", took.Round(100*time.Millisecond)))
	})

	It("kill -9 three times: each restart goes on with the run, and nothing written is lost, rewritten or asked for again", func(ctx SpecContext) {
		n := enduranceN()
		e := newEndurance(ctx)
		manager, _ := e.manager()
		e.fake.latency(ctx, "openai", "500ms")
		e.lock(ctx, 3, "0s", "openai", "baseline")
		began := time.Now()
		e.create(ctx, "crash", n)

		var lines []string
		for quarter := 1; quarter <= 3; quarter++ {
			e.results.waitReady(ctx, n*quarter/4, n, fmt.Sprintf("the kill at %d%%", 25*quarter))
			ready := e.results.readyCount()
			enduranceKill9(manager)
			killed := time.Now()
			manager, _ = e.manager()
			Eventually(func() int { return e.results.firstSeenAfter(killed) }).WithContext(ctx).
				WithTimeout(2*time.Minute).WithPolling(50*time.Millisecond).Should(BeNumerically(">", 0), "the restarted manager writes results")
			lines = append(lines, fmt.Sprintf("kill -9 #%d at %d of %d Ready: the restarted manager's first result %s after the kill",
				quarter, ready, n, time.Since(killed).Round(100*time.Millisecond)))
			e.expectLock(ctx, 1, "1 Initial ->openai")
		}

		items := e.waitAllReady(ctx, n)
		took := time.Since(began)

		By("each result is the one first written, and no Forecast was sent again once its result was written")
		_, calls := e.expectIntact(ctx, items, 1, "1 Initial ->openai")
		ok, abandoned := enduranceSuccesses(calls), 0
		for _, fc := range items {
			Expect(ok[enduranceRegion(fc.Name)]["openai"]).To(BeNumerically(">=", 1), "%s: its result came from no call", fc.Name)
		}
		for _, c := range calls {
			if c.Status == 0 {
				abandoned++ // a call in flight when its manager was killed
			}
		}
		enduranceReport("kill -9 three times", append(lines,
			fmt.Sprintf("%d Forecasts, openai at 500 ms, 5 calls at once; %d calls in all, %d abandoned by the kills", n, len(calls), abandoned),
			fmt.Sprintf("first create to all Ready: %s", took.Round(100*time.Millisecond)))...)
	})

	It("a rollout in the middle of a run: SIGTERM lets the calls in flight end and writes them, so none is paid for twice", func(ctx SpecContext) {
		n := enduranceN()
		e := newEndurance(ctx)
		manager, _ := e.manager(enduranceLeaderElect...)
		e.fake.latency(ctx, "openai", "3s")
		e.lock(ctx, 3, "0s", "openai", "baseline")
		e.create(ctx, "rollout", n)

		By("SIGTERM, as the kubelet sends it, while five calls of three seconds are in flight")
		e.results.waitReady(ctx, n/4, n, "the rollout")
		Eventually(func() int { return e.fake.requests(ctx)["openai"].InFlight }).WithContext(ctx).
			WithPolling(20 * time.Millisecond).Should(Equal(5))
		ready, stopped := e.results.readyCount(), time.Now()
		Expect(manager.stop(syscall.SIGTERM, 45*time.Second)).To(Succeed(), "the manager exits cleanly once the calls have ended")
		took := time.Since(stopped)
		Expect(manager.output.String()).To(ContainSubstring("writing the outcomes of the calls that were in flight at the stop"))
		var atStop []string
		for _, c := range enduranceCalls(ctx, e.fake) {
			if c.Started.Before(stopped) && c.Finished.After(stopped) {
				Expect(c.Status).To(Equal(200), "%s: the call in flight at the stop was cut off", c.Region)
				atStop = append(atStop, c.Region)
			}
		}
		Expect(len(atStop)).To(BeNumerically(">=", 4), "the calls in flight at the stop")
		for _, region := range atStop {
			fc := &v1.Forecast{}
			Expect(e.k8s.Get(ctx, client.ObjectKey{Namespace: enduranceNamespace, Name: strings.ToLower(region)}, fc)).To(Succeed())
			Expect(enduranceConditions(*fc)).To(ContainSubstring("Ready=True"), "%s: its result was written before the exit", fc.Name)
		}
		By("the next manager finishes the run, and every Forecast was paid for once")
		successor, _ := e.manager(enduranceLeaderElect...)
		items := e.waitAllReady(ctx, n)
		_, calls := e.expectIntact(ctx, items, 1, "1 Initial ->openai")
		enduranceExpectOneSuccessEach(calls, items)
		for _, c := range calls {
			Expect(c.Status).NotTo(BeZero(), "%s: a call abandoned at the stop", c.Region)
		}
		Expect(len(calls)).To(Equal(n), "one call per Forecast")
		Expect(successor.stop(syscall.SIGTERM, 45*time.Second)).To(Succeed())
		enduranceReport("a rollout (SIGTERM)",
			fmt.Sprintf("%d Forecasts, openai at 3 s, 5 calls at once; SIGTERM at %d Ready", n, ready),
			fmt.Sprintf("the manager exited %s after SIGTERM, once the %d calls in flight had ended and been written; %d calls for %d results, none abandoned",
				took.Round(100*time.Millisecond), len(atStop), len(calls), n))
	})

	It("two replicas: only the leader works, and a kill -9 of the leader hands the run to the other", func(ctx SpecContext) {
		n := enduranceN()
		e := newEndurance(ctx)
		leader, leaderMetrics := e.manager(enduranceLeaderElect...)
		Eventually(func() bool { return enduranceLeads(scrape(ctx, leaderMetrics)) }).WithContext(ctx).
			WithTimeout(time.Minute).Should(BeTrue(), "the first replica leads")
		first := e.leaseHolder(ctx)
		Expect(first).NotTo(BeEmpty())
		_, followerMetrics := e.manager(enduranceLeaderElect...)
		Eventually(func() string { return scrape(ctx, followerMetrics) }).WithContext(ctx).
			WithTimeout(time.Minute).Should(ContainSubstring("rest_client_requests_total"), "the second replica runs and talks to the API server")

		e.fake.latency(ctx, "openai", "500ms")
		e.lock(ctx, 3, "10s", "openai", "baseline")
		e.create(ctx, "replica", n)
		e.results.waitReady(ctx, n/2, n, "the leader's kill")

		By("the follower has neither reconciled nor called nor probed a provider; the leader has")
		follower, leading := scrape(ctx, followerMetrics), scrape(ctx, leaderMetrics)
		Expect(follower).To(ContainSubstring("rest_client_requests_total"), "the follower's metrics page (an empty one would sum to zero)")
		for _, m := range enduranceWorkMetrics {
			Expect(enduranceMetricSum(follower, m)).To(BeZero(), "the follower's %s", m)
		}
		Expect(enduranceLeads(follower)).To(BeFalse())
		Expect(enduranceMetricSum(leading, "controller_runtime_reconcile_total")).To(BeNumerically(">", 0))
		Expect(enduranceMetricSum(leading, "bottleneck_provider_requests_total")).To(BeNumerically(">", 0))

		By("kill -9 of the leader: the follower takes the Lease and finishes the run")
		readyAtKill := e.results.readyCount()
		enduranceKill9(leader)
		killed := time.Now()
		var leaseMoved, reconciled time.Duration
		Eventually(func(g Gomega) {
			if h := e.leaseHolder(ctx); leaseMoved == 0 && h != "" && h != first {
				leaseMoved = time.Since(killed)
			}
			if reconciled == 0 && enduranceMetricSum(scrape(ctx, followerMetrics), "controller_runtime_reconcile_total") > 0 {
				reconciled = time.Since(killed)
			}
			g.Expect(leaseMoved).NotTo(BeZero(), "the Lease is still %s's", first)
			g.Expect(reconciled).NotTo(BeZero(), "the new leader has not reconciled")
		}).WithContext(ctx).WithTimeout(2 * time.Minute).WithPolling(100 * time.Millisecond).Should(Succeed())
		Eventually(func() int { return e.results.firstSeenAfter(killed) }).WithContext(ctx).
			WithTimeout(time.Minute).WithPolling(50 * time.Millisecond).Should(BeNumerically(">", 0))
		firstResult := time.Since(killed)
		Expect(enduranceLeads(scrape(ctx, followerMetrics))).To(BeTrue())

		items := e.waitAllReady(ctx, n)
		e.expectIntact(ctx, items, 1, "1 Initial ->openai")
		enduranceReport("two replicas, kill -9 of the leader",
			fmt.Sprintf("%d Forecasts, openai at 500 ms, 5 calls at once; leader killed at %d Ready", n, readyAtKill),
			"lease 15 s, renew deadline 10 s, retry 2 s (controller-runtime's defaults)",
			fmt.Sprintf("kill → Lease held by the other replica: %s", leaseMoved.Round(100*time.Millisecond)),
			fmt.Sprintf("kill → its first reconcile: %s", reconciled.Round(100*time.Millisecond)),
			fmt.Sprintf("kill → its first result written: %s", firstResult.Round(100*time.Millisecond)))
		Expect(leaseMoved).To(BeNumerically("<", 45*time.Second), "the takeover (target 20 s)")
	})

	It("an API server restart in the middle of a run: the manager rides it out and loses nothing", func(ctx SpecContext) {
		n := enduranceN()
		e := newEndurance(ctx)
		manager, _ := e.manager(enduranceLeaderElect...)
		e.fake.latency(ctx, "openai", "300ms")
		e.lock(ctx, 3, "0s", "openai", "baseline")
		holder := e.leaseHolder(ctx)
		Expect(holder).NotTo(BeEmpty())
		e.create(ctx, "restart", n)
		e.results.waitReady(ctx, n/4, n, "the API server restart")

		By("stopping the kube-apiserver, leaving etcd, and starting it again on the same address with the same certificates")
		readyAtStop := e.results.readyCount()
		stopping := time.Now()
		Expect(e.cp.StopAPIServer()).To(Succeed())
		stopped := time.Now()
		Expect(e.cp.StartAPIServer()).To(Succeed())
		back := time.Now()
		enduranceExpectRunning(manager)

		e.waitAllReady(ctx, n)
		caughtUp := time.Since(back)
		By("Forecasts created after the restart are served too")
		after := max(8, n/5)
		e.create(ctx, "after", after)
		items := e.waitAllReady(ctx, n+after)
		enduranceExpectRunning(manager)
		Expect(e.leaseHolder(ctx)).To(Equal(holder), "the manager kept its Lease")

		By("each result cost one successful call, and none was rewritten")
		_, calls := e.expectIntact(ctx, items, 1, "1 Initial ->openai")
		enduranceExpectOneSuccessEach(calls, items)
		enduranceReport("API server restart",
			fmt.Sprintf("%d Forecasts, openai at 300 ms, 5 calls at once; the manager with --leader-elect", n),
			fmt.Sprintf("restart at %d Ready: stopping took %s, starting until healthy %s (down %s)", readyAtStop,
				stopped.Sub(stopping).Round(100*time.Millisecond), back.Sub(stopped).Round(100*time.Millisecond), back.Sub(stopping).Round(100*time.Millisecond)),
			fmt.Sprintf("all %d Ready %s after the API server was back; %d more created after it, all Ready",
				n, caughtUp.Round(100*time.Millisecond), after))
	})

	// What the restart above stays clear of: an API server away for longer
	// than the renew deadline (10 s). A leader that cannot renew its Lease
	// must stop working, or two replicas could both work; the manager
	// exits, and the replica started after it (as the kubelet restarts the
	// container) finishes the run once the old Lease has expired.
	It("an API server away for longer than the renew deadline: the manager exits, and its successor finishes the run", func(ctx SpecContext) {
		n := enduranceN()
		e := newEndurance(ctx)
		manager, _ := e.manager(enduranceLeaderElect...)
		e.fake.latency(ctx, "openai", "300ms")
		e.lock(ctx, 3, "0s", "openai", "baseline")
		e.create(ctx, "away", n)
		e.results.waitReady(ctx, n/4, n, "the API server's outage")

		By("the API server goes away: the manager exits once it cannot renew its Lease")
		Expect(e.cp.StopAPIServer()).To(Succeed())
		stopped := time.Now()
		var exit error
		Eventually(manager.done).WithContext(ctx).WithTimeout(45 * time.Second).Should(Receive(&exit))
		exited := time.Since(stopped)
		Expect(exit).To(MatchError(ContainSubstring("exit status 1")))
		Expect(manager.output.String()).To(ContainSubstring("leader election lost"))

		By("the API server comes back, and a new manager takes over once the old Lease has expired")
		Expect(e.cp.StartAPIServer()).To(Succeed())
		back := time.Now()
		e.manager(enduranceLeaderElect...)
		items := e.waitAllReady(ctx, n)
		e.expectIntact(ctx, items, 1, "1 Initial ->openai")
		enduranceReport("API server away past the renew deadline",
			fmt.Sprintf("%d Forecasts, openai at 300 ms, 5 calls at once; the manager with --leader-elect", n),
			fmt.Sprintf("API server stopped → manager exited (leader election lost): %s", exited.Round(100*time.Millisecond)),
			fmt.Sprintf("API server back → all %d Ready under the new manager: %s", n, time.Since(back).Round(100*time.Millisecond)))
	})
})
