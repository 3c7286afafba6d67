// Package dashboard serves the read-only dashboard and JSON API of
// bottleneck-operator: the ProviderLock with its audit trail, the Forecasts
// with filters and pagination, each Forecast's detail and SVG chart, and a
// predictions summary.
//
// Everything is read through a client.Reader, in the manager the informer
// cache, so a request costs the API server nothing; the one exception is a
// history kept in a ConfigMap, which the cache holds as metadata only: a
// HistoryLoader (ConfigMapHistory) reads it, at most once per key per TTL.
// Handlers only read the cached objects (they list without deep copies) and
// never read Secrets.
package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"time"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// Options configure the dashboard. The zero value works.
type Options struct {
	// Clock tells the time for the stale check; the real clock when nil.
	Clock clock.PassiveClock
	// StaleGrace is how long past its nextRefreshAt a result may be before
	// the Forecast counts as Stale; 5m when zero.
	StaleGrace time.Duration
	// RefreshInterval is how often the page refreshes itself; 5s when zero.
	RefreshInterval time.Duration
	// ReadTimeout bounds one read of the cache (it waits while an informer
	// syncs); 10s when zero.
	ReadTimeout time.Duration
	// History loads the history of Forecasts that keep it in a ConfigMap,
	// for their charts; when nil such charts show the predictions only.
	History HistoryLoader
	// Logger logs failed reads; discarded when unset.
	Logger logr.Logger
}

// Defaults.
const (
	DefaultStaleGrace      = 5 * time.Minute
	DefaultRefreshInterval = 5 * time.Second
	defaultReadTimeout     = 10 * time.Second
)

func (o Options) withDefaults() Options {
	if o.Clock == nil {
		o.Clock = clock.RealClock{}
	}
	if o.StaleGrace <= 0 {
		o.StaleGrace = DefaultStaleGrace
	}
	if o.RefreshInterval <= 0 {
		o.RefreshInterval = DefaultRefreshInterval
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = defaultReadTimeout
	}
	if o.Logger.GetSink() == nil {
		o.Logger = logr.Discard()
	}
	return o
}

// server holds nothing that changes after New: handlers are safe to run
// concurrently.
type server struct {
	reader client.Reader
	opts   Options
	mux    *http.ServeMux
}

// New returns the dashboard's handler: the JSON API under /api/v1/, the
// HTML pages, and their embedded assets under /static/. reader is
// typically the manager's cache (mgr.GetCache()).
func New(reader client.Reader, opts Options) http.Handler {
	s := &server{reader: reader, opts: opts.withDefaults(), mux: http.NewServeMux()}
	s.routes()
	return s
}

func (s *server) routes() {
	s.mux.HandleFunc("GET /api/v1/providerlock", s.getLock)
	s.mux.HandleFunc("GET /api/v1/forecasts", s.listForecasts)
	s.mux.HandleFunc("GET /api/v1/forecasts/{namespace}/{name}", s.getForecast)
	s.mux.HandleFunc("GET /api/v1/forecasts/{namespace}/{name}/chart.svg", s.getChart)
	s.mux.HandleFunc("GET /api/v1/summary", s.getSummary)
	s.mux.HandleFunc("/api/", apiFallback)
	s.mux.HandleFunc("GET /{$}", s.overviewPage)
	s.mux.HandleFunc("GET /forecasts/{namespace}/{name}", s.detailPage)
	s.mux.Handle("GET /static/", staticHandler())
	s.mux.HandleFunc("/", s.pageFallback)
}

// ServeHTTP adds the headers every answer carries.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	s.mux.ServeHTTP(w, r)
}

// apiFallback answers API paths no route matched, and methods other than
// GET and HEAD: the API is read-only.
func apiFallback(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, &APIError{Status: http.StatusMethodNotAllowed, Reason: ReasonMethodNotAllowed,
			Message: fmt.Sprintf("%s is not allowed: the API is read-only (GET, HEAD)", r.Method)})
		return
	}
	writeError(w, &APIError{Status: http.StatusNotFound, Reason: ReasonNotFound,
		Message: fmt.Sprintf("no API endpoint at %s", r.URL.Path)})
}

func (s *server) getLock(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.readContext(r)
	defer cancel()
	lock, err := s.lock(ctx)
	if err != nil {
		writeError(w, s.readError(err, "ProviderLock", v1.ProviderLockName))
		return
	}
	writeJSON(w, http.StatusOK, lockView(lock))
}

func (s *server) listForecasts(w http.ResponseWriter, r *http.Request) {
	q, perr := parseListQuery(r.URL.Query())
	if perr != nil {
		writeError(w, perr)
		return
	}
	ctx, cancel := s.readContext(r)
	defer cancel()
	items, err := s.forecasts(ctx, q.namespace)
	if err != nil {
		writeError(w, s.readError(err, "Forecasts", ""))
		return
	}
	list, _ := q.page(items, s.assessor())
	writeJSON(w, http.StatusOK, list)
}

