package controllers

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/providers"
)

// CredentialsError says which Secret or key is missing. It never carries the
// Secret's content.
type CredentialsError struct{ Message string }

func (e *CredentialsError) Error() string { return e.Message }

// readAPIKey reads the API key a provider entry points at. Secrets are read
// with an uncached reader, so the operator needs `get` on Secrets but never
// lists or caches every Secret of the cluster.
func readAPIKey(ctx context.Context, r client.Reader, p v1.ProviderSpec) (providers.APIKey, error) {
	if !providers.NeedsCredentials(string(p.Name)) {
		return "", nil
	}
	ref := p.CredentialsRef
	if ref == nil {
		return "", &CredentialsError{Message: fmt.Sprintf("%s has no credentialsRef", p.Name)}
	}
	var secret corev1.Secret
	err := r.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, &secret)
	switch {
	case apierrors.IsNotFound(err):
		return "", &CredentialsError{Message: fmt.Sprintf("Secret %s/%s not found", ref.Namespace, ref.Name)}
	case err != nil:
		return "", fmt.Errorf("reading Secret %s/%s: %w", ref.Namespace, ref.Name, err)
	}
	key := ref.Key
	if key == "" {
		key = "apiKey"
	}
	value, ok := secret.Data[key]
	if !ok || len(value) == 0 {
		return "", &CredentialsError{Message: fmt.Sprintf("Secret %s/%s has no key %q", ref.Namespace, ref.Name, key)}
	}
	return providers.APIKey(value), nil
}

// unconfigured returns, for each listed provider that cannot be used, why.
func unconfigured(ctx context.Context, r client.Reader, spec v1.ProviderLockSpec) (map[v1.ProviderName]string, error) {
	out := map[v1.ProviderName]string{}
	for _, p := range spec.Providers {
		if _, err := readAPIKey(ctx, r, p); err != nil {
			var ce *CredentialsError
			if !errors.As(err, &ce) {
				return nil, err
			}
			out[p.Name] = err.Error()
		} else if !providers.Supported(string(p.Name)) {
			out[p.Name] = fmt.Sprintf("this build of the operator has no %s client", p.Name)
		}
	}
	return out, nil
}
