package history

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

// UnavailableError says that the ConfigMap or its key a Forecast names does
// not exist (yet): the Forecast waits for it.
type UnavailableError struct{ Message string }

func (e *UnavailableError) Error() string { return e.Message }

// FromConfigMap reads the series in key of the ConfigMap namespace/name with
// reader — the Forecast controller and the dashboard both use the manager's
// uncached reader, so that the operator caches no ConfigMap's data. Errors:
// *UnavailableError for a missing ConfigMap or key, *Error for a series
// that cannot be read (its message names the ConfigMap and key), and the API
// server's error, wrapped, otherwise.
func FromConfigMap(ctx context.Context, reader client.Reader, namespace, name, key string) ([]engine.Point, error) {
	points, _, err := ReadConfigMap(ctx, reader, namespace, name, key)
	return points, err
}

// ReadConfigMap is FromConfigMap that also returns the resourceVersion of
// the ConfigMap read, for a caller that keeps the series until it changes.
func ReadConfigMap(ctx context.Context, reader client.Reader, namespace, name, key string) ([]engine.Point, string, error) {
	where := fmt.Sprintf("ConfigMap %s/%s", namespace, name)
	var cm corev1.ConfigMap
	err := reader.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, &cm)
	switch {
	case apierrors.IsNotFound(err):
		return nil, "", &UnavailableError{Message: where + " named by spec.historyFrom does not exist"}
	case err != nil:
		return nil, "", fmt.Errorf("reading %s: %w", where, err)
	}
	text, ok := cm.Data[key]
	if !ok {
		return nil, cm.ResourceVersion, &UnavailableError{Message: fmt.Sprintf("%s has no key %q", where, key)}
	}
	points, err := Parse(text)
	if pe := (*Error)(nil); errors.As(err, &pe) {
		return nil, cm.ResourceVersion, &Error{Message: fmt.Sprintf("%s key %q: %s", where, key, pe.Message)}
	}
	return points, cm.ResourceVersion, err
}