func (s *server) getForecast(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.readContext(r)
	defer cancel()
	fc, aerr := s.forecast(ctx, r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	view := detailView(fc, s.assessor().assess(fc))
	if fc.Spec.HistoryFrom != nil && s.opts.History != nil {
		points, _, err := s.chartHistory(ctx, fc)
		view.Spec.History.read(points, err)
	}
	writeJSON(w, http.StatusOK, view)
}

func (s *server) getSummary(w http.ResponseWriter, r *http.Request) {
	top, perr := intParam(r.URL.Query(), paramTop, defaultTopBottlenecks, 1, maxTopBottlenecks)
	if perr != nil {
		writeError(w, perr)
		return
	}
	ctx, cancel := s.readContext(r)
	defer cancel()
	items, err := s.forecasts(ctx, "")
	if err != nil {
		writeError(w, s.readError(err, "Forecasts", ""))
		return
	}
	writeJSON(w, http.StatusOK, summarize(items, s.assessor(), top))
}

// getChart answers the Forecast's chart as SVG. A Forecast without a result
// yet gets a chart of its history alone, or one that says there is nothing
// to plot; only an unknown Forecast is an error (404).
func (s *server) getChart(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.readContext(r)
	defer cancel()
	fc, aerr := s.forecast(ctx, r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	// The chart depends on the object alone unless a loader reads the history.
	etag := ""
	if fc.Spec.HistoryFrom == nil || s.opts.History == nil {
		etag = `"` + chartVersion + "-" + string(fc.UID) + "-" + fc.ResourceVersion + `"`
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	history, note, _ := s.chartHistory(ctx, fc)
	svg, err := renderChart(chartDataOf(fc, history, note))
	if err != nil {
		s.opts.Logger.Error(err, "drawing a chart failed", "forecast", fc.Namespace+"/"+fc.Name)
		writeError(w, &APIError{Status: http.StatusInternalServerError, Reason: ReasonInternal, Message: "drawing the chart failed"})
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/svg+xml")
	h.Set("Cache-Control", "no-cache") // revalidate with the ETag
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	_, _ = w.Write(svg)
}

// chartHistory is the history to draw and, when there is none, a note
// saying why for the chart, and the loader's error.
func (s *server) chartHistory(ctx context.Context, fc *v1.Forecast) ([]Point, string, error) {
	from := fc.Spec.HistoryFrom
	if from == nil {
		return inlineHistory(fc), "", nil
	}
	if s.opts.History == nil {
		return nil, "history from ConfigMap " + from.ConfigMapKeyRef.Name + " not shown", nil
	}
	points, err := s.opts.History(ctx, fc)
	if err != nil {
		// V(1): the page refreshes itself, and a loader logs its own reads.
		s.opts.Logger.V(1).Info("loading a chart's history failed", "forecast", fc.Namespace+"/"+fc.Name, "error", err.Error())
		return nil, "history from ConfigMap " + from.ConfigMapKeyRef.Name + " unavailable", err
	}
	return slices.DeleteFunc(slices.Clone(points), func(p Point) bool { return math.IsNaN(p.Value) || math.IsInf(p.Value, 0) }), "", nil
}

func (s *server) assessor() assessor {
	return assessor{now: s.opts.Clock.Now(), grace: s.opts.StaleGrace}
}

func (s *server) readContext(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), s.opts.ReadTimeout)
}

// forecasts lists the Forecasts of one namespace, or of all when empty.
// The items are the cache's own objects (no deep copy): read them, never
// change them.
func (s *server) forecasts(ctx context.Context, namespace string) ([]v1.Forecast, error) {
	var list v1.ForecastList
	opts := []client.ListOption{client.UnsafeDisableDeepCopy}
	if namespace != "" {
		opts = append(opts, client.InNamespace(namespace))
	}
	if err := s.reader.List(ctx, &list, opts...); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// forecast gets the Forecast the request's path names, or the error to
// answer with (404 for an unknown Forecast).
func (s *server) forecast(ctx context.Context, r *http.Request) (*v1.Forecast, *APIError) {
	fc := &v1.Forecast{}
	key := types.NamespacedName{Namespace: r.PathValue("namespace"), Name: r.PathValue("name")}
	if err := s.reader.Get(ctx, key, fc, client.UnsafeDisableDeepCopy); err != nil {
		return nil, s.readError(err, "Forecast", key.String())
	}
	return fc, nil
}

func (s *server) lock(ctx context.Context) (*v1.ProviderLock, error) {
	lock := &v1.ProviderLock{}
	if err := s.reader.Get(ctx, types.NamespacedName{Name: v1.ProviderLockName}, lock, client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	return lock, nil
}

// readError turns a failed read into an API error: 404 for a missing
// object, 503 while the cache cannot answer, 500 otherwise.
func (s *server) readError(err error, kind, name string) *APIError {
	var notStarted *cache.ErrCacheNotStarted
	switch {
	case apierrors.IsNotFound(err):
		msg := kind + " " + name + " not found"
		return &APIError{Status: http.StatusNotFound, Reason: ReasonNotFound, Message: msg}
	case errors.As(err, &notStarted), errors.Is(err, context.DeadlineExceeded), apierrors.IsTimeout(err):
		return &APIError{Status: http.StatusServiceUnavailable, Reason: ReasonUnavailable,
			Message: "the cache is not ready yet; try again shortly"}
	case apimeta.IsNoMatchError(err):
		return &APIError{Status: http.StatusServiceUnavailable, Reason: ReasonUnavailable,
			Message: "the " + kind + " API is not installed in the cluster (CRDs missing)"}
	}
	s.opts.Logger.Error(err, "reading the cache failed", "kind", kind, "name", name)
	return &APIError{Status: http.StatusInternalServerError, Reason: ReasonInternal, Message: "reading " + kind + " failed"}
}

// writeJSON writes v with the API's headers. Answers are live data: no
// caching.
// writeJSON encodes v before it sends the status, so that a value that
// cannot be encoded is a 500 with a JSON error, not a 200 with no body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body, _ = json.Marshal(ErrorBody{Error: APIError{Status: status, Reason: ReasonInternal,
			Message: "encoding the answer: " + err.Error()}})
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n')) // the client may be gone; nothing to do about it
}

func writeError(w http.ResponseWriter, e *APIError) {
	writeJSON(w, e.Status, ErrorBody{Error: *e})
}
