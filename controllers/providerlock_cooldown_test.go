package controllers_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/fakeprovider"
)

// generatedForecast is a Forecast whose name the API server picks.
func generatedForecast(prefix, region string) *v1.Forecast {
	fc := newForecast("", region, series...)
	fc.GenerateName = prefix
	return fc
}

// pokeLock makes the lock controller reconcile now, as any Forecast event
// does, without a provider call: the Forecast is suspended.
func pokeLock(ctx context.Context) {
	GinkgoHelper()
	fc := generatedForecast("poke-", "POKE")
	fc.Spec.Suspend = true
	create(ctx, fc)
}

// stepClock moves the controllers' clock forward and lets the lock see it.
func stepClock(ctx context.Context, d time.Duration) {
	GinkgoHelper()
	clock.Step(d)
	pokeLock(ctx)
}

func lockCondition(lock *v1.ProviderLock, t string) metav1.Condition {
	if c := apimeta.FindStatusCondition(lock.Status.Conditions, t); c != nil {
		return *c
	}
	return metav1.Condition{}
}

// rejectOpenAI makes openai refuse its key until the test changes the mode,
// and waits for the lock to leave it.
func rejectOpenAI(ctx context.Context) {
	GinkgoHelper()
	Expect(fake.SetMode("openai", fakeprovider.ModeUnauthorized, 0)).To(Succeed())
	create(ctx, generatedForecast("reject-", "REJECT"))
	expectLockMoved(ctx, v1.ProviderBaseline, v1.LockProviderRejected)
}

var _ = Describe("cooldown and failback, on a clock the test moves", Ordered, func() {
	AfterEach(func() { fake.Reset() })

	It("keeps a provider out for its cooldown, then with failback Manual leaves the lock where it is", func(ctx SpecContext) {
		lockOn(ctx, "openai", func(s *v1.ProviderLockSpec) {
			s.Cooldown = &metav1.Duration{Duration: 10 * time.Minute}
			s.HealthCheck = &v1.HealthCheckSpec{Interval: &metav1.Duration{}}
		})
		rejectOpenAI(ctx)
		fake.Reset()

		By("five minutes in, openai is still cooling down")
		stepClock(ctx, 5*time.Minute)
		Consistently(func() v1.ProviderState { return providerState(getLock(ctx), "openai").State }).
			WithContext(ctx).WithTimeout(2 * time.Second).Should(Equal(v1.ProviderCoolingDown))

		By("after the cooldown openai is a Standby again, and the lock stays on baseline")
		stepClock(ctx, 6*time.Minute)
		Eventually(func() v1.ProviderState { return providerState(getLock(ctx), "openai").State }).
			WithContext(ctx).Should(Equal(v1.ProviderStandby))
		lock := getLock(ctx)
		Expect(lock.Status.ActiveProvider).To(Equal(v1.ProviderBaseline))
		Expect(lock.Status.Epoch).To(Equal(int64(2)))
		degraded := lockCondition(lock, v1.DegradedCondition)
		Expect(degraded.Status).To(Equal(metav1.ConditionTrue))
		Expect(degraded.Reason).To(Equal(v1.RunningOnFallbackReason))
		Expect(degraded.Message).To(ContainSubstring("openai: Standby"))
	})

	It("with failback Automatic, returns after the cooldown and a good probe, never before", func(ctx SpecContext) {
		lockOn(ctx, "openai", func(s *v1.ProviderLockSpec) {
			s.Failback = v1.FailbackAutomatic
			s.Cooldown = &metav1.Duration{Duration: 10 * time.Minute}
			s.HealthCheck = &v1.HealthCheckSpec{Interval: &metav1.Duration{Duration: 30 * time.Minute}}
		})
		Eventually(func() *metav1.Time { return providerState(getLock(ctx), "openai").LastProbeTime }).
			WithContext(ctx).ShouldNot(BeNil())
		rejectOpenAI(ctx)

		By("the cooldown ends, but openai's next probe fails: no failback")
		stepClock(ctx, 35*time.Minute)
		Eventually(func(g Gomega) {
			openai := providerState(getLock(ctx), "openai")
			g.Expect(openai.State).To(Equal(v1.ProviderUnhealthy))
			g.Expect(openai.LastProbeTime.After(openai.CooldownUntil.Time)).To(BeTrue(), "probed after the cooldown")
		}).WithContext(ctx).Should(Succeed())
		Consistently(func() v1.ProviderName { return getLock(ctx).Status.ActiveProvider }).
			WithContext(ctx).WithTimeout(2 * time.Second).Should(Equal(v1.ProviderBaseline))

		By("openai recovers; its next good probe brings the lock back")
		fake.Reset()
		stepClock(ctx, 31*time.Minute)
		expectLockMoved(ctx, v1.ProviderOpenAI, v1.LockFailback)
		lock := getLock(ctx)
		Expect(lock.Status.Epoch).To(Equal(int64(3)))
		Expect(lock.Status.History[0].Message).To(Equal("openai passed a health probe after its cooldown and ranks above baseline"))
		Expect(lockCondition(lock, v1.DegradedCondition).Status).To(Equal(metav1.ConditionFalse))
	})

	It("counts the active provider's failed probes toward the threshold", func(ctx SpecContext) {
		lockOn(ctx, "openai", func(s *v1.ProviderLockSpec) {
			s.FailureThreshold = 2
			s.HealthCheck = &v1.HealthCheckSpec{Interval: &metav1.Duration{Duration: time.Minute}}
		})
		Expect(fake.SetMode("openai", fakeprovider.ModeOverloaded, 0)).To(Succeed())
		stepClock(ctx, time.Minute)
		Eventually(func(g Gomega) {
			lock := getLock(ctx)
			g.Expect(providerState(lock, "openai").ProbeFailures).To(Equal(int32(1)))
			g.Expect(lock.Status.ConsecutiveFailures).To(Equal(int32(1)))
			g.Expect(lock.Status.ActiveProvider).To(Equal(v1.ProviderOpenAI))
		}).WithContext(ctx).Should(Succeed())

		stepClock(ctx, time.Minute)
		expectLockMoved(ctx, v1.ProviderBaseline, v1.LockFailureThreshold)
		Expect(getLock(ctx).Status.History[0].Message).To(ContainSubstring("openai failed 2 times since its last success (threshold 2; 2 failed probes); last: health probe failed: "))
	})
})

