package dashboard

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/binary"
	"encoding/hex"
	"hash/fnv"
	"html/template"
	"io"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Sizes of the overview's side lists.
const (
	pageHistoryEntries = 8
	pageTopBottlenecks = 5
	pageFailing        = 5
)

// Each page is the layout plus its own "content" template.
var (
	overviewTemplate = parsePage("overview.html")
	detailTemplate   = parsePage("detail.html")
	messageTemplate  = parsePage("message.html")
	// assetVersion changes with the embedded assets, so browsers that
	// cached them fetch the new ones after an upgrade.
	assetVersion = hashAssets()
)

func parsePage(name string) *template.Template {
	return template.Must(template.New(name).Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html", "templates/icons.html", "templates/"+name))
}

func hashAssets() string {
	h := sha256.New()
	_ = fs.WalkDir(staticFS, "static", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := staticFS.ReadFile(path)
			h.Write([]byte(path))
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// staticHandler serves the embedded CSS, JS and icon; their URLs carry
// assetVersion, so they may be cached.
func staticHandler() http.Handler {
	sub, _ := fs.Sub(staticFS, "static") // the directory is embedded: cannot fail
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	})
}

// page is what every page's layout needs.
type page struct {
	// Title of the page, in the browser's tab.
	Title string
	// Root is the relative path from the page to the dashboard's root, so
	// the dashboard works behind a path prefix (e.g. a proxy).
	Root         string
	AssetVersion string
	RefreshMs    int64
	Now          time.Time
}

func (s *server) page(title, root string) page {
	return page{Title: title, Root: root, AssetVersion: assetVersion,
		RefreshMs: s.opts.RefreshInterval.Milliseconds(), Now: s.opts.Clock.Now()}
}

// overview is the data of the overview page.
type overview struct {
	page
	Lock        *ProviderLock
	LockMissing bool
	// LockError is why the lock could not be read, other than its absence.
	LockError *APIError
	History   []LockChange
	Summary   Summary
	// Failing is the head of Summary.Failing.
	Failing    []FailingForecast
	List       ForecastList
	Form       filterForm
	Namespaces []string
	Regions    []string
	// Error is a refused filter or a failed read of the Forecasts, shown
	// instead of the table.
	Error *APIError
	// First and last row numbers shown, and the page links.
	From, To                                    int
	FirstURL, NextURL, NameSortURL, RiskSortURL string
}

// filterForm echoes the query into the filter form.
type filterForm struct {
	Namespace, Region, Risk, Provider, State, Sort string
	Risks, Providers, States                       []string
}

func (s *server) overviewPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.readContext(r)
	defer cancel()
	v := r.URL.Query()
	data := overview{page: s.page("Overview", "./"), Form: filterForm{
		Namespace: v.Get(paramNamespace), Region: v.Get(paramRegion), Risk: v.Get(paramRisk),
		Provider: v.Get(paramProvider), State: v.Get(paramState), Sort: v.Get(paramSort),
		Risks: riskLevels, Providers: providerNames, States: states,
	}}
	lock, err := s.lock(ctx)
	switch {
	case err == nil:
		view := lockView(lock)
		data.Lock, data.History = &view, view.History[:min(len(view.History), pageHistoryEntries)]
	case apierrors.IsNotFound(err):
		data.LockMissing = true
	default:
		data.LockError = s.readError(err, "ProviderLock", v1.ProviderLockName)
	}
	items, err := s.forecasts(ctx, "")
	if err != nil {
		data.Error = s.readError(err, "Forecasts", "")
		s.renderPage(w, data.Error.Status, overviewTemplate, data)
		return
	}
	a := s.assessor()
	data.Summary = summarize(items, a, pageTopBottlenecks)
	data.Failing = data.Summary.Failing[:min(len(data.Summary.Failing), pageFailing)]
	data.Namespaces, data.Regions = facets(items)
	q, perr := parseListQuery(v)
	if perr != nil {
		data.Error = perr
		s.renderPage(w, perr.Status, overviewTemplate, data)
		return
	}
	var start int
	data.List, start = q.page(items, a)
	data.pageLinks(q, start)
	s.renderPage(w, http.StatusOK, overviewTemplate, data)
}

