package controllers_test

import (
	"context"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

func newForecast(name, region string, values ...string) *v1.Forecast {
	fc := &v1.Forecast{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec:       v1.ForecastSpec{Region: region, Subject: "port throughput", Unit: "kTEU"},
	}
	for i, v := range values {
		fc.Spec.History = append(fc.Spec.History, v1.DataPoint{Period: fmt.Sprintf("2025-%02d", i+1), Value: v1.Decimal(v)})
	}
	return fc
}

var series = []string{"100", "104", "109", "111", "118", "121", "127", "130", "136", "141", "143", "150"}

func getForecast(ctx context.Context, fc *v1.Forecast) *v1.Forecast {
	GinkgoHelper()
	out := &v1.Forecast{}
	Expect(k8s.Get(ctx, client.ObjectKeyFromObject(fc), out)).To(Succeed())
	return out
}

// condition returns the status, reason and message of a condition type.
func condition(fc *v1.Forecast, t string) (metav1.ConditionStatus, string, string) {
	c := apimeta.FindStatusCondition(fc.Status.Conditions, t)
	if c == nil {
		return "", "", ""
	}
	return c.Status, c.Reason, c.Message
}

func create(ctx context.Context, obj client.Object) {
	GinkgoHelper()
	Expect(k8s.Create(ctx, obj)).To(Succeed())
	DeferCleanup(func(ctx SpecContext) { Expect(client.IgnoreNotFound(k8s.Delete(ctx, obj))).To(Succeed()) })
}

func expectReady(ctx context.Context, fc *v1.Forecast) *v1.Forecast {
	GinkgoHelper()
	var got *v1.Forecast
	Eventually(func(g Gomega) {
		got = getForecast(ctx, fc)
		status, reason, msg := condition(got, v1.ReadyCondition)
		g.Expect(status).To(Equal(metav1.ConditionTrue), "Ready is %s/%s: %s", status, reason, msg)
		g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
	}).WithContext(ctx).Should(Succeed())
	return got
}

var _ = Describe("the Forecast controller", func() {
	It("brings a Forecast to Ready with a baseline result", func(ctx SpecContext) {
		fc := newForecast("ready", "NLD", series...)
		create(ctx, fc)
		got := expectReady(ctx, fc)

		st := got.Status
		Expect(st.Provider).To(Equal(v1.ProviderBaseline))
		Expect(st.Model).To(Equal("baseline/theta+ets-AAN"), "the model the baseline chose for a steady rise")
		Expect(st.LockEpoch).To(Equal(getLock(ctx).Status.Epoch))
		Expect(st.Predictions).To(HaveLen(6))
		Expect(st.Predictions[0].Period).To(Equal("2026-01"))
		Expect(st.Predictions[5].Period).To(Equal("2026-06"))
		// baseline is deterministic: a steady rise with no capacity is a low
		// risk, scored from the trend and the interval width alone.
		Expect(st.RiskLevel).To(Equal(v1.RiskLow))
		Expect(st.RiskScore).To(Equal(int32(24)))
		Expect(st.Confidence).To(Equal(int32(85)))
		Expect(st.Summary).NotTo(BeEmpty())
		Expect(st.InputHash).To(HaveLen(32))
		// The refresh is moved by the UID's jitter, within ±10% of the hour.
		Expect(st.NextRefreshAt.Sub(st.GeneratedAt.Time)).To(BeNumerically("~", time.Hour, 6*time.Minute))
		Expect(st.LastAttempt.Outcome).To(Equal(v1.OutcomeSucceeded))
		Expect(st.LastAttempt.Provider).To(Equal(v1.ProviderBaseline))
		Expect(st.LastAttempt.ConsecutiveFailures).To(BeZero())
		Expect(apimeta.FindStatusCondition(st.Conditions, v1.ReconcilingCondition)).To(BeNil())
		Expect(apimeta.FindStatusCondition(st.Conditions, v1.StalledCondition)).To(BeNil())
		Expect(calls.count("NLD")).To(Equal(1))
	})

	It("does not call the provider again for unchanged inputs, and re-runs on a spec change", func(ctx SpecContext) {
		fc := newForecast("rerun", "BEL", series...)
		create(ctx, fc)
		first := expectReady(ctx, fc)
		Expect(calls.count("BEL")).To(Equal(1))

		By("changing only the refresh interval: the generation moves, the inputs do not")
		first.Spec.RefreshInterval = &metav1.Duration{Duration: 2 * time.Hour}
		Expect(k8s.Update(ctx, first)).To(Succeed())
		second := expectReady(ctx, first)
		Expect(second.Status.ObservedGeneration).To(Equal(first.Generation))
		Expect(second.Status.NextRefreshAt.Sub(second.Status.GeneratedAt.Time)).To(BeNumerically("~", 2*time.Hour, 12*time.Minute))
		Expect(second.Status.GeneratedAt.Time).To(Equal(first.Status.GeneratedAt.Time))
		Consistently(func() int { return calls.count("BEL") }).WithTimeout(2 * time.Second).Should(Equal(1))

		By("changing the horizon: the forecast runs again")
		second.Spec.Horizon = 3
		Expect(k8s.Update(ctx, second)).To(Succeed())
		Eventually(func(g Gomega) {
			got := getForecast(ctx, fc)
			g.Expect(got.Status.ObservedGeneration).To(Equal(second.Generation))
			g.Expect(got.Status.Predictions).To(HaveLen(3))
			g.Expect(got.Status.InputHash).NotTo(Equal(first.Status.InputHash))
		}).WithContext(ctx).Should(Succeed())
		Expect(calls.count("BEL")).To(Equal(2))
	})

	It("reads the history from a ConfigMap, waits for it, and re-runs when it changes", func(ctx SpecContext) {
		fc := newForecast("from-configmap", "POL")
		fc.Spec.History = nil
		fc.Spec.HistoryFrom = &v1.HistorySource{ConfigMapKeyRef: v1.ConfigMapKeyReference{Name: "deu-history", Key: "history.csv"}}
		create(ctx, fc)
		Eventually(func(g Gomega) {
			status, reason, msg := condition(getForecast(ctx, fc), v1.ReadyCondition)
			g.Expect(status).To(Equal(metav1.ConditionFalse))
			g.Expect(reason).To(Equal(v1.HistoryUnavailableReason))
			g.Expect(msg).To(ContainSubstring("ConfigMap default/deu-history"))
		}).WithContext(ctx).Should(Succeed())

		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "deu-history", Namespace: "default"},
			Data: map[string]string{"history.csv": "period,value\n2025-01,70\n2025-02,71.5\n2025-03,72\n2025-04,74\n"}}
		create(ctx, cm)
		first := expectReady(ctx, fc)
		Expect(first.Status.Predictions[0].Period).To(Equal("2025-05"))

		cm.Data["history.csv"] += "2025-05,75\n"
		Expect(k8s.Update(ctx, cm)).To(Succeed())
		Eventually(func() string {
			return getForecast(ctx, fc).Status.Predictions[0].Period
		}).WithContext(ctx).Should(Equal("2025-06"))
		Expect(calls.count("POL")).To(Equal(2))

		By("breaking the data: the Forecast stalls with the line to fix")
		cm.Data["history.csv"] += "2025-06,n/a\n"
		Expect(k8s.Update(ctx, cm)).To(Succeed())
		Eventually(func(g Gomega) {
			got := getForecast(ctx, fc)
			status, reason, msg := condition(got, v1.StalledCondition)
			g.Expect(status).To(Equal(metav1.ConditionTrue))
			g.Expect(reason).To(Equal(v1.InvalidInputReason))
			g.Expect(msg).To(ContainSubstring(`line 7 (period "2025-06"): value "n/a" is not a number`))
			ready, _, _ := condition(got, v1.ReadyCondition)
			g.Expect(ready).To(Equal(metav1.ConditionFalse))
		}).WithContext(ctx).Should(Succeed())
	})

	It("stalls a Forecast whose history is too short to forecast, without blaming a provider", func(ctx SpecContext) {
		fc := newForecast("too-short", "LUX", "1", "2")
		create(ctx, fc)
		Eventually(func(g Gomega) {
			got := getForecast(ctx, fc)
			status, reason, _ := condition(got, v1.StalledCondition)
			g.Expect(status).To(Equal(metav1.ConditionTrue))
			g.Expect(reason).To(Equal(v1.InvalidInputReason))
			g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
		}).WithContext(ctx).Should(Succeed())
		Expect(calls.count("LUX")).To(BeZero())
	})

	It("records a failed attempt and retries with backoff", func(ctx SpecContext) {
		fc := newForecast("failing", "FAIL-503", series...)
		create(ctx, fc)
		Eventually(func(g Gomega) {
			got := getForecast(ctx, fc)
			g.Expect(got.Status.LastAttempt).NotTo(BeNil())
			a := got.Status.LastAttempt
			g.Expect(a.Outcome).To(Equal(v1.OutcomeProviderFailed))
			g.Expect(a.Reason).To(Equal("ServerError"))
			g.Expect(a.Provider).To(Equal(v1.ProviderBaseline))
			g.Expect(a.ConsecutiveFailures).To(Equal(int32(1)))
			status, reason, msg := condition(got, v1.ReadyCondition)
			g.Expect(status).To(Equal(metav1.ConditionFalse))
			g.Expect(reason).To(Equal(v1.ProviderFailedReason))
			g.Expect(msg).To(ContainSubstring("retrying in 10s"))
			reconciling, _, _ := condition(got, v1.ReconcilingCondition)
			g.Expect(reconciling).To(Equal(metav1.ConditionTrue))
		}).WithContext(ctx).Should(Succeed())
		Eventually(func() int32 { return getForecast(ctx, fc).Status.LastAttempt.ConsecutiveFailures }).
			WithContext(ctx).WithTimeout(20 * time.Second).Should(Equal(int32(2)))
	})

	It("records an answer without JSON as invalid output", func(ctx SpecContext) {
		fc := newForecast("prose", "FAIL-PROSE", series...)
		create(ctx, fc)
		Eventually(func(g Gomega) {
			got := getForecast(ctx, fc)
			g.Expect(got.Status.LastAttempt).NotTo(BeNil())
			g.Expect(got.Status.LastAttempt.Outcome).To(Equal(v1.OutcomeInvalidOutput))
			_, reason, _ := condition(got, v1.ReadyCondition)
			g.Expect(reason).To(Equal(v1.InvalidOutputReason))
		}).WithContext(ctx).Should(Succeed())
	})

	It("honours suspend", func(ctx SpecContext) {
		fc := newForecast("suspended", "AUT", series...)
		fc.Spec.Suspend = true
		create(ctx, fc)
		Consistently(func() []metav1.Condition { return getForecast(ctx, fc).Status.Conditions }).
			WithTimeout(2 * time.Second).Should(BeEmpty())
		Expect(calls.count("AUT")).To(BeZero())

		got := getForecast(ctx, fc)
		got.Spec.Suspend = false
		Expect(k8s.Update(ctx, got)).To(Succeed())
		expectReady(ctx, fc)
		Expect(calls.count("AUT")).To(Equal(1))
	})
})

