package controllers_test

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// GitOps tools read status by kstatus's generic rules (Flux's wait and
// health checks, Helm's --wait, kpt, cli-utils): this is that library,
// reading what the API server serves.
var _ = Describe("the status as kstatus reads it", func() {
	It("is in progress for a new Forecast until its first result, then current", func(ctx SpecContext) {
		// An earlier spec may have just put the suite's lock back: once a
		// Forecast is Ready, the controller's cache holds the lock, so the
		// next Forecast's first reconcile submits its call rather than
		// writing that it waits for the lock.
		warmup := newForecast("kstatus-warmup", "KSTATUS-WARMUP", series...)
		create(ctx, warmup)
		expectReady(ctx, warmup)
		held := calls.hold("KSTATUS")
		fc := newForecast("kstatus", "KSTATUS", series...)
		create(ctx, fc)
		Eventually(held.started).WithContext(ctx).Should(Receive(Equal("baseline")))
		// The call runs; the operator has written nothing yet.
		got := kstatus(ctx, fc)
		Expect(got.Status).To(Equal(status.InProgressStatus), got.Message)
		Expect(getForecast(ctx, fc).Status.Conditions).To(BeEmpty())

		held.answer("baseline") <- nil
		Eventually(func() status.Status { return kstatus(ctx, fc).Status }).
			WithContext(ctx).Should(Equal(status.CurrentStatus))
	})

	It("is in progress for a Forecast whose spec changed until the new result", func(ctx SpecContext) {
		fc := newForecast("kstatus-edit", "KSTATUS-EDIT", series...)
		create(ctx, fc)
		expectReady(ctx, fc)
		held := calls.hold("KSTATUS-EDIT")
		Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
			got := getForecast(ctx, fc)
			got.Spec.Subject = "berth occupancy"
			return k8s.Update(ctx, got)
		})).To(Succeed())
		Eventually(held.started).WithContext(ctx).Should(Receive())
		Expect(kstatus(ctx, fc).Status).To(Equal(status.InProgressStatus))
		held.answer("baseline") <- nil
		Eventually(func() status.Status { return kstatus(ctx, fc).Status }).
			WithContext(ctx).Should(Equal(status.CurrentStatus))
	})

	It("is failed for a Forecast whose input is refused", func(ctx SpecContext) {
		fc := newForecast("kstatus-short", "KSTATUS-SHORT", "1", "2")
		create(ctx, fc)
		Eventually(func() status.Status { return kstatus(ctx, fc).Status }).
			WithContext(ctx).Should(Equal(status.FailedStatus))
	})

	It("is current for a Forecast created suspended, as its owner asked", func(ctx SpecContext) {
		fc := newForecast("kstatus-suspended", "KSTATUS-SUSPENDED", series...)
		fc.Spec.Suspend = true
		create(ctx, fc)
		Eventually(func() status.Status { return kstatus(ctx, fc).Status }).
			WithContext(ctx).Should(Equal(status.CurrentStatus))
		Expect(calls.count("KSTATUS-SUSPENDED")).To(BeZero())
	})

	It("is in progress for a lock without an eligible provider, current once one is", func(ctx SpecContext) {
		Expect(k8s.Delete(ctx, getLock(ctx))).To(Succeed())
		DeferCleanup(func(ctx SpecContext) {
			Expect(client.IgnoreNotFound(k8s.Delete(ctx, getLock(ctx)))).To(Succeed())
			Eventually(func() error { return k8s.Create(ctx, suiteLock()) }).WithContext(ctx).Should(Succeed())
		})
		unkeyed := suiteLock()
		unkeyed.Spec.Providers = unkeyed.Spec.Providers[:1] // openai, whose Secret does not exist
		Eventually(func() error { return k8s.Create(ctx, unkeyed) }).WithContext(ctx).Should(Succeed())
		lock := &v1.ProviderLock{ObjectMeta: metav1.ObjectMeta{Name: v1.ProviderLockName}}
		// In progress before the operator has looked at it (observedGeneration
		// 0), and after, for want of an eligible provider.
		Eventually(func() string { return kstatus(ctx, lock).Message }).
			WithContext(ctx).Should(ContainSubstring("no provider is eligible"))
		Expect(kstatus(ctx, lock).Status).To(Equal(status.InProgressStatus))

		updateLock(ctx, func(lock *v1.ProviderLock) {
			lock.Spec.Providers = append(lock.Spec.Providers, v1.ProviderSpec{Name: v1.ProviderBaseline})
		})
		Eventually(func() status.Status { return kstatus(ctx, lock).Status }).
			WithContext(ctx).Should(Equal(status.CurrentStatus))
	})
})

// kstatus computes obj's status as kstatus does, from the object as the
// API server serves it: read as unstructured, so that no Go type drops a
// field (an observedGeneration of 0 is not an absent one).
func kstatus(ctx context.Context, obj client.Object) *status.Result {
	GinkgoHelper()
	kind := "Forecast"
	if _, ok := obj.(*v1.ProviderLock); ok {
		kind = "ProviderLock"
	}
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(v1.GroupVersion.WithKind(kind))
	Expect(k8s.Get(ctx, client.ObjectKeyFromObject(obj), u)).To(Succeed())
	res, err := status.Compute(u)
	Expect(err).NotTo(HaveOccurred())
	return res
}
