package controllers

import (
	"context"
	"slices"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
	"github.com/bottleneck-io/bottleneck-operator/internal/history"
)

// configMapHistories keeps the series parsed from each ConfigMap key that
// Forecasts read, with the resourceVersion of the ConfigMap it came from.
// The operator caches no ConfigMap's data, only its metadata (to watch it):
// when the cached metadata shows the version already parsed, the series is
// known without a read from the API server. So a lock move, which
// reconciles every Forecast, costs no ConfigMap reads, and a ConfigMap is
// read once per change, however many Forecasts share it.
type configMapHistories struct {
	mu     sync.Mutex
	parsed map[historyRef]parsedHistory
}

type historyRef struct{ namespace, name, key string }

type parsedHistory struct {
	version string
	points  []engine.Point
}

// read returns the series in key of the ConfigMap namespace/name: the one
// parsed before when the ConfigMap has not changed since, or else what
// history.ReadConfigMap reads with reader.
func (h *configMapHistories) read(ctx context.Context, cache, reader client.Reader, namespace, name, key string) ([]engine.Point, error) {
	ref := historyRef{namespace, name, key}
	meta := &metav1.PartialObjectMetadata{}
	meta.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("ConfigMap"))
	if err := cache.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, meta); err == nil {
		if points, ok := h.get(ref, meta.ResourceVersion); ok {
			return points, nil
		}
	}
	points, version, err := history.ReadConfigMap(ctx, reader, namespace, name, key)
	h.put(ref, version, points, err)
	return points, err
}

func (h *configMapHistories) get(ref historyRef, version string) ([]engine.Point, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	p, ok := h.parsed[ref]
	if !ok || p.version != version {
		return nil, false
	}
	return slices.Clone(p.points), true // the caller's to change
}

// put keeps a series read without error, and forgets one that cannot be
// read any more (the ConfigMap or its key gone, or unreadable).
func (h *configMapHistories) put(ref historyRef, version string, points []engine.Point, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err != nil {
		delete(h.parsed, ref)
		return
	}
	if h.parsed == nil {
		h.parsed = map[historyRef]parsedHistory{}
	}
	h.parsed[ref] = parsedHistory{version: version, points: slices.Clone(points)}
}
