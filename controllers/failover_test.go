package controllers_test

import (
	"fmt"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	eventsv1 "k8s.io/api/events/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/fakeprovider"
)

var _ = Describe("failover driven by failure counts", Ordered, func() {
	AfterEach(func() { fake.Reset() })

	It("moves the lock after failureThreshold failures, and every Forecast becomes Ready on the next provider", func(ctx SpecContext) {
		lockOn(ctx, "openai")
		Expect(fake.SetMode("openai", fakeprovider.ModeOverloaded, 0)).To(Succeed())
		before := fake.Requests("openai")
		var fcs []*v1.Forecast
		for i := range 3 {
			fc := newForecast(fmt.Sprintf("outage-%d", i), fmt.Sprintf("OUTAGE-%d", i), series...)
			create(ctx, fc)
			fcs = append(fcs, fc)
		}
		Eventually(func(g Gomega) {
			lock := getLock(ctx)
			g.Expect(lock.Status.ActiveProvider).To(Equal(v1.ProviderBaseline))
			g.Expect(lock.Status.Epoch).To(Equal(int64(2)))
			g.Expect(lock.Status.ConsecutiveFailures).To(BeZero())
			g.Expect(lock.Status.History).To(HaveLen(2))
			move := lock.Status.History[0]
			g.Expect(move.From).To(Equal(v1.ProviderOpenAI))
			g.Expect(move.To).To(Equal(v1.ProviderBaseline))
			g.Expect(move.Reason).To(Equal(v1.LockFailureThreshold))
			// Three Forecasts, and perhaps the lock's confirming probe, seen together.
			g.Expect(move.Message).To(MatchRegexp(`^openai failed [34] times since its last success \(threshold 3; `))
			openai := providerState(lock, "openai")
			g.Expect(openai.State).To(Equal(v1.ProviderCoolingDown))
			g.Expect(openai.CooldownUntil).NotTo(BeNil())
			g.Expect(openai.LastError).To(ContainSubstring("ServerError"))
		}).WithContext(ctx).Should(Succeed())
		// The lock's own confirming probe may be the third failure: at most
		// one more call than the threshold's Forecasts.
		Expect(fake.Requests("openai")-before).To(BeNumerically("<=", 4), "no Forecast asked openai twice before the move")

		for i, fc := range fcs {
			got := expectReady(ctx, fc)
			// A Forecast created after the lock's probe confirmed the
			// outage never asked openai.
			region := fmt.Sprintf("OUTAGE-%d", i)
			Expect(calls.countOn("openai", region)).To(BeNumerically("<=", 1), "at most one failed call to openai")
			Expect(calls.countOn("baseline", region)).To(Equal(1), "one call to baseline")
			Expect(got.Status.Provider).To(Equal(v1.ProviderBaseline))
			Expect(got.Status.LockEpoch).To(Equal(int64(2)))
		}
		Eventually(func(g Gomega) {
			var events eventsv1.EventList
			g.Expect(k8s.List(ctx, &events, client.InNamespace("default"))).To(Succeed())
			var notes []string
			for _, e := range events.Items {
				if e.Regarding.Kind == "ProviderLock" && e.Reason == string(v1.LockFailureThreshold) {
					notes = append(notes, e.Note)
				}
			}
			g.Expect(notes).To(ContainElement(ContainSubstring("lock moved from openai to baseline (epoch 2)")))
		}).WithContext(ctx).Should(Succeed())
	})

	It("moves the lock at once when the provider rejects the key", func(ctx SpecContext) {
		lockOn(ctx, "groq")
		Expect(fake.SetMode("groq", fakeprovider.ModeUnauthorized, 0)).To(Succeed())
		before := fake.Requests("groq")
		fc := newForecast("rejected", "REJECTED", series...)
		create(ctx, fc)
		expectLockMoved(ctx, v1.ProviderBaseline, v1.LockProviderRejected)
		Expect(fake.Requests("groq") - before).To(Equal(1))
		Expect(expectReady(ctx, fc).Status.Provider).To(Equal(v1.ProviderBaseline))
	})

	It("waits as long as a 429's retry hint says, longer than its own backoff", func(ctx SpecContext) {
		lockOn(ctx, "gemini", func(s *v1.ProviderLockSpec) { s.FailureThreshold = 100 })
		Expect(fake.SetMode("gemini", fakeprovider.ModeRateLimited, 1)).To(Succeed())
		fc := newForecast("rate-limited", "RATE-LIMITED", series...)
		create(ctx, fc)
		var failed *v1.Attempt
		Eventually(func(g Gomega) {
			failed = getForecast(ctx, fc).Status.LastAttempt
			g.Expect(failed).NotTo(BeNil())
			g.Expect(failed.Reason).To(Equal("RateLimited"))
		}).WithContext(ctx).Should(Succeed())
		_, _, msg := condition(getForecast(ctx, fc), v1.ReadyCondition)
		Expect(msg).To(ContainSubstring("retrying in 22s, at "), "Gemini's RetryInfo asks for 22s; the first backoff is 10s")

		got := expectReady(ctx, fc)
		Expect(got.Status.GeneratedAt.Sub(failed.Time.Time)).To(BeNumerically(">=", 22*time.Second))
		Expect(calls.count("RATE-LIMITED")).To(Equal(2), "one refused call, one retry")
	})

	It("stalls a Forecast whose request the provider refuses, and confirms with a probe instead of blaming the provider", func(ctx SpecContext) {
		lockOn(ctx, "gemini", func(s *v1.ProviderLockSpec) { s.FailureThreshold = 3 })
		Expect(fake.Set("gemini", fakeprovider.Setting{Mode: fakeprovider.ModeBadRequest, Match: "TENANT-DATA"})).To(Succeed())
		fc := newForecast("refused", "TENANT-DATA", series...)
		create(ctx, fc)
		Eventually(func(g Gomega) {
			got := getForecast(ctx, fc)
			status, reason, msg := condition(got, v1.StalledCondition)
			g.Expect(status).To(Equal(metav1.ConditionTrue))
			g.Expect(reason).To(Equal(v1.RequestRefusedReason))
			g.Expect(msg).To(ContainSubstring("not retried until the spec, the data or the lock's provider changes"))
			g.Expect(got.Status.LastAttempt.Class).To(Equal(v1.ClassRequestCaused))
		}).WithContext(ctx).Should(Succeed())
		By("the lock confirms with a completion probe, which passes: the count goes back to 0")
		Eventually(func(g Gomega) {
			lock := getLock(ctx)
			g.Expect(providerState(lock, "gemini").LastConfirmedTime).NotTo(BeNil())
			g.Expect(lock.Status.ConsecutiveFailures).To(BeZero())
		}).WithContext(ctx).Should(Succeed())
		By("a lock event does not send the refused request again")
		pokeLock(ctx)
		Consistently(func() int { return fake.Matched("gemini") }).WithContext(ctx).WithTimeout(2 * time.Second).Should(Equal(1))
		Expect(getLock(ctx).Status.ActiveProvider).To(Equal(v1.ProviderGemini))
	})
})

