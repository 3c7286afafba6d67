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

// Credentials reads provider API keys from Secrets in one namespace, the
// only namespace whose Secrets the operator may read (and watch, so a new,
// rotated or deleted key takes effect at once, without a restart).
type Credentials struct {
	// Reader reads Secrets; the manager's cache holds only Namespace's.
	Reader client.Reader
	// Namespace is the credentials namespace (--credentials-namespace).
	Namespace string
}

// CredentialsError says which Secret or key is missing. It never carries the
// Secret's content.
type CredentialsError struct{ Message string }

func (e *CredentialsError) Error() string { return e.Message }

// APIKey returns the key a provider entry points at, read now, so that a
// rotated key is used from the next call on. A self-hosted server (see
// SelfHosted) has none.
func (c Credentials) APIKey(ctx context.Context, p v1.ProviderSpec) (providers.APIKey, error) {
	if !providers.NeedsCredentials(string(p.Name)) || SelfHosted(p) {
		return "", nil
	}
	ref := p.CredentialsRef
	if ref == nil {
		return "", &CredentialsError{Message: fmt.Sprintf("%s has no credentialsRef", p.Name)}
	}
	if ref.Namespace != c.Namespace {
		return "", &CredentialsError{Message: fmt.Sprintf(
			"Secret %s/%s is outside the credentials namespace %s, the only one the operator may read (--credentials-namespace)",
			ref.Namespace, ref.Name, c.Namespace)}
	}
	var secret corev1.Secret
	err := c.Reader.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, &secret)
	switch {
	case apierrors.IsNotFound(err):
		return "", &CredentialsError{Message: fmt.Sprintf("Secret %s/%s not found", ref.Namespace, ref.Name)}
	case err != nil:
		return "", fmt.Errorf("reading Secret %s/%s: %w", ref.Namespace, ref.Name, err)
	}
	value, ok := secret.Data[ref.Key]
	if !ok || len(value) == 0 {
		return "", &CredentialsError{Message: fmt.Sprintf("Secret %s/%s has no key %q", ref.Namespace, ref.Name, ref.Key)}
	}
	return providers.APIKey(value), nil
}

// SelfHosted reports whether an entry names an OpenAI-compatible server of
// one's own that needs no key: an openai entry with a baseURL and no
// credentialsRef (admission allows no other entry without one).
func SelfHosted(p v1.ProviderSpec) bool {
	return p.Name == v1.ProviderOpenAI && p.BaseURL != "" && p.CredentialsRef == nil
}

// Unconfigured returns, for each listed provider that cannot be used, why.
func (c Credentials) Unconfigured(ctx context.Context, spec v1.ProviderLockSpec) (map[v1.ProviderName]string, error) {
	out := map[v1.ProviderName]string{}
	for _, p := range spec.Providers {
		if _, err := c.APIKey(ctx, p); err != nil {
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

// references reports whether the lock reads a Secret.
func references(spec v1.ProviderLockSpec, secret client.Object) bool {
	for _, p := range spec.Providers {
		if r := p.CredentialsRef; r != nil && r.Namespace == secret.GetNamespace() && r.Name == secret.GetName() {
			return true
		}
	}
	return false
}
