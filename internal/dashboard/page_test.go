package dashboard

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// htmlPage is a parsed HTML answer.
type htmlPage struct {
	t    *testing.T
	root *html.Node
	raw  string
}

func getPage(t *testing.T, h http.Handler, target string, status int) htmlPage {
	t.Helper()
	rec := get(t, h, target)
	if rec.Code != status {
		t.Fatalf("GET %s: status %d, want %d; body: %s", target, rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("GET %s: Content-Type %q", target, ct)
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("GET %s: Content-Security-Policy %q", target, csp)
	}
	root, err := html.Parse(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatal(err)
	}
	return htmlPage{t: t, root: root, raw: rec.Body.String()}
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// all returns the elements for which match holds, in document order.
func (p htmlPage) all(match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for n := range p.root.Descendants() {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
	}
	return out
}

func (p htmlPage) byID(id string) *html.Node {
	p.t.Helper()
	found := p.all(func(n *html.Node) bool { v, _ := attr(n, "id"); return v == id })
	if len(found) != 1 {
		p.t.Fatalf("%d elements with id %q, want 1", len(found), id)
	}
	return found[0]
}

func (p htmlPage) withAttr(key string) []*html.Node {
	return p.all(func(n *html.Node) bool { _, ok := attr(n, key); return ok })
}

// text is the element's text, its text nodes apart, spaces collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data + " ")
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func rowsOf(p htmlPage) []string {
	var out []string
	for _, n := range p.withAttr("data-forecast") {
		if n.Data == "tr" {
			v, _ := attr(n, "data-forecast")
			out = append(out, v)
		}
	}
	return out
}

func TestOverviewPage(t *testing.T) {
	p := getPage(t, newTestHandler(fixtures()...), "/", http.StatusOK)

	if got := text(p.byID("active-provider")); got != "gemini" {
		t.Errorf("#active-provider = %q, want gemini", got)
	}
	if got := text(p.byID("lock-epoch")); got != "2" {
		t.Errorf("#lock-epoch = %q, want 2", got)
	}
	status := p.byID("lock-status")
	if live, _ := attr(status, "aria-live"); live != "polite" {
		t.Errorf("#lock-status aria-live = %q, want polite", live)
	}
	if !strings.Contains(text(status), "Degraded: Running on fallback") || !strings.Contains(text(status), "Ready") {
		t.Errorf("#lock-status = %q", text(status))
	}

	var providers []string
	for _, n := range p.withAttr("data-provider") {
		if n.Data == "tr" {
			name, _ := attr(n, "data-provider")
			state, _ := attr(n, "data-state")
			providers = append(providers, name+":"+state)
		}
	}
	if want := []string{"openai:CoolingDown", "gemini:Active", "baseline:Standby"}; !slices.Equal(providers, want) {
		t.Errorf("provider rows = %v, want %v", providers, want)
	}
	if got := text(p.byID("lock-history")); !strings.Contains(got, "openai → gemini") || !strings.Contains(got, "Failure threshold") {
		t.Errorf("#lock-history = %q", got)
	}

	want := []string{"energy/fra-load", "energy/jpn-load", "energy/usa-load", "ports/bra-teu", "ports/chn-teu", "ports/deu-teu", "ports/usa-teu"}
	if got := rowsOf(p); !slices.Equal(got, want) {
		t.Errorf("rows = %v, want %v", got, want)
	}
	table := text(p.byID("forecasts"))
	for _, word := range []string{"Critical", "High", "Moderate", "Low", "No result", "Failing", "Stale", "Suspended", "Pending", "Provider failed"} {
		if !strings.Contains(table, word) {
			t.Errorf("the table does not say %q", word)
		}
	}
	if got := text(p.byID("result-count")); got != "Showing 1–7 of 7 forecasts" {
		t.Errorf("#result-count = %q", got)
	}

	counts := map[string]string{}
	for _, n := range p.all(func(n *html.Node) bool { _, ok := attr(n, "data-count"); return ok && n.Data == "li" }) {
		k, _ := attr(n, "data-risk")
		if k == "" {
			k, _ = attr(n, "data-state")
		}
		counts[k], _ = attr(n, "data-count")
	}
	for k, v := range map[string]string{"Critical": "1", "High": "2", "Moderate": "2", "Low": "1", "None": "1", "Failing": "1", "Ready": "3"} {
		if counts[k] != v {
			t.Errorf("count %s = %q, want %s (all: %v)", k, counts[k], v, counts)
		}
	}
	if got := text(p.byID("top-bottlenecks")); !strings.HasPrefix(got, "Critical peak load in 2025-07") {
		t.Errorf("#top-bottlenecks = %q", got)
	}
}

func TestOverviewPageAccessibility(t *testing.T) {
	p := getPage(t, newTestHandler(fixtures()...), "/", http.StatusOK)
	if lang, _ := attr(p.all(func(n *html.Node) bool { return n.Data == "html" })[0], "lang"); lang != "en" {
		t.Errorf("html lang = %q", lang)
	}
	// Every form control has a label.
	labels := map[string]bool{}
	for _, l := range p.all(func(n *html.Node) bool { return n.Data == "label" }) {
		f, _ := attr(l, "for")
		labels[f] = true
	}
	for _, c := range p.all(func(n *html.Node) bool { return n.Data == "input" || n.Data == "select" }) {
		if id, _ := attr(c, "id"); !labels[id] {
			t.Errorf("<%s id=%q> has no label", c.Data, id)
		}
	}
	// Column headers have a scope; the sorted column says so.
	for _, th := range p.all(func(n *html.Node) bool { return n.Data == "th" && n.Parent.Parent.Data == "thead" }) {
		if scope, _ := attr(th, "scope"); scope != "col" {
			t.Errorf("header %q has scope %q", text(th), scope)
		}
	}
	sorted := p.all(func(n *html.Node) bool { v, _ := attr(n, "aria-sort"); return v != "" })
	if len(sorted) != 1 || !strings.HasPrefix(text(sorted[0]), "Forecast") {
		t.Errorf("aria-sort on %d headers, want Forecast only", len(sorted))
	}
	// Risk is said in words, with a shape; colour is not the only cue.
	for _, b := range p.all(func(n *html.Node) bool { v, _ := attr(n, "data-risk"); return n.Data == "span" && v != "" }) {
		level, _ := attr(b, "data-risk")
		if text(b) != level {
			t.Errorf("risk badge for %s says %q", level, text(b))
		}
		if svg := b.FirstChild; svg == nil || svg.Data != "svg" {
			t.Errorf("risk badge for %s has no shape", level)
		}
	}
}

func TestOverviewPageFiltersAndSort(t *testing.T) {
	h := newTestHandler(fixtures()...)
	p := getPage(t, h, "/?risk=high&namespace=ports", http.StatusOK)
	if got, want := rowsOf(p), []string{"ports/chn-teu", "ports/usa-teu"}; !slices.Equal(got, want) {
		t.Errorf("filtered rows = %v, want %v", got, want)
	}
	selected := p.all(func(n *html.Node) bool { _, ok := attr(n, "selected"); return ok && n.Parent != nil })
	var picked []string
	for _, o := range selected {
		v, _ := attr(o, "value")
		picked = append(picked, v)
	}
	for _, want := range []string{"ports", "High"} {
		if !slices.Contains(picked, want) {
			t.Errorf("the form does not keep %q selected: %v", want, picked)
		}
	}

	p = getPage(t, h, "/?sort=risk", http.StatusOK)
	if got := rowsOf(p); got[0] != "energy/fra-load" || got[len(got)-1] != "energy/jpn-load" {
		t.Errorf("risk order = %v", got)
	}
	sorted := p.all(func(n *html.Node) bool { v, _ := attr(n, "aria-sort"); return v == "descending" })
	if len(sorted) != 1 || !strings.HasPrefix(text(sorted[0]), "Risk") {
		t.Error("the Risk header does not say it sorts descending")
	}
}

func TestOverviewPagePagination(t *testing.T) {
	h := newTestHandler(fixtures()...)
	p := getPage(t, h, "/?limit=3", http.StatusOK)
	if got := text(p.byID("result-count")); got != "Showing 1–3 of 7 forecasts" {
		t.Errorf("#result-count = %q", got)
	}
	next, _ := attr(p.byID("next-page"), "href")
	p = getPage(t, h, "/"+html.UnescapeString(next), http.StatusOK)
	if got, want := rowsOf(p), []string{"ports/bra-teu", "ports/chn-teu", "ports/deu-teu"}; !slices.Equal(got, want) {
		t.Errorf("second page rows = %v, want %v", got, want)
	}
	if got := text(p.byID("result-count")); got != "Showing 4–6 of 7 forecasts" {
		t.Errorf("#result-count = %q", got)
	}
	if first, _ := attr(p.byID("first-page"), "href"); first != "?limit=3" {
		t.Errorf("first page link = %q", first)
	}
}

func TestOverviewPageBadFilter(t *testing.T) {
	p := getPage(t, newTestHandler(fixtures()...), "/?risk=extreme", http.StatusBadRequest)
	alert := p.byID("filter-error")
	if role, _ := attr(alert, "role"); role != "alert" || !strings.Contains(text(alert), `risk "extreme" is not one of Low, Moderate, High, Critical`) {
		t.Errorf("#filter-error = %q (role %s)", text(alert), role)
	}
	if len(rowsOf(p)) != 0 {
		t.Error("a refused filter still lists forecasts")
	}
	if got := text(p.byID("active-provider")); got != "gemini" {
		t.Errorf("the lock panel should still show: %q", got)
	}
}

func TestOverviewPageWithoutLock(t *testing.T) {
	p := getPage(t, newTestHandler(testForecast("ports", "usa-teu", "USA")), "/", http.StatusOK)
	if got := text(p.byID("active-provider")); got != "none" {
		t.Errorf("#active-provider = %q, want none", got)
	}
	if !strings.Contains(text(p.byID("lock-status")), "no ProviderLock named default") {
		t.Errorf("#lock-status = %q", text(p.byID("lock-status")))
	}
	if got := rowsOf(p); !slices.Equal(got, []string{"ports/usa-teu"}) {
		t.Errorf("rows = %v", got)
	}
}

func TestOverviewPageEscapesUserText(t *testing.T) {
	evil := testForecast("ports", "evil", `<script>alert(1)</script>`, func(fc *v1.Forecast) { fc.Spec.Subject = `"><img src=x onerror=alert(1)>` })
	p := getPage(t, newTestHandler(testLock(), evil), "/", http.StatusOK)
	if strings.Contains(p.raw, "<script>alert") || strings.Contains(p.raw, "<img src=x") {
		t.Error("user text reached the page unescaped")
	}
	if scripts := p.all(func(n *html.Node) bool { return n.Data == "script" }); len(scripts) != 1 {
		t.Errorf("%d script elements, want only the dashboard's own", len(scripts))
	}
	if !strings.Contains(text(p.byID("forecasts")), `<script>alert(1)</script>`) {
		t.Error("the region is not shown as text")
	}
}

func TestDetailPage(t *testing.T) {
	p := getPage(t, newTestHandler(fixtures()...), "/forecasts/ports/usa-teu", http.StatusOK)
	img := p.byID("chart")
	src, _ := attr(img, "src")
	alt, _ := attr(img, "alt")
	if !strings.HasPrefix(src, "../../api/v1/forecasts/ports/usa-teu/chart.svg?v=") {
		t.Errorf("chart src = %q", src)
	}
	if !strings.Contains(alt, "3 predictions from 2025-07 to 2025-09") || !strings.Contains(alt, "capacity 1200 TEU") {
		t.Errorf("chart alt = %q", alt)
	}
	if h1 := text(p.all(func(n *html.Node) bool { return n.Data == "h1" })[0]); h1 != "USA container port throughput" {
		t.Errorf("h1 = %q", h1)
	}
	if got := text(p.byID("forecast-risk")); got != "High" {
		t.Errorf("#forecast-risk = %q", got)
	}
	var periods, marked []string
	for _, tr := range p.withAttr("data-period") {
		v, _ := attr(tr, "data-period")
		periods = append(periods, v)
		if _, ok := attr(tr, "data-bottleneck"); ok {
			marked = append(marked, v)
		}
	}
	if !slices.Equal(periods, []string{"2025-07", "2025-08", "2025-09"}) || !slices.Equal(marked, []string{"2025-08", "2025-09"}) {
		t.Errorf("prediction rows %v, bottleneck rows %v", periods, marked)
	}
	if got := text(p.byID("bottlenecks")); !strings.Contains(got, "berth capacity High 2025-08") || !strings.Contains(got, "capacity exceeded Critical 2025-09") {
		t.Errorf("#bottlenecks = %q", got)
	}
	// Links and assets are relative, so the dashboard works behind a path prefix.
	for _, l := range p.all(func(n *html.Node) bool { return n.Data == "link" || n.Data == "script" }) {
		ref, ok := attr(l, "href")
		if !ok {
			ref, _ = attr(l, "src")
		}
		if !strings.HasPrefix(ref, "../../static/") {
			t.Errorf("asset %q is not relative to the page", ref)
		}
	}
}

func TestDetailPageFailing(t *testing.T) {
	p := getPage(t, newTestHandler(fixtures()...), "/forecasts/energy/usa-load", http.StatusOK)
	if got := text(p.byID("failure")); !strings.Contains(got, "Failing: Provider failed (Timeout), provider gemini, 2 failures in a row") {
		t.Errorf("#failure = %q", got)
	}
}

func TestDetailPageNotFound(t *testing.T) {
	p := getPage(t, newTestHandler(fixtures()...), "/forecasts/ports/nope", http.StatusNotFound)
	if h1 := text(p.all(func(n *html.Node) bool { return n.Data == "h1" })[0]); h1 != "Forecast not available" {
		t.Errorf("h1 = %q", h1)
	}
	getPage(t, newTestHandler(), "/no/such/page", http.StatusNotFound)
}

func TestStaticAssets(t *testing.T) {
	h := newTestHandler()
	for path, contentType := range map[string]string{
		"/static/dashboard.css": "text/css; charset=utf-8",
		"/static/dashboard.js":  "text/javascript; charset=utf-8",
		"/static/favicon.svg":   "image/svg+xml",
	} {
		rec := get(t, h, path+"?v="+assetVersion)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != contentType || rec.Body.Len() == 0 {
			t.Errorf("%s: %d %q %d bytes", path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len())
		}
		if !strings.Contains(rec.Header().Get("Cache-Control"), "max-age") {
			t.Errorf("%s: Cache-Control %q", path, rec.Header().Get("Cache-Control"))
		}
	}
	if rec := get(t, h, "/static/nope.js"); rec.Code != http.StatusNotFound {
		t.Errorf("missing asset: %d", rec.Code)
	}
}

func TestSpaced(t *testing.T) {
	for in, want := range map[string]string{"CoolingDown": "Cooling down", "FailureThreshold": "Failure threshold",
		"Ready": "Ready", "ProviderLockNotFound": "Provider lock not found", "": ""} {
		if got := spaced(in); got != want {
			t.Errorf("spaced(%q) = %q, want %q", in, got, want)
		}
	}
}