var _ = Describe("failover under load and by hand", Ordered, func() {
	AfterEach(func() { fake.Reset() })

	It("makes exactly one move when 50 Forecasts fail at once", func(ctx SpecContext) {
		lockOn(ctx, "openai")
		Expect(fake.SetMode("openai", fakeprovider.ModeOverloaded, 0)).To(Succeed())
		var fcs []*v1.Forecast
		for i := range 50 {
			fc := newForecast(fmt.Sprintf("storm-%02d", i), fmt.Sprintf("STORM-%02d", i), series...)
			create(ctx, fc)
			fcs = append(fcs, fc)
		}
		for _, fc := range fcs {
			Expect(expectReady(ctx, fc).Status.Provider).To(Equal(v1.ProviderBaseline))
		}
		lock := getLock(ctx)
		Expect(lock.Status.Epoch).To(Equal(int64(2)), "one threshold crossing, one move")
		Expect(lock.Status.History).To(HaveLen(2))
		Expect(lock.Status.History[0].Reason).To(Equal(v1.LockFailureThreshold))
		Expect(lock.Status.History[1].Reason).To(Equal(v1.LockInitial))
	})

	It("asks the new provider once for a Forecast whose call to the old one ends after the move", func(ctx SpecContext) {
		// Across a move a Forecast has two calls in flight: the old
		// provider's, which nothing stops, and the new one's. The old one's
		// late failure must neither replace the new result before it is
		// written, nor be written over it, nor send the Forecast back to
		// the new provider. The new provider is cloudflare, not gemini: the
		// gates outlive a spec, and 16 calls would use up gemini's default
		// of 10 a minute for the specs that follow.
		lockOn(ctx, "openai", func(s *v1.ProviderLockSpec) {
			s.FailureThreshold = 100
			s.Providers = slices.Insert(s.Providers, 1, fakeEntry(ctx, v1.ProviderCloudflare))
			for i := range s.Providers[:2] {
				s.Providers[i].Timeout = &metav1.Duration{Duration: time.Minute}
				s.Providers[i].Limits = &v1.ProviderLimits{MaxConcurrent: ptr.To[int32](100), RequestsPerMinute: ptr.To[int32](10_000)}
			}
		})
		const n = 16
		var fcs []*v1.Forecast
		var held []*heldCalls
		for i := range n {
			region := fmt.Sprintf("LATE-%02d", i)
			held = append(held, calls.hold(region))
			fc := newForecast(fmt.Sprintf("late-%02d", i), region, series...)
			create(ctx, fc)
			fcs = append(fcs, fc)
		}
		for _, h := range held {
			Eventually(h.started).WithContext(ctx).Should(Receive(Equal("openai")))
		}
		updateLock(ctx, func(l *v1.ProviderLock) { l.Spec.Override = v1.ProviderCloudflare })
		for _, h := range held {
			Eventually(h.started).WithContext(ctx).Should(Receive(Equal("cloudflare")), "the move sends every Forecast to cloudflare")
		}

		By("cloudflare answers every Forecast; once its call has returned, openai fails it, half before the result is written, half after")
		for i, h := range held {
			h.answer("cloudflare") <- nil
			Eventually(h.returned).WithContext(ctx).Should(Receive(Equal("cloudflare")))
			if i%2 == 1 {
				expectReady(ctx, fcs[i])
			}
			h.answer("openai") <- overloaded("openai")
		}
		for _, h := range held {
			Eventually(h.returned).WithContext(ctx).Should(Receive(Equal("openai")))
		}
		for _, fc := range fcs {
			got := expectReady(ctx, fc)
			Expect(got.Status.Provider).To(Equal(v1.ProviderCloudflare))
			Expect(got.Status.LockEpoch).To(Equal(int64(2)))
			Expect(got.Status.LastAttempt.Provider).To(Equal(v1.ProviderCloudflare), "openai's late failure is not written over the new result")
		}
		Consistently(func(g Gomega) {
			for _, fc := range fcs {
				g.Expect(calls.countOn("cloudflare", fc.Spec.Region)).To(Equal(1), "cloudflare was asked again for %s", fc.Name)
				g.Expect(calls.countOn("openai", fc.Spec.Region)).To(Equal(1), "openai was asked again for %s", fc.Name)
				g.Expect(getForecast(ctx, fc).Status.LastAttempt.Provider).To(Equal(v1.ProviderCloudflare))
			}
		}).WithContext(ctx).WithTimeout(3 * time.Second).Should(Succeed())
		Expect(getLock(ctx).Status.Epoch).To(Equal(int64(2)), "the late failures move nothing")
	})

	It("says the lock is Degraded while an override holds it on a provider without a key", func(ctx SpecContext) {
		lockOn(ctx, "openai", func(s *v1.ProviderLockSpec) {
			groq := v1.ProviderSpec{Name: v1.ProviderGroq, CredentialsRef: &v1.SecretKeyReference{Namespace: "ops", Name: "groq-absent"}}
			s.Providers = []v1.ProviderSpec{s.Providers[0], groq, s.Providers[1]}
		})
		updateLock(ctx, func(l *v1.ProviderLock) { l.Spec.Override = v1.ProviderGroq })
		Eventually(func(g Gomega) {
			lock := getLock(ctx)
			g.Expect(lock.Status.ActiveProvider).To(Equal(v1.ProviderGroq))
			g.Expect(apimeta.IsStatusConditionTrue(lock.Status.Conditions, v1.ReadyCondition)).To(BeTrue(), "the lock does what it is told")
			degraded := apimeta.FindStatusCondition(lock.Status.Conditions, v1.DegradedCondition)
			g.Expect(degraded).NotTo(BeNil())
			g.Expect(degraded.Status).To(Equal(metav1.ConditionTrue))
			g.Expect(degraded.Reason).To(Equal(v1.OverrideIneligibleReason))
			g.Expect(degraded.Message).To(Equal("spec.override holds the lock on groq, which is not eligible " +
				"(Unconfigured: Secret ops/groq-absent not found): its calls fail until it is fixed or spec.override is removed"))
		}).WithContext(ctx).Should(Succeed())

		updateLock(ctx, func(l *v1.ProviderLock) { l.Spec.Override = "" })
		Eventually(func(g Gomega) {
			lock := getLock(ctx)
			g.Expect(lock.Status.ActiveProvider).To(Equal(v1.ProviderOpenAI))
			degraded := apimeta.FindStatusCondition(lock.Status.Conditions, v1.DegradedCondition)
			g.Expect(degraded).NotTo(BeNil())
			g.Expect(degraded.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(degraded.Reason).To(Equal(v1.PrimaryProviderReason))
		}).WithContext(ctx).Should(Succeed())
	})

	It("moves at once on an override, keeps the audit trail within historyLimit, and returns when it is cleared", func(ctx SpecContext) {
		lockOn(ctx, "openai", func(s *v1.ProviderLockSpec) { s.HistoryLimit = 2 })
		updateLock(ctx, func(l *v1.ProviderLock) { l.Spec.Override = v1.ProviderBaseline })
		Eventually(func(g Gomega) {
			lock := getLock(ctx)
			g.Expect(lock.Status.ActiveProvider).To(Equal(v1.ProviderBaseline))
			g.Expect(lock.Status.History[0].Reason).To(Equal(v1.LockOverride))
		}).WithContext(ctx).Should(Succeed())

		updateLock(ctx, func(l *v1.ProviderLock) { l.Spec.Override = "" })
		Eventually(func(g Gomega) {
			lock := getLock(ctx)
			g.Expect(lock.Status.ActiveProvider).To(Equal(v1.ProviderOpenAI))
			g.Expect(lock.Status.Epoch).To(Equal(int64(3)))
			g.Expect(lock.Status.History).To(HaveLen(2), "trimmed at historyLimit, newest first")
			g.Expect(lock.Status.History[0].Reason).To(Equal(v1.LockOverrideCleared))
			g.Expect(lock.Status.History[1].Reason).To(Equal(v1.LockOverride))
		}).WithContext(ctx).Should(Succeed())
	})
})
