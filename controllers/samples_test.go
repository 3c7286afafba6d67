package controllers_test

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// readSample decodes the documents of a file in config/samples into objs,
// in order.
func readSample(name string, objs ...any) {
	GinkgoHelper()
	raw, err := os.ReadFile(filepath.Join("..", "config", "samples", name))
	Expect(err).NotTo(HaveOccurred())
	docs := strings.Split(string(raw), "\n---\n")
	Expect(docs).To(HaveLen(len(objs)))
	for i, doc := range docs {
		Expect(yaml.UnmarshalStrict([]byte(doc), objs[i])).To(Succeed())
	}
}

var _ = Describe("the samples", func() {
	It("forecast Germany's peak load with its winter peak, not a summer of bottlenecks", func(ctx SpecContext) {
		cm, fc := &corev1.ConfigMap{}, &v1.Forecast{}
		readSample("forecast_v1alpha1_forecast_deu.yaml", cm, fc)
		cm.Namespace, fc.Namespace = "default", "default" // other specs count provider calls by region: none uses DEU
		create(ctx, cm)
		create(ctx, fc)
		st := expectReady(ctx, fc).Status

		Expect(st.Model).To(HaveSuffix("/multiplicative-season-12"), "the season is found")
		value := func(p v1.Prediction) float64 {
			v, err := strconv.ParseFloat(string(p.Value), 64)
			Expect(err).NotTo(HaveOccurred())
			return v
		}
		month := func(p v1.Prediction) string { return p.Period[5:] }
		peak := slices.MaxFunc(st.Predictions, func(a, b v1.Prediction) int { return cmp.Compare(value(a), value(b)) })
		Expect([]string{"12", "01", "02"}).To(ContainElement(month(peak)), "the peak is in winter: %+v", st.Predictions)
		var summer, winter []float64
		for _, p := range st.Predictions {
			switch month(p) {
			case "06", "07", "08":
				summer = append(summer, value(p))
			case "12", "01", "02":
				winter = append(winter, value(p))
			}
		}
		Expect(summer).To(HaveLen(3))
		Expect(winter).To(HaveLen(3))
		Expect(slices.Max(summer)).To(BeNumerically("<", slices.Min(winter)), "every summer month is below every winter month")
		for _, b := range st.Bottlenecks {
			Expect([]string{"11", "12", "01", "02"}).To(ContainElement(b.Period[5:]), "a bottleneck outside the winter: %+v", b)
		}
	})
})
