package main

import (
	"context"
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/operator"
)

// keyVariables names the environment variable holding each provider's key,
// in priority order.
var keyVariables = []struct {
	provider v1.ProviderName
	variable string
}{
	{v1.ProviderOpenAI, "OPENAI_API_KEY"},
	{v1.ProviderGemini, "GEMINI_API_KEY"},
	{v1.ProviderGroq, "GROQ_API_KEY"},
	{v1.ProviderCloudflare, "CLOUDFLARE_API_TOKEN"},
	{v1.ProviderHuggingFace, "HF_TOKEN"},
}

// credentials holds the keys local mode turns into Secrets, by provider.
type credentials map[v1.ProviderName]string

// credentialsFromEnv reads the keys present in the environment.
func credentialsFromEnv() credentials {
	out := credentials{}
	for _, kv := range keyVariables {
		if key := os.Getenv(kv.variable); key != "" {
			out[kv.provider] = key
		}
	}
	return out
}

// secretName is the Secret the sample ProviderLock names for a provider.
func secretName(p v1.ProviderName) string { return string(p) + "-credentials" }

// createSecrets creates the credentials namespace and one Secret per key,
// as the sample ProviderLock expects them (key apiKey).
func createSecrets(ctx context.Context, c client.Client, creds credentials) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: operator.DefaultCredentialsNamespace}}
	if err := c.Create(ctx, ns); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	for provider, key := range creds {
		secret := &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns.Name, Name: secretName(provider)},
			Data:       map[string][]byte{"apiKey": []byte(key)},
		}
		if err := c.Create(ctx, secret); err != nil {
			return fmt.Errorf("creating the %s Secret: %w", provider, err)
		}
	}
	return nil
}

// configureLock changes the sample lock's provider entries before the
// operator starts, e.g. to set Cloudflare's account or a fake base URL.
func configureLock(ctx context.Context, c client.Client, change func(*v1.ProviderSpec)) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		lock := &v1.ProviderLock{}
		if err := c.Get(ctx, client.ObjectKey{Name: v1.ProviderLockName}, lock); err != nil {
			return err
		}
		for i := range lock.Spec.Providers {
			change(&lock.Spec.Providers[i])
		}
		return c.Update(ctx, lock)
	})
}
