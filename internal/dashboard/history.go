package dashboard

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/history"
)

// ConfigMapHistoryOptions configure a ConfigMapHistory. The zero value works.
type ConfigMapHistoryOptions struct {
	// TTL is how long a read, or its failure, is reused; 30s when zero.
	TTL time.Duration
	// Timeout bounds one read of a ConfigMap; 5s when zero.
	Timeout time.Duration
	// MaxEntries bounds the ConfigMap keys held at once; 128 when zero.
	MaxEntries int
	// Clock tells the entries' age; the real clock when nil.
	Clock clock.PassiveClock
	// Logger logs failed reads, once per read; discarded when unset.
	Logger logr.Logger
}

// Defaults of ConfigMapHistoryOptions.
const (
	DefaultHistoryTTL        = 30 * time.Second
	DefaultHistoryTimeout    = 5 * time.Second
	DefaultHistoryMaxEntries = 128
)

// ConfigMapHistory loads the history of Forecasts that keep it in a
// ConfigMap key (spec.historyFrom), for their charts. It reads the
// ConfigMap as the Forecast controller does: through an uncached reader
// (the manager's API reader; the informer cache holds ConfigMaps as
// metadata only) and with history.Parse, so the chart shows what a provider
// is sent, with the same limits.
//
// Reads are user-triggered, so every read, and every failure, is reused for
// TTL per ConfigMap key, and concurrent requests for a key share one read:
// however many charts and pages are viewed, a key costs the API server at
// most one GET per TTL. A changed ConfigMap shows after TTL at the latest.
type ConfigMapHistory struct {
	reader client.Reader
	opts   ConfigMapHistoryOptions

	mu      sync.Mutex
	entries map[historyKey]*historyEntry
}

type historyKey struct{ namespace, name, key string }

// historyEntry is one read of a ConfigMap key, in flight until done closes.
type historyEntry struct {
	done   chan struct{}
	points []Point   // set before done closes
	err    error     // set before done closes
	at     time.Time // when the read ended, set before done closes
}

// NewConfigMapHistory returns a loader reading ConfigMaps through reader.
func NewConfigMapHistory(reader client.Reader, o ConfigMapHistoryOptions) *ConfigMapHistory {
	if o.TTL <= 0 {
		o.TTL = DefaultHistoryTTL
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultHistoryTimeout
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = DefaultHistoryMaxEntries
	}
	if o.Clock == nil {
		o.Clock = clock.RealClock{}
	}
	if o.Logger.GetSink() == nil {
		o.Logger = logr.Discard()
	}
	return &ConfigMapHistory{reader: reader, opts: o, entries: map[historyKey]*historyEntry{}}
}

// Load is a HistoryLoader. The points it returns are shared: read them,
// never change them.
func (h *ConfigMapHistory) Load(ctx context.Context, fc *v1.Forecast) ([]Point, error) {
	from := fc.Spec.HistoryFrom
	if from == nil {
		return nil, fmt.Errorf("forecast %s/%s has no spec.historyFrom", fc.Namespace, fc.Name)
	}
	e := h.entry(historyKey{namespace: fc.Namespace, name: from.ConfigMapKeyRef.Name, key: from.ConfigMapKeyRef.Key})
	select {
	case <-e.done:
		return e.points, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// entry returns the key's fresh or in-flight entry, or starts a read.
func (h *ConfigMapHistory) entry(k historyKey) *historyEntry {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.opts.Clock.Now()
	if e, ok := h.entries[k]; ok && !expired(e, now, h.opts.TTL) {
		return e
	}
	delete(h.entries, k)
	h.evict(now)
	e := &historyEntry{done: make(chan struct{})}
	h.entries[k] = e
	// The read belongs to every request waiting for it, not to the one that
	// started it: it runs on its own, bounded by the timeout.
	go h.read(k, e)
	return e
}

func expired(e *historyEntry, now time.Time, ttl time.Duration) bool {
	select {
	case <-e.done:
		return now.Sub(e.at) >= ttl
	default:
		return false // in flight
	}
}

// evict makes room for one entry: the expired ones go, then the oldest.
// Reads in flight stay; they end within the timeout.
func (h *ConfigMapHistory) evict(now time.Time) {
	if len(h.entries) < h.opts.MaxEntries {
		return
	}
	var oldest historyKey
	var oldestAt time.Time
	for k, e := range h.entries {
		select {
		case <-e.done:
		default:
			continue
		}
		if now.Sub(e.at) >= h.opts.TTL {
			delete(h.entries, k)
		} else if oldestAt.IsZero() || e.at.Before(oldestAt) {
			oldest, oldestAt = k, e.at
		}
	}
	if len(h.entries) >= h.opts.MaxEntries && !oldestAt.IsZero() {
		delete(h.entries, oldest)
	}
}

func (h *ConfigMapHistory) read(k historyKey, e *historyEntry) {
	ctx, cancel := context.WithTimeout(context.Background(), h.opts.Timeout)
	defer cancel()
	points, err := readConfigMapHistory(ctx, h.reader, k)
	if err != nil {
		h.opts.Logger.Info("reading a chart's history failed", "configMap", k.namespace+"/"+k.name, "key", k.key, "error", err.Error())
	}
	// Whoever reads these has seen done closed, which orders the writes first.
	e.points, e.err, e.at = points, err, h.opts.Clock.Now()
	close(e.done)
}

// readConfigMapHistory reads and parses a ConfigMap key as the controller
// does.
func readConfigMapHistory(ctx context.Context, reader client.Reader, k historyKey) ([]Point, error) {
	parsed, err := history.FromConfigMap(ctx, reader, k.namespace, k.name, k.key)
	if err != nil {
		return nil, err
	}
	points := make([]Point, len(parsed))
	for i, p := range parsed {
		points[i] = Point{Period: p.Period, Value: p.Value}
	}
	return points, nil
}
