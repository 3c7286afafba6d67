package controllers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/fakeprovider"
	"github.com/bottleneck-io/bottleneck-operator/internal/providers"
)

// leakyKey is an API key distinctive enough to find anywhere it leaks.
const leakyKey = "sk-test-LEAKCHECK-0123456789abcdef"

// lockOn replaces the suite's lock with one whose first provider is the
// named one, served by the fake server, then baseline; the suite's own lock
// comes back afterwards.
func lockOn(ctx context.Context, provider v1.ProviderName, tune ...func(*v1.ProviderLockSpec)) {
	GinkgoHelper()
	replaceLock(ctx, provider, tune...)
	DeferCleanup(func(ctx SpecContext) {
		Expect(k8s.Delete(ctx, getLock(ctx))).To(Succeed())
		Eventually(func() error { return k8s.Create(ctx, suiteLock()) }).WithContext(ctx).Should(Succeed())
	})
}

// replaceLock is lockOn without bringing the suite's lock back.
func replaceLock(ctx context.Context, provider v1.ProviderName, tune ...func(*v1.ProviderLockSpec)) {
	GinkgoHelper()
	entry := fakeEntry(ctx, provider)
	Expect(k8s.Delete(ctx, getLock(ctx))).To(Succeed())
	spec := v1.ProviderLockSpec{Providers: []v1.ProviderSpec{entry, {Name: v1.ProviderBaseline}}}
	for _, t := range tune {
		t(&spec)
	}
	Eventually(func() error {
		return k8s.Create(ctx, &v1.ProviderLock{ObjectMeta: metav1.ObjectMeta{Name: v1.ProviderLockName}, Spec: spec})
	}).WithContext(ctx).Should(Succeed())
	Eventually(func() v1.ProviderName { return getLock(ctx).Status.ActiveProvider }).
		WithContext(ctx).Should(Equal(provider))
}

// fakeEntry is a lock entry for provider, served by the fake server, with
// a Secret holding its key.
func fakeEntry(ctx context.Context, provider v1.ProviderName) v1.ProviderSpec {
	GinkgoHelper()
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: string(provider) + "-fake"},
		Data: map[string][]byte{"apiKey": []byte(leakyKey)}}
	Expect(client.IgnoreAlreadyExists(k8s.Create(ctx, secret))).To(Succeed())
	entry := v1.ProviderSpec{Name: provider, BaseURL: fakeprovider.BaseURL(fake.URL, string(provider)),
		CredentialsRef: &v1.SecretKeyReference{Namespace: "ops", Name: secret.Name, Key: "apiKey"},
		Timeout:        &metav1.Duration{Duration: 5 * time.Second}}
	if provider == v1.ProviderCloudflare {
		entry.AccountID = "acc-0123"
	}
	return entry
}

var _ = Describe("each LLM provider, against the fake server", Ordered, func() {
	for _, provider := range []v1.ProviderName{"openai", "gemini", "groq", "cloudflare", "huggingface"} {
		It(fmt.Sprintf("brings a Forecast to Ready on %s", provider), func(ctx SpecContext) {
			lockOn(ctx, provider)
			before := fake.Requests(string(provider))
			fc := newForecast("on-"+string(provider), "P-"+strings.ToUpper(string(provider)), series...)
			create(ctx, fc)
			got := expectReady(ctx, fc)
			Expect(got.Status.Provider).To(Equal(provider))
			Expect(got.Status.LastAttempt.Provider).To(Equal(provider))
			Expect(got.Status.Model).NotTo(BeEmpty())
			Expect(got.Status.Predictions).To(HaveLen(6))
			Expect(fake.Requests(string(provider))).To(Equal(before + 1))
			Expect(string(fake.LastRequest(string(provider)))).NotTo(ContainSubstring(leakyKey), "the key goes in a header, never the body")
		})
	}
})

