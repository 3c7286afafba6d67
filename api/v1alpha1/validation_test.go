package v1alpha1_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/controlplane"
)

func validForecast(name string) *v1.Forecast {
	return &v1.Forecast{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: v1.ForecastSpec{
			Region: "USA",
			History: []v1.DataPoint{
				{Period: "2025-01", Value: "10"}, {Period: "2025-02", Value: "11"}, {Period: "2025-03", Value: "12.5"},
			},
		},
	}
}

func validLock() *v1.ProviderLock {
	return &v1.ProviderLock{
		ObjectMeta: metav1.ObjectMeta{Name: "default"},
		Spec: v1.ProviderLockSpec{Providers: []v1.ProviderSpec{
			{Name: "openai", CredentialsRef: &v1.SecretKeyReference{Namespace: "ops", Name: "openai"}},
			{Name: "baseline"},
		}},
	}
}

// expectRefused creates obj and expects an Invalid error whose message
// contains every fragment, so the user is told which field to fix.
func expectRefused(obj client.Object, fragments ...string) {
	GinkgoHelper()
	err := k8s.Create(ctx, obj, client.DryRunAll)
	Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got %v", err)
	for _, f := range fragments {
		Expect(err.Error()).To(ContainSubstring(f))
	}
}

var _ = Describe("the samples", func() {
	It("are accepted, with the documented defaults filled in", func() {
		samples, err := filepath.Glob(samplePath("*_v1alpha1_*.yaml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(samples).To(HaveLen(4))
		Expect(controlplane.Apply(ctx, k8s, samples...)).To(Succeed())
		DeferCleanup(func() {
			Expect(k8s.Delete(ctx, &v1.ProviderLock{ObjectMeta: metav1.ObjectMeta{Name: "default"}})).To(Succeed())
			Expect(k8s.DeleteAllOf(ctx, &v1.Forecast{}, client.InNamespace("default"))).To(Succeed())
		})

		var lock v1.ProviderLock
		Expect(k8s.Get(ctx, client.ObjectKey{Name: "default"}, &lock)).To(Succeed())
		Expect(lock.Spec.Providers).To(HaveLen(6))
		Expect(lock.Spec.Providers[0].Timeout.Duration).To(Equal(30 * time.Second))
		Expect(lock.Spec.Providers[0].CredentialsRef.Key).To(Equal("apiKey"))

		var list v1.ForecastList
		Expect(k8s.List(ctx, &list, client.InNamespace("default"))).To(Succeed())
		Expect(list.Items).To(HaveLen(3))
		regions := []string{}
		for _, fc := range list.Items {
			regions = append(regions, fc.Spec.Region)
		}
		Expect(regions).To(ConsistOf("USA", "DEU", "SGP"))
	})

	It("fill in the Forecast defaults", func() {
		fc := validForecast("defaults")
		Expect(k8s.Create(ctx, fc, client.DryRunAll)).To(Succeed())
		Expect(fc.Spec.Period).To(Equal(v1.PeriodMonth))
		Expect(fc.Spec.Horizon).To(Equal(int32(6)))
		Expect(fc.Spec.RefreshInterval.Duration).To(Equal(time.Hour))
	})

	It("fill in the ProviderLock defaults", func() {
		lock := validLock()
		Expect(k8s.Create(ctx, lock, client.DryRunAll)).To(Succeed())
		Expect(lock.Spec.FailureThreshold).To(Equal(int32(3)))
		Expect(lock.Spec.Cooldown.Duration).To(Equal(5 * time.Minute))
		Expect(lock.Spec.Failback).To(Equal(v1.FailbackManual))
		Expect(lock.Spec.HealthCheck.Interval.Duration).To(Equal(time.Minute))
		Expect(lock.Spec.HistoryLimit).To(Equal(int32(100)))
	})
})

var _ = Describe("an invalid Forecast", func() {
	DescribeTable("is refused with a message naming the field",
		func(mutate func(*v1.Forecast), fragments ...string) {
			fc := validForecast("invalid")
			mutate(fc)
			expectRefused(fc, fragments...)
		},
		Entry("horizon 40", func(fc *v1.Forecast) { fc.Spec.Horizon = 40 }, "spec.horizon", "less than or equal to 36"),
		Entry("a history value that is not a number", func(fc *v1.Forecast) { fc.Spec.History[1].Value = "lots" },
			"spec.history[1].value", "should match"),
		Entry("an empty region", func(fc *v1.Forecast) { fc.Spec.Region = "" }, "spec.region"),
		Entry("a refreshInterval under 1m", func(fc *v1.Forecast) { fc.Spec.RefreshInterval = &metav1.Duration{Duration: 30 * time.Second} },
			"spec.refreshInterval", "at least 1m"),
		Entry("an unknown period", func(fc *v1.Forecast) { fc.Spec.Period = "fortnight" }, "spec.period", "Unsupported value"),
		Entry("a capacity that is not a number", func(fc *v1.Forecast) { fc.Spec.Capacity = ptr.To(v1.Decimal("1,000")) },
			"spec.capacity", "should match"),
		Entry("the same period twice", func(fc *v1.Forecast) { fc.Spec.History[2].Period = "2025-01" },
			"spec.history[2]", "Duplicate value"),
		Entry("more than 500 points", func(fc *v1.Forecast) {
			fc.Spec.History = nil
			for i := range 501 {
				fc.Spec.History = append(fc.Spec.History, v1.DataPoint{Period: fmt.Sprintf("p%d", i), Value: "1"})
			}
		}, "spec.history", "must have at most 500 items"),
		Entry("both history and historyFrom", func(fc *v1.Forecast) {
			fc.Spec.HistoryFrom = &v1.HistorySource{ConfigMapKeyRef: v1.ConfigMapKeyReference{Name: "h", Key: "csv"}}
		}, "set exactly one of history and historyFrom"),
		Entry("neither history nor historyFrom", func(fc *v1.Forecast) { fc.Spec.History = nil },
			"set exactly one of history and historyFrom"),
		Entry("a historyFrom without a key", func(fc *v1.Forecast) {
			fc.Spec.History = nil
			fc.Spec.HistoryFrom = &v1.HistorySource{ConfigMapKeyRef: v1.ConfigMapKeyReference{Name: "h"}}
		}, "spec.historyFrom.configMapKeyRef.key"),
		Entry("an actual value too long", func(fc *v1.Forecast) {
			fc.Spec.Actual = map[string]string{"note": string(make([]byte, 300))}
		}, "spec.actual", "at most 256 characters"),
	)

	It("refuses a status prediction whose lower bound is above its value", func() {
		fc := validForecast("bounds")
		Expect(k8s.Create(ctx, fc)).To(Succeed())
		DeferCleanup(k8s.Delete, ctx, fc)
		fc.Status.Predictions = []v1.Prediction{{Period: "2025-04", Value: "10", Lower: "12", Upper: "14"}}
		err := k8s.Status().Update(ctx, fc)
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "got %v", err)
		Expect(err.Error()).To(ContainSubstring("status.predictions[0]"))
		Expect(err.Error()).To(ContainSubstring("lower <= value <= upper"))
	})
})

// withField returns obj as unstructured with one field set, for values a
// typed object would omit (a zero the user wrote explicitly).
func withField(obj client.Object, value any, path ...string) *unstructured.Unstructured {
	GinkgoHelper()
	u := asUnstructured(obj)
	Expect(unstructured.SetNestedField(u.Object, value, path...)).To(Succeed())
	return u
}

// asUnstructured is obj as the fields a client sends, with its kind.
func asUnstructured(obj client.Object) *unstructured.Unstructured {
	GinkgoHelper()
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	Expect(err).NotTo(HaveOccurred())
	u := &unstructured.Unstructured{Object: m}
	u.SetGroupVersionKind(v1.GroupVersion.WithKind(fmt.Sprintf("%T", obj)[len("*v1alpha1."):]))
	return u
}

var _ = Describe("a zero the user wrote explicitly", func() {
	It("is refused for spec.horizon", func() {
		expectRefused(withField(validForecast("zero"), int64(0), "spec", "horizon"), "spec.horizon", "greater than or equal to 1")
	})
	It("is refused for spec.failureThreshold", func() {
		expectRefused(withField(validLock(), int64(0), "spec", "failureThreshold"), "spec.failureThreshold", "greater than or equal to 1")
	})
})

var _ = Describe("an invalid ProviderLock", func() {
	DescribeTable("is refused with a message naming the field",
		func(mutate func(*v1.ProviderLock), fragments ...string) {
			lock := validLock()
			mutate(lock)
			expectRefused(lock, fragments...)
		},
		Entry("a name other than default", func(l *v1.ProviderLock) { l.Name = "primary" }, "its name must be 'default'"),
		Entry("duplicate provider names", func(l *v1.ProviderLock) {
			l.Spec.Providers[1].Name = "openai"
			l.Spec.Providers[1].CredentialsRef = l.Spec.Providers[0].CredentialsRef
		},
			"spec.providers[1]", "Duplicate value"),
		Entry("an unknown provider", func(l *v1.ProviderLock) { l.Spec.Providers[1].Name = "anthropic" },
			"spec.providers[1].name", "Unsupported value"),
		Entry("openai without credentialsRef", func(l *v1.ProviderLock) { l.Spec.Providers[0].CredentialsRef = nil },
			"spec.providers[0]", "credentialsRef is required"),
		Entry("groq without credentialsRef, even with a baseURL", func(l *v1.ProviderLock) {
			l.Spec.Providers[0] = v1.ProviderSpec{Name: "groq", BaseURL: "http://vllm.models:8000/v1"}
		}, "spec.providers[0]", "credentialsRef is required"),
		Entry("maxConcurrent 0", func(l *v1.ProviderLock) {
			l.Spec.Providers[0].Limits = &v1.ProviderLimits{MaxConcurrent: ptr.To[int32](0)}
		}, "spec.providers[0].limits.maxConcurrent", "greater than or equal to 1"),
		Entry("maxConcurrent 1001", func(l *v1.ProviderLock) {
			l.Spec.Providers[0].Limits = &v1.ProviderLimits{MaxConcurrent: ptr.To[int32](1001)}
		}, "spec.providers[0].limits.maxConcurrent", "less than or equal to 1000"),
		Entry("a negative requestsPerMinute", func(l *v1.ProviderLock) {
			l.Spec.Providers[0].Limits = &v1.ProviderLimits{RequestsPerMinute: ptr.To[int32](-5)}
		}, "spec.providers[0].limits.requestsPerMinute"),
		Entry("a price that is not a number", func(l *v1.ProviderLock) {
			l.Spec.Providers[0].Pricing = &v1.TokenPricing{PromptPerMillion: "$0.15", CompletionPerMillion: "0.6"}
		}, "spec.providers[0].pricing.promptPerMillion"),
		Entry("cloudflare without accountID", func(l *v1.ProviderLock) { l.Spec.Providers[0].Name = "cloudflare" },
			"spec.providers[0]", "accountID is required for cloudflare"),
		Entry("no providers", func(l *v1.ProviderLock) { l.Spec.Providers = nil }, "spec.providers"),
		Entry("failureThreshold 101", func(l *v1.ProviderLock) { l.Spec.FailureThreshold = 101 }, "spec.failureThreshold"),
		Entry("historyLimit 1001", func(l *v1.ProviderLock) { l.Spec.HistoryLimit = 1001 }, "spec.historyLimit"),
		Entry("an override that is not listed", func(l *v1.ProviderLock) { l.Spec.Override = "groq" },
			"override must name a provider listed in spec.providers"),
		Entry("a zero timeout", func(l *v1.ProviderLock) { l.Spec.Providers[1].Timeout = &metav1.Duration{} },
			"spec.providers[1].timeout", "more than 0s"),
		Entry("a negative cooldown", func(l *v1.ProviderLock) { l.Spec.Cooldown = &metav1.Duration{Duration: -time.Second} },
			"spec.cooldown", "must not be negative"),
		Entry("a health check every second", func(l *v1.ProviderLock) {
			l.Spec.HealthCheck = &v1.HealthCheckSpec{Interval: &metav1.Duration{Duration: time.Second}}
		}, "spec.healthCheck.interval", "at least 10s"),
		Entry("a baseURL that is not http(s)", func(l *v1.ProviderLock) { l.Spec.Providers[0].BaseURL = "ftp://proxy" },
			"spec.providers[0].baseURL"),
		Entry("an unknown failback", func(l *v1.ProviderLock) { l.Spec.Failback = "Sometimes" }, "spec.failback"),
	)
})

var _ = Describe("a self-hosted OpenAI-compatible server", func() {
	It("is accepted as an openai entry with a baseURL, no credentialsRef, and its limits", func() {
		lock := validLock()
		lock.Spec.Providers[0] = v1.ProviderSpec{Name: "openai", BaseURL: "http://vllm.models.svc:8000/v1",
			Model:   "meta-llama/Llama-3.1-8B-Instruct",
			Limits:  &v1.ProviderLimits{MaxConcurrent: ptr.To[int32](16)},
			Pricing: &v1.TokenPricing{PromptPerMillion: "0", CompletionPerMillion: "0"}}
		Expect(k8s.Create(ctx, lock, client.DryRunAll)).To(Succeed())
	})
})

var _ = Describe("the API documentation", func() {
	It("describes every field of both kinds, as kubectl explain shows", func() {
		for _, file := range []string{"forecast.bottleneck.io_forecasts.yaml", "forecast.bottleneck.io_providerlocks.yaml"} {
			raw, err := os.ReadFile(filepath.Join(root, "config", "crd", "bases", file))
			Expect(err).NotTo(HaveOccurred())
			var crd apiextensionsv1.CustomResourceDefinition
			Expect(yaml.Unmarshal(raw, &crd)).To(Succeed())
			schema := *crd.Spec.Versions[0].Schema.OpenAPIV3Schema
			delete(schema.Properties, "metadata") // the API server documents ObjectMeta itself
			Expect(undocumented(schema, crd.Spec.Names.Singular)).To(BeEmpty(), "fields without a description")
		}

		// The API server publishes a new CRD's OpenAPI a moment after the CRD
		// is established.
		Eventually(func(g Gomega) {
			out, err := kubectl("explain", "forecast.spec.historyFrom.configMapKeyRef")
			g.Expect(err).NotTo(HaveOccurred(), out)
			g.Expect(out).To(ContainSubstring("CSV"))
			g.Expect(out).To(ContainSubstring("name of the ConfigMap"))
		}).Should(Succeed())
	})
})

// undocumented lists the paths of the properties below s without a
// description.
func undocumented(s apiextensionsv1.JSONSchemaProps, path string) []string {
	var out []string
	for name, prop := range s.Properties {
		p := path + "." + name
		if prop.Description == "" {
			out = append(out, p)
		}
		out = append(out, undocumented(prop, p)...)
	}
	if s.Items != nil && s.Items.Schema != nil {
		out = append(out, undocumented(*s.Items.Schema, path+"[]")...)
	}
	return out
}

// kstatus (Flux, Helm's --wait) reads an object whose status has no
// observedGeneration, and no conditions, as current: before the operator
// has looked at it, the API server must show observedGeneration 0.
var _ = Describe("a new object, before the operator writes its status", func() {
	DescribeTable("shows status.observedGeneration 0",
		func(obj client.Object) {
			created := asUnstructured(obj)
			unstructured.RemoveNestedField(created.Object, "status") // as kubectl sends it
			Expect(k8s.Create(ctx, created, client.DryRunAll)).To(Succeed())
			got, found, err := unstructured.NestedInt64(created.Object, "status", "observedGeneration")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue(), "status: %v", created.Object["status"])
			Expect(got).To(BeZero())
		},
		Entry("a Forecast", validForecast("new")),
		Entry("a ProviderLock", validLock()),
	)
})
