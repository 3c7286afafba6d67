package controllers_test

import (
	"fmt"
	"math"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/bottleneck-io/bottleneck-operator/controllers"
	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

var _ = Describe("the largest result the engine can produce", func() {
	It("is stored by the real API server", func(ctx SpecContext) {
		fc := newForecast("largest", "LARGEST", series...)
		fc.Spec.Suspend = true // the controller leaves it alone once it has seen the suspension
		create(ctx, fc)
		Eventually(func() int64 { return getForecast(ctx, fc).Status.ObservedGeneration }).WithContext(ctx).Should(Equal(int64(1)))
		wide := func(n int) string { return strings.Repeat("é", n) } // two bytes, one character
		res := engine.Result{Summary: wide(engine.MaxSummary), RiskLevel: engine.RiskCritical, RiskScore: 100, Confidence: 100}
		for i := range engine.MaxHorizon {
			res.Predictions = append(res.Predictions, engine.Prediction{Period: fmt.Sprintf("%032d", i),
				Value: -math.MaxFloat64, Lower: -math.MaxFloat64, Upper: -math.MaxFloat64})
		}
		for range engine.MaxBottlenecks {
			res.Bottlenecks = append(res.Bottlenecks, engine.Bottleneck{Name: wide(engine.MaxName), Severity: engine.RiskCritical,
				Period: wide(engine.MaxPeriod), Description: wide(engine.MaxDescription)})
		}
		got := getForecast(ctx, fc)
		controllers.WriteResult(got, res)
		Expect(k8s.Status().Update(ctx, got)).To(Succeed())
		Expect(getForecast(ctx, fc).Status.Bottlenecks).To(HaveLen(engine.MaxBottlenecks))
	})
})
