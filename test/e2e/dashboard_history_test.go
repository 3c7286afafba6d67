package e2e

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// The sample deu-peak-load keeps its 36 months of history in a ConfigMap:
// the manager's dashboard reads it from the API server for the chart.
var _ = Describe("the dashboard's chart of a Forecast whose history is in a ConfigMap", func() {
	It("shows the ConfigMap's history, and says so when the ConfigMap is missing", func(ctx SpecContext) {
		kubeconfig := startControlPlane()
		out, err := run(ctx, kubeconfig, "apply", "-k", "config/samples")
		Expect(err).NotTo(HaveOccurred(), out)

		dashboardAddr := freeAddress()
		manager := start("manager", root, "--kubeconfig", kubeconfig, "--metrics-bind-address=0",
			"--health-probe-bind-address=0", "--dashboard-bind-address="+dashboardAddr)
		dashboard := "http://" + dashboardAddr + "/api/v1/forecasts/default/"

		By("the sample's chart and detail carry its 36 months, 2022-11 to 2025-10")
		Eventually(func(g Gomega) {
			title, texts := chartTexts(g, dashboard+"deu-peak-load/chart.svg")
			g.Expect(title).To(HavePrefix("Chart of DEU — peak electricity load: 36 history points, "))
			g.Expect(title).NotTo(ContainSubstring("ConfigMap"), "no note about a missing history")
			g.Expect(texts).To(ContainElement("History"), "the legend lists the history line")
			g.Expect(texts).To(ContainElement("2022-11"), "the first history period labels the axis")
		}).WithContext(ctx).Should(Succeed())
		source := historySource(dashboard + "deu-peak-load")
		Expect(source).To(Equal(historySourceJSON{Source: "configMap", Points: 36, First: "2022-11", Last: "2025-10"}))

		By("a Forecast naming a missing ConfigMap gets a chart that says so, and its error in the JSON")
		manifest := filepath.Join(GinkgoT().TempDir(), "nld.yaml")
		Expect(os.WriteFile(manifest, []byte(missingHistoryForecast), 0o600)).To(Succeed())
		out, err = run(ctx, kubeconfig, "apply", "-f", manifest)
		Expect(err).NotTo(HaveOccurred(), out)
		Eventually(func(g Gomega) {
			title, texts := chartTexts(g, dashboard+"nld-peak-load/chart.svg")
			g.Expect(title).To(ContainSubstring("0 history points"))
			g.Expect(texts).To(ContainElement("history from ConfigMap nld-history unavailable"))
		}).WithContext(ctx).Should(Succeed())
		Expect(historySource(dashboard + "nld-peak-load").Error).To(
			Equal("ConfigMap default/nld-history named by spec.historyFrom does not exist"))

		Expect(manager.stop(syscall.SIGTERM, 15*time.Second)).To(Succeed(), manager.output.String())
	})
})

const missingHistoryForecast = `apiVersion: forecast.bottleneck.io/v1alpha1
kind: Forecast
metadata:
  name: nld-peak-load
  namespace: default
spec:
  region: NLD
  subject: peak electricity load
  unit: GW
  historyFrom:
    configMapKeyRef:
      name: nld-history
      key: history.csv
`

// chartTexts gets an SVG chart and returns its title and its text elements.
func chartTexts(g Gomega, url string) (string, []string) {
	resp, err := http.Get(url) //nolint:gosec // a test URL
	g.Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	g.Expect(resp.StatusCode).To(Equal(http.StatusOK))
	g.Expect(resp.Header.Get("Content-Type")).To(Equal("image/svg+xml"))
	var title string
	var texts, stack []string
	dec := xml.NewDecoder(resp.Body)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		g.Expect(err).NotTo(HaveOccurred(), "the chart is well-formed XML")
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				continue
			}
			switch stack[len(stack)-1] {
			case "title":
				title += string(t)
			case "text":
				texts = append(texts, string(t))
			}
		}
	}
	return strings.TrimSpace(title), texts
}

type historySourceJSON struct {
	Source string `json:"source"`
	Points int    `json:"points"`
	First  string `json:"first"`
	Last   string `json:"last"`
	Error  string `json:"error"`
}

// historySource gets a Forecast's detail and returns spec.history.
func historySource(url string) historySourceJSON {
	GinkgoHelper()
	var detail struct {
		Spec struct {
			History historySourceJSON `json:"history"`
		} `json:"spec"`
	}
	resp, err := http.Get(url) //nolint:gosec // a test URL
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	Expect(resp.StatusCode).To(Equal(http.StatusOK))
	Expect(json.NewDecoder(resp.Body).Decode(&detail)).To(Succeed())
	return detail.Spec.History
}
