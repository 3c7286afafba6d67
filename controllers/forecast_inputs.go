package controllers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
	"github.com/bottleneck-io/bottleneck-operator/internal/history"
)

// inputHashVersion changes when the meaning of the inputs changes (a new
// prompt or engine rule), so that every Forecast is produced again.
const inputHashVersion = 1

// resolveData gathers everything the provider is asked about: the spec and
// the history, inline or from its ConfigMap.
func (r *ForecastReconciler) resolveData(ctx context.Context, fc *v1.Forecast) (engine.Data, error) {
	points, err := r.history(ctx, fc)
	if err != nil {
		return engine.Data{}, err
	}
	d := engine.Data{
		Region: fc.Spec.Region, Subject: fc.Spec.Subject, Unit: fc.Spec.Unit,
		Period: string(fc.Spec.Period), Horizon: int(fc.Spec.Horizon),
		History: points, Actual: fc.Spec.Actual,
	}
	if d.Period == "" {
		d.Period = string(v1.PeriodMonth)
	}
	if d.Horizon == 0 {
		d.Horizon = 6
	}
	if fc.Spec.Capacity != nil {
		c, err := history.ParseValue(string(*fc.Spec.Capacity))
		if err != nil {
			return engine.Data{}, &stallError{reason: v1.InvalidInputReason, message: "spec.capacity: " + err.Error()}
		}
		d.Capacity = &c
	}
	if err := d.Validate(); err != nil {
		return engine.Data{}, &stallError{reason: v1.InvalidInputReason, message: err.Error()}
	}
	return d, nil
}

func (r *ForecastReconciler) history(ctx context.Context, fc *v1.Forecast) ([]engine.Point, error) {
	if fc.Spec.HistoryFrom == nil {
		points := make([]engine.Point, len(fc.Spec.History))
		for i, p := range fc.Spec.History {
			v, err := history.ParseValue(string(p.Value))
			if err != nil {
				return nil, &stallError{reason: v1.InvalidInputReason, message: fmt.Sprintf("spec.history[%d]: %v", i, err)}
			}
			points[i] = engine.Point{Period: p.Period, Value: v}
		}
		return points, nil
	}

	ref := fc.Spec.HistoryFrom.ConfigMapKeyRef
	points, err := r.histories.read(ctx, r.Client, r.APIReader, fc.Namespace, ref.Name, ref.Key)
	var unavailable *history.UnavailableError
	var unreadable *history.Error
	switch {
	case errors.As(err, &unavailable):
		return nil, &waitError{reason: v1.HistoryUnavailableReason, message: unavailable.Message}
	case errors.As(err, &unreadable):
		return nil, &stallError{reason: v1.InvalidInputReason, message: unreadable.Message}
	}
	return points, err
}

// inputHash identifies the data a result is made from.
func inputHash(d engine.Data) string {
	b, _ := json.Marshal(struct {
		Version int         `json:"v"`
		Data    engine.Data `json:"data"`
	}{inputHashVersion, d}) // marshalling plain structs, strings and floats cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// freshUntil returns when the current result goes stale, and false when
// there is no result for these inputs.
func freshUntil(fc *v1.Forecast, hash string) (time.Time, bool) {
	st := fc.Status
	if st.InputHash != hash || st.GeneratedAt == nil || len(st.Predictions) == 0 {
		return time.Time{}, false
	}
	return st.GeneratedAt.Add(refreshAfter(fc)), true
}

func refreshInterval(fc *v1.Forecast) time.Duration {
	return durationOr(fc.Spec.RefreshInterval, time.Hour)
}

// refreshAfter is how long after a result the Forecast is refreshed: its
// refreshInterval moved by a jitter of up to ±10%, fixed by its UID, so
// that Forecasts applied together (a GitOps sync) spread their refreshes
// over a fifth of the interval instead of calling the provider at once,
// hour after hour, while each Forecast keeps a steady period.
func refreshAfter(fc *v1.Forecast) time.Duration {
	d := refreshInterval(fc)
	h := fnv.New64a()
	_, _ = h.Write([]byte(fc.UID))
	// A fraction in [-0.1, 0.1], in 2001 steps.
	frac := float64(int64(h.Sum64()%2001)-1000) / 10000
	return d + time.Duration(frac*float64(d)).Truncate(time.Second)
}

func durationOr(d *metav1.Duration, fallback time.Duration) time.Duration {
	if d == nil || d.Duration <= 0 {
		return fallback
	}
	return d.Duration
}