var _ = Describe("a lock with nowhere to go", func() {
	AfterEach(func() { fake.Reset() })

	It("stays where it is, Degraded, and names every provider's state", func(ctx SpecContext) {
		lockOn(ctx, "openai", func(s *v1.ProviderLockSpec) {
			s.FailureThreshold = 1
			s.Providers = []v1.ProviderSpec{s.Providers[0],
				{Name: "groq", CredentialsRef: &v1.SecretKeyReference{Namespace: "ops", Name: "groq-credentials"}}}
		})
		Expect(fake.SetMode("openai", fakeprovider.ModeOverloaded, 0)).To(Succeed())
		create(ctx, newForecast("stranded", "STRANDED", series...))
		Eventually(func(g Gomega) {
			lock := getLock(ctx)
			degraded := lockCondition(lock, v1.DegradedCondition)
			g.Expect(degraded.Status).To(Equal(metav1.ConditionTrue))
			g.Expect(degraded.Reason).To(Equal(v1.NoEligibleProviderReason))
			g.Expect(degraded.Message).To(HavePrefix("openai keeps the lock: no other provider is eligible (openai: Active; groq: Unconfigured (Secret ops/groq-credentials"))
			g.Expect(degraded.Message).To(ContainSubstring("openai failed once since its last success (threshold 1; 1 Forecast)"))
		}).WithContext(ctx).Should(Succeed())
		lock := getLock(ctx)
		Expect(lock.Status.ActiveProvider).To(Equal(v1.ProviderOpenAI))
		Expect(lock.Status.Epoch).To(Equal(int64(1)), "no move")
		Expect(lockCondition(lock, v1.ReadyCondition).Status).To(Equal(metav1.ConditionTrue))
	})
})
