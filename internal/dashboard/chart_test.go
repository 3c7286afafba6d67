package dashboard

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	clocktesting "k8s.io/utils/clock/testing"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// svgDoc is what a test reads from a chart.
type svgDoc struct {
	title string   // the document's <title>
	texts []string // every <text>
	raw   string
}

// parseSVG checks that the chart is well-formed XML with an <svg> root and
// collects its texts.
func parseSVG(t *testing.T, body []byte) svgDoc {
	t.Helper()
	doc := svgDoc{raw: string(body)}
	dec := xml.NewDecoder(bytes.NewReader(body))
	var stack []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the chart is not well-formed XML: %v\n%s", err, body)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 && el.Name.Local != "svg" {
				t.Fatalf("root element %q, want svg", el.Name.Local)
			}
			stack = append(stack, el.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				continue
			}
			switch stack[len(stack)-1] {
			case "text":
				doc.texts = append(doc.texts, string(el))
			case "title":
				doc.title += string(el)
			}
		}
	}
	return doc
}

func getChart(t *testing.T, h http.Handler, target string) (svgDoc, *httptest.ResponseRecorder) {
	t.Helper()
	rec := get(t, h, target)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "image/svg+xml" {
		t.Fatalf("Content-Type %q, want image/svg+xml", ct)
	}
	return parseSVG(t, rec.Body.Bytes()), rec
}

func (d svgDoc) has(text string) bool { return slices.Contains(d.texts, text) }

func TestChart(t *testing.T) {
	h := newTestHandler(fixtures()...)
	doc, rec := getChart(t, h, "/api/v1/forecasts/ports/usa-teu/chart.svg")

	for _, want := range []string{"USA — container port throughput", "History", "Prediction", "Prediction interval",
		"Capacity 1200", "Bottleneck period", "TEU", "Month", "2025-07"} {
		if !doc.has(want) {
			t.Errorf("the chart has no text %q; texts: %q", want, doc.texts)
		}
	}
	if !strings.Contains(doc.raw, "stroke-dasharray") {
		t.Error("the chart has no dashed line (capacity, predictions)")
	}
	for _, want := range []string{"Chart of USA — container port throughput", "6 history points", "3 predictions from 2025-07 to 2025-09",
		"capacity 1200 TEU", "bottlenecks in 2025-08, 2025-09"} {
		if !strings.Contains(doc.title, want) {
			t.Errorf("the chart's title %q does not say %q", doc.title, want)
		}
	}
	if !strings.Contains(doc.raw, "sans-serif") {
		t.Error("the chart names no fallback font")
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
}

func TestChartETag(t *testing.T) {
	h := newTestHandler(fixtures()...)
	_, rec := getChart(t, h, "/api/v1/forecasts/ports/usa-teu/chart.svg")
	etag := rec.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/forecasts/ports/usa-teu/chart.svg", nil)
	req.Header.Set("If-None-Match", etag)
	again := httptest.NewRecorder()
	h.ServeHTTP(again, req)
	if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("If-None-Match: %d with %d bytes, want 304 and no body", again.Code, again.Body.Len())
	}
}

func TestChartWithoutResult(t *testing.T) {
	h := newTestHandler(testForecast("energy", "new", "POL", pending))
	doc, _ := getChart(t, h, "/api/v1/forecasts/energy/new/chart.svg")
	if !doc.has("History") || !doc.has("Capacity 1200") || doc.has("Prediction") || doc.has("Bottleneck period") {
		t.Errorf("a chart without a result should show history and capacity only; texts: %q", doc.texts)
	}
}

func TestChartWithNothingToPlot(t *testing.T) {
	h := newTestHandler(testForecast("energy", "empty", "POL", pending, historyFrom("pol-history")))
	doc, _ := getChart(t, h, "/api/v1/forecasts/energy/empty/chart.svg")
	if !doc.has("No history or predictions to plot yet") || !doc.has("history from ConfigMap pol-history not shown") {
		t.Errorf("texts: %q", doc.texts)
	}
}