var _ = Describe("provider failures, as a Forecast's lastAttempt shows them", func() {
	// A fresh lock for each case, with openai alone: with a fallback, the
	// lock would move at once on a rejection and the Forecast would be
	// re-run there before the test could read the failed attempt.
	BeforeEach(func(ctx SpecContext) {
		lockOn(ctx, "openai", func(s *v1.ProviderLockSpec) {
			s.FailureThreshold, s.Providers = 100, s.Providers[:1]
		})
	})
	AfterEach(func() { fake.Reset() })

	DescribeTable("every error class",
		func(ctx SpecContext, mode fakeprovider.Mode, outcome v1.AttemptOutcome, class v1.FailureClass, reason string) {
			Expect(fake.SetMode("openai", mode, 0)).To(Succeed())
			fc := newForecast("fails-"+string(mode), "F-"+strings.ToUpper(string(mode)), series...)
			create(ctx, fc)
			Eventually(func(g Gomega) {
				a := getForecast(ctx, fc).Status.LastAttempt
				g.Expect(a).NotTo(BeNil())
				g.Expect(a.Provider).To(Equal(v1.ProviderOpenAI))
				g.Expect(a.Outcome).To(Equal(outcome))
				g.Expect(a.Class).To(Equal(class))
				g.Expect(a.Reason).To(Equal(reason))
				g.Expect(a.Message).NotTo(BeEmpty())
			}).WithContext(ctx).Should(Succeed())
		},
		Entry("transient: overloaded", fakeprovider.ModeOverloaded, v1.OutcomeProviderFailed, v1.ClassTransient, "ServerError"),
		Entry("rate limited", fakeprovider.ModeRateLimited, v1.OutcomeProviderFailed, v1.ClassRateLimited, "RateLimited"),
		Entry("transient: connection reset mid-answer", fakeprovider.ModeReset, v1.OutcomeProviderFailed, v1.ClassTransient, "ConnectionFailed"),
		Entry("provider rejected: bad key", fakeprovider.ModeUnauthorized, v1.OutcomeProviderFailed, v1.ClassRejected, "Unauthorized"),
		Entry("provider rejected: quota", fakeprovider.ModeQuota, v1.OutcomeProviderFailed, v1.ClassRejected, "QuotaExhausted"),
		Entry("invalid output: prose", fakeprovider.ModeProse, v1.OutcomeInvalidOutput, v1.ClassInvalidOutput, "NoJSON"),
		Entry("invalid output: truncated", fakeprovider.ModeTruncated, v1.OutcomeInvalidOutput, v1.ClassInvalidOutput, "Truncated"),
		Entry("invalid output: contradicts the data", fakeprovider.ModeImplausible, v1.OutcomeInvalidOutput, v1.ClassInvalidOutput, "ImplausibleOutput"),
		Entry("caused by the request: too large", fakeprovider.ModeTooLarge, v1.OutcomeProviderFailed, v1.ClassRequestCaused, "RequestTooLarge"),
		Entry("caused by the request: blocked", fakeprovider.ModeBlocked, v1.OutcomeProviderFailed, v1.ClassRequestCaused, "Blocked"),
	)

	It("uses a rotated key from the next call, without a restart", func(ctx SpecContext) {
		secret := &corev1.Secret{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: "ops", Name: "openai-fake"}, secret)).To(Succeed())
		secret.Data["apiKey"] = []byte("sk-test-rotated-key-000000")
		Expect(k8s.Update(ctx, secret)).To(Succeed())
		DeferCleanup(func(ctx SpecContext) {
			secret.Data["apiKey"] = []byte(leakyKey)
			Expect(k8s.Update(ctx, secret)).To(Succeed())
		})
		Eventually(func(ctx SpecContext) providers.APIKey {
			fc := newForecast(fmt.Sprintf("rotated-%d", time.Now().UnixNano()), "ROTATED", series...)
			create(ctx, fc)
			expectReady(ctx, fc)
			return calls.key("openai")
		}).WithContext(ctx).Should(Equal(providers.APIKey("sk-test-rotated-key-000000")))
	})

	It("never shows the key in status, events or logs, even when the provider echoes it", func(ctx SpecContext) {
		Expect(fake.SetMode("openai", fakeprovider.ModeUnauthorized, 0)).To(Succeed())
		fc := newForecast("leak-check", "LEAK", series...)
		create(ctx, fc)
		Eventually(func() string {
			a := getForecast(ctx, fc).Status.LastAttempt
			if a == nil {
				return ""
			}
			return a.Reason
		}).WithContext(ctx).Should(Equal("Unauthorized"))

		status, err := json.Marshal(getForecast(ctx, fc).Status)
		Expect(err).NotTo(HaveOccurred())
		lockStatus, err := json.Marshal(getLock(ctx).Status)
		Expect(err).NotTo(HaveOccurred())
		var events eventsv1.EventList
		Expect(k8s.List(ctx, &events)).To(Succeed())
		eventText, err := json.Marshal(events.Items)
		Expect(err).NotTo(HaveOccurred())
		for what, text := range map[string]string{"Forecast status": string(status), "lock status": string(lockStatus),
			"events": string(eventText), "logs": logs.String()} {
			Expect(text).NotTo(ContainSubstring("LEAKCHECK"), "the key leaked into the %s", what)
		}
		Expect(string(status)).To(ContainSubstring("[redacted]"), "the echoed key is redacted, not dropped silently")
	})
})
