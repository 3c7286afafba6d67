package controllers_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/fakeprovider"
)

var _ = Describe("the health monitor", func() {
	AfterEach(func() { fake.Reset() })

	It("probes each configured provider once an interval, and failover skips an unhealthy one", func(ctx SpecContext) {
		Expect(fake.SetMode("groq", fakeprovider.ModeOverloaded, 0)).To(Succeed())
		lockOn(ctx, "openai", func(s *v1.ProviderLockSpec) {
			groq := s.Providers[0]
			groq.Name, groq.BaseURL = "groq", fakeprovider.BaseURL(fake.URL, "groq")
			s.Providers = []v1.ProviderSpec{s.Providers[0], groq, s.Providers[1]}
			s.HealthCheck = &v1.HealthCheckSpec{Interval: &metav1.Duration{Duration: time.Hour}}
		})
		Eventually(func(g Gomega) {
			lock := getLock(ctx)
			openai, groq := providerState(lock, "openai"), providerState(lock, "groq")
			g.Expect(openai.LastProbeTime).NotTo(BeNil())
			g.Expect(openai.LastProbeLatency).NotTo(BeNil())
			g.Expect(openai.LastError).To(BeEmpty())
			g.Expect(groq.State).To(Equal(v1.ProviderUnhealthy))
			g.Expect(groq.LastError).To(ContainSubstring("ServerError"))
			g.Expect(groq.Message).To(HavePrefix("health probe failed"))
		}).WithContext(ctx).Should(Succeed())

		By("many reconciles within the interval cost no extra probe")
		probes := fake.Probes("openai")
		Expect(probes).To(BeNumerically(">=", 1))
		for i := range 3 {
			fc := newForecast("probe-"+string(rune('a'+i)), "PROBE", series...)
			create(ctx, fc)
			expectReady(ctx, fc)
		}
		Expect(fake.Probes("openai")).To(Equal(probes))

		By("a rejection skips the unhealthy groq")
		Expect(fake.SetMode("openai", fakeprovider.ModeUnauthorized, 0)).To(Succeed())
		fc := newForecast("probe-reject", "PROBE-REJECT", series...)
		create(ctx, fc)
		expectLockMoved(ctx, v1.ProviderBaseline, v1.LockProviderRejected)
	})
})
