package controllers_test

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

func getLock(ctx context.Context) *v1.ProviderLock {
	GinkgoHelper()
	lock := &v1.ProviderLock{}
	Expect(k8s.Get(ctx, client.ObjectKey{Name: v1.ProviderLockName}, lock)).To(Succeed())
	return lock
}

// expectLockMoved waits until the lock holds the provider, moved there for
// the reason.
func expectLockMoved(ctx context.Context, to v1.ProviderName, reason v1.LockChangeReason) {
	GinkgoHelper()
	Eventually(func(g Gomega) {
		lock := getLock(ctx)
		g.Expect(lock.Status.ActiveProvider).To(Equal(to))
		g.Expect(lock.Status.History).NotTo(BeEmpty())
		g.Expect(lock.Status.History[0].Reason).To(Equal(reason))
	}).WithContext(ctx).Should(Succeed())
}

// updateLock changes the lock's spec, retrying when the controller wrote its
// status in between.
func updateLock(ctx context.Context, change func(*v1.ProviderLock)) {
	GinkgoHelper()
	Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		lock := getLock(ctx)
		change(lock)
		return k8s.Update(ctx, lock)
	})).To(Succeed())
}

func providerState(lock *v1.ProviderLock, name v1.ProviderName) v1.ProviderStatus {
	for _, p := range lock.Status.Providers {
		if p.Name == name {
			return p
		}
	}
	return v1.ProviderStatus{}
}

var _ = Describe("the ProviderLock controller", func() {
	It("locks the first eligible provider, with an Initial history entry and an event", func(ctx SpecContext) {
		Eventually(func(g Gomega) {
			lock := getLock(ctx)
			g.Expect(lock.Status.ActiveProvider).To(Equal(v1.ProviderBaseline))
			g.Expect(lock.Status.ActiveModel).To(Equal("auto"))
			g.Expect(lock.Status.Epoch).To(Equal(int64(1)))
			g.Expect(lock.Status.LockedAt).NotTo(BeNil())
			g.Expect(lock.Status.ObservedGeneration).To(Equal(lock.Generation))
			g.Expect(lock.Status.History).To(HaveLen(1))
			g.Expect(lock.Status.History[0].Reason).To(Equal(v1.LockInitial))
			g.Expect(lock.Status.History[0].To).To(Equal(v1.ProviderBaseline))
			g.Expect(lock.Status.History[0].Epoch).To(Equal(int64(1)))

			openai := providerState(lock, "openai")
			g.Expect(openai.State).To(Equal(v1.ProviderUnconfigured))
			g.Expect(openai.Message).To(Equal("Secret ops/openai-credentials not found"))
			g.Expect(providerState(lock, "baseline").State).To(Equal(v1.ProviderActive))

			ready := apimeta.FindStatusCondition(lock.Status.Conditions, v1.ReadyCondition)
			g.Expect(ready).NotTo(BeNil())
			g.Expect(ready.Status).To(Equal(metav1.ConditionTrue))
			g.Expect(ready.Reason).To(Equal(v1.ProviderLockedReason))
			degraded := apimeta.FindStatusCondition(lock.Status.Conditions, v1.DegradedCondition)
			g.Expect(degraded).NotTo(BeNil())
			g.Expect(degraded.Status).To(Equal(metav1.ConditionTrue))
			g.Expect(degraded.Reason).To(Equal(v1.RunningOnFallbackReason))
			g.Expect(degraded.Message).To(ContainSubstring("openai: Unconfigured"))
		}).WithContext(ctx).Should(Succeed())

		Eventually(func(g Gomega) {
			var events eventsv1.EventList
			g.Expect(k8s.List(ctx, &events, client.InNamespace(metav1.NamespaceDefault))).To(Succeed())
			var reasons []string
			for _, e := range events.Items {
				if e.Regarding.Kind == "ProviderLock" {
					reasons = append(reasons, e.Reason+": "+e.Note)
				}
			}
			g.Expect(reasons).To(ContainElement(ContainSubstring("Initial: lock moved from none to baseline (epoch 1)")))
		}).WithContext(ctx).Should(Succeed())
	})

	It("names a missing key, and makes a provider Standby once its key exists", func(ctx SpecContext) {
		secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: "groq-credentials"},
			StringData: map[string]string{"token": "gsk-not-a-real-key"}}
		Expect(k8s.Create(ctx, secret)).To(Succeed())
		DeferCleanup(k8s.Delete, secret)
		By("the controller watches the Secret: no change to the lock is needed")
		Eventually(func(g Gomega) {
			g.Expect(providerState(getLock(ctx), "groq").Message).To(Equal(`Secret ops/groq-credentials has no key "apiKey"`))
		}).WithContext(ctx).Should(Succeed())

		secret.Data = map[string][]byte{"apiKey": []byte("gsk-not-a-real-key")}
		Expect(k8s.Update(ctx, secret)).To(Succeed())
		Eventually(func(g Gomega) {
			groq := providerState(getLock(ctx), "groq")
			g.Expect(groq.State).To(Equal(v1.ProviderStandby))
			g.Expect(groq.Message).To(BeEmpty())
		}).WithContext(ctx).Should(Succeed())
		Expect(getLock(ctx).Status.Epoch).To(Equal(int64(1)), "a status refresh must not move the lock")
	})

	It("refuses credentials outside the credentials namespace", func(ctx SpecContext) {
		updateLock(ctx, func(l *v1.ProviderLock) { l.Spec.Providers[0].CredentialsRef.Namespace = "default" })
		DeferCleanup(func(ctx SpecContext) {
			updateLock(ctx, func(l *v1.ProviderLock) { l.Spec.Providers[0].CredentialsRef.Namespace = "ops" })
		})
		Eventually(func(g Gomega) {
			openai := providerState(getLock(ctx), "openai")
			g.Expect(openai.State).To(Equal(v1.ProviderUnconfigured))
			g.Expect(openai.Message).To(ContainSubstring("Secret default/openai-credentials is outside the credentials namespace ops"))
		}).WithContext(ctx).Should(Succeed())
	})
})