// pageLinks fills the row numbers and the links of the table; start is
// the index of the page's first row among all matching rows.
func (data *overview) pageLinks(q listQuery, start int) {
	if n := len(data.List.Items); n > 0 {
		data.From, data.To = start+1, start+n
	}
	if q.after != "" {
		data.FirstURL = "?" + q.values().Encode()
	}
	if data.List.Continue != "" {
		next := q.values()
		next.Set(paramContinue, data.List.Continue)
		data.NextURL = "?" + next.Encode()
	}
	byName, byRisk := q, q
	byName.sort, byRisk.sort = SortName, SortRisk
	data.NameSortURL, data.RiskSortURL = "?"+byName.values().Encode(), "?"+byRisk.values().Encode()
}

// facets lists the namespaces and regions present, for the filter form.
func facets(items []v1.Forecast) (namespaces, regions []string) {
	ns, rg := map[string]struct{}{}, map[string]struct{}{}
	for i := range items {
		ns[items[i].Namespace] = struct{}{}
		rg[items[i].Spec.Region] = struct{}{}
	}
	return sortedKeys(ns), sortedKeys(rg)
}

func sortedKeys(m map[string]struct{}) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// detail is the data of a Forecast's page.
type detail struct {
	page
	Forecast ForecastDetail
	ChartSrc string
	ChartAlt string
	// Bottleneck periods, to mark the predictions table.
	BottleneckPeriods map[string]bool
}

func (s *server) detailPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.readContext(r)
	defer cancel()
	fc, aerr := s.forecast(ctx, r)
	if aerr != nil {
		s.renderMessage(w, aerr.Status, "../../", "Forecast not available", aerr.Message)
		return
	}
	view := detailView(fc, s.assessor().assess(fc))
	history, note := inlineHistory(fc), historyNote(fc)
	version := fc.ResourceVersion
	if fc.Spec.HistoryFrom != nil && s.opts.History != nil {
		var err error
		history, note, err = s.chartHistory(ctx, fc)
		view.Spec.History.read(history, err)
		// The chart changes with the ConfigMap too: a new URL makes the
		// browser fetch it again when the page swaps the figure.
		version += "-" + historyVersion(history, note)
	}
	data := detail{page: s.page(fc.Namespace+"/"+fc.Name, "../../"), Forecast: view,
		ChartSrc:          "../../" + strings.TrimPrefix(view.ChartURL, "/") + "?v=" + url.QueryEscape(version),
		ChartAlt:          chartDescription(chartDataOf(fc, history, note)),
		BottleneckPeriods: map[string]bool{},
	}
	for _, b := range view.Status.Bottlenecks {
		if b.Period != "" {
			data.BottleneckPeriods[b.Period] = true
		}
	}
	s.renderPage(w, http.StatusOK, detailTemplate, data)
}

// historyNote says where a ConfigMap-held history is, for the alt text.
func historyNote(fc *v1.Forecast) string {
	if from := fc.Spec.HistoryFrom; from != nil {
		return "history from ConfigMap " + from.ConfigMapKeyRef.Name
	}
	return ""
}

// historyVersion fingerprints a loaded history and its note.
func historyVersion(points []Point, note string) string {
	h := fnv.New64a()
	var b [8]byte
	for _, p := range points {
		_, _ = io.WriteString(h, p.Period+"\x00")
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(p.Value))
		_, _ = h.Write(b[:])
	}
	_, _ = io.WriteString(h, note)
	return strconv.FormatUint(h.Sum64(), 36)
}

// pageFallback answers paths no page matches.
func (s *server) pageFallback(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		s.renderMessage(w, http.StatusMethodNotAllowed, rootOf(r.URL.Path), "Method not allowed", "The dashboard is read-only.")
		return
	}
	s.renderMessage(w, http.StatusNotFound, rootOf(r.URL.Path), "Page not found", "There is no page at "+r.URL.Path+".")
}

// rootOf is the relative path from a request path to the root.
func rootOf(path string) string {
	depth := strings.Count(strings.TrimPrefix(path, "/"), "/")
	if depth == 0 {
		return "./"
	}
	return strings.Repeat("../", depth)
}

// message is the data of a page that only says something.
type message struct {
	page
	Heading, Text string
}

func (s *server) renderMessage(w http.ResponseWriter, status int, root, heading, text string) {
	s.renderPage(w, status, messageTemplate, message{page: s.page(heading, root), Heading: heading, Text: text})
}

// renderPage executes a page into a buffer first, so that a template error
// becomes a 500 rather than half a page.
func (s *server) renderPage(w http.ResponseWriter, status int, t *template.Template, data any) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		s.opts.Logger.Error(err, "rendering a page failed", "template", t.Name())
		http.Error(w, "rendering the page failed", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "+
		"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}