var _ = Describe("deleting the ProviderLock", func() {
	It("makes Forecasts Ready=False with a reason that says so, and recreating it brings them back", func(ctx SpecContext) {
		fc := newForecast("lockless", "CHE", series...)
		create(ctx, fc)
		expectReady(ctx, fc)

		Expect(k8s.Delete(ctx, getLock(ctx))).To(Succeed())
		DeferCleanup(func(ctx SpecContext) {
			if k8s.Get(ctx, client.ObjectKey{Name: v1.ProviderLockName}, &v1.ProviderLock{}) != nil {
				createLock(ctx)
			}
		})
		Eventually(func(g Gomega) {
			got := getForecast(ctx, fc)
			status, reason, msg := condition(got, v1.ReadyCondition)
			g.Expect(status).To(Equal(metav1.ConditionFalse))
			g.Expect(reason).To(Equal(v1.ProviderLockNotFoundReason))
			g.Expect(msg).To(ContainSubstring("the ProviderLock 'default' does not exist"))
			g.Expect(got.Status.Predictions).NotTo(BeEmpty(), "the last result stays visible")
		}).WithContext(ctx).Should(Succeed())

		createLock(ctx)
		expectReady(ctx, fc)
		Expect(calls.count("CHE")).To(Equal(1), "a fresh result is re-used, not asked for again")
	})
})