func TestChartHistoryFromConfigMap(t *testing.T) {
	fc := testForecast("ports", "ita", "ITA", historyFrom("ita-history"))

	// Without a loader the chart shows the predictions and says why.
	doc, rec := getChart(t, newTestHandler(fc), "/api/v1/forecasts/ports/ita/chart.svg")
	if doc.has("History") || !doc.has("Prediction") || !doc.has("history from ConfigMap ita-history not shown") {
		t.Errorf("without a loader: texts %q", doc.texts)
	}
	if rec.Header().Get("ETag") == "" {
		t.Error("without a loader the chart depends on the object alone and should have an ETag")
	}

	// With a loader it shows what the loader returns.
	var asked string
	loader := func(_ context.Context, fc *v1.Forecast) ([]Point, error) {
		asked = fc.Spec.HistoryFrom.ConfigMapKeyRef.Name
		return []Point{{"2025-04", 1000}, {"2025-05", 1050}, {"2025-06", 1120}}, nil
	}
	h := New(newFakeReader(fc), Options{Clock: clocktesting.NewFakePassiveClock(now), History: loader})
	doc, rec = getChart(t, h, "/api/v1/forecasts/ports/ita/chart.svg")
	if asked != "ita-history" || !doc.has("History") || !doc.has("2025-04") || !strings.Contains(doc.title, "3 history points") {
		t.Errorf("with a loader: asked %q, texts %q, title %q", asked, doc.texts, doc.title)
	}
	if rec.Header().Get("ETag") != "" {
		t.Error("a chart whose history comes from a loader must not claim an ETag from the object alone")
	}

	// A failing loader is said in the chart, not a failed request.
	failing := func(context.Context, *v1.Forecast) ([]Point, error) { return nil, errors.New("configmap not found") }
	h = New(newFakeReader(fc), Options{Clock: clocktesting.NewFakePassiveClock(now), History: failing})
	doc, _ = getChart(t, h, "/api/v1/forecasts/ports/ita/chart.svg")
	if !doc.has("history from ConfigMap ita-history unavailable") || !doc.has("Prediction") {
		t.Errorf("with a failing loader: texts %q", doc.texts)
	}
}

// User-supplied text is escaped: the chart stays well-formed XML.
func TestChartEscapesText(t *testing.T) {
	fc := testForecast("ports", "odd", `<script>alert("x")</script> & co`)
	fc.Spec.Unit = `<b>units</b>`
	doc, _ := getChart(t, newTestHandler(fc), "/api/v1/forecasts/ports/odd/chart.svg")
	if !doc.has(`<script>alert("x")</script> & co — container port throughput`) || strings.Contains(doc.raw, "<script>") {
		t.Errorf("texts %q", doc.texts)
	}
}

func TestChartReplacesControlCharacters(t *testing.T) {
	fc := testForecast("ports", "ctl", "US\x01A")
	fc.Spec.Unit = "k\x1bTEU"
	fc.Status.Predictions[0].Period = "2025\x00-07"
	doc, _ := getChart(t, newTestHandler(fc), "/api/v1/forecasts/ports/ctl/chart.svg") // parses the SVG as XML
	if !doc.has("US A — container port throughput") {
		t.Errorf("texts %q", doc.texts)
	}
}

func TestPeriodTicker(t *testing.T) {
	labels := make([]string, 156)
	for i := range labels {
		labels[i] = fmt.Sprintf("%d-W%02d", 2023+i/52, i%52+1)
	}
	ticker := periodTicker{labels: labels, anchor: 120, max: maxTicks(labels)}
	ticks := ticker.Ticks(-0.5, 155.5)
	if len(ticks) != len(labels) {
		t.Fatalf("%d ticks for %d periods", len(ticks), len(labels))
	}
	var labelled []string
	for _, tk := range ticks {
		if tk.Label != "" {
			labelled = append(labelled, tk.Label)
		}
	}
	if len(labelled) > ticker.max || len(labelled) < 2 {
		t.Errorf("%d labels, want 2..%d: %v", len(labelled), ticker.max, labelled)
	}
	if !slices.Contains(labelled, labels[120]) {
		t.Errorf("the first prediction %s is not labelled: %v", labels[120], labelled)
	}
	short := periodTicker{labels: []string{"2025-01", "2025-02", "2025-03"}, max: 10}
	for _, tk := range short.Ticks(-0.5, 2.5) {
		if tk.Label == "" {
			t.Errorf("a short axis should label every period: %+v", tk)
		}
	}
}

func TestChartDescription(t *testing.T) {
	d := chartDataOf(testForecast("ports", "usa-teu", "USA", func(fc *v1.Forecast) { fc.Spec.Capacity = nil }), nil, "")
	got := chartDescription(d)
	if want := "Chart of USA — container port throughput: 0 history points, 3 predictions from 2025-07 to 2025-09, bottlenecks in 2025-08, 2025-09."; got != want {
		t.Errorf("description = %q, want %q", got, want)
	}
}
