package controllers

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/failover"
	"github.com/bottleneck-io/bottleneck-operator/internal/providers"
)

// defaultTimeout bounds a provider call when the lock entry has none (the
// API server defaults it; this covers objects written before the default).
const defaultTimeout = 30 * time.Second

// target is the provider a Forecast is sent to, as the lock holds it now.
type target struct {
	spec    v1.ProviderSpec
	model   string
	epoch   int64
	lockUID types.UID
	// pausedUntil is the end of a rate-limit pause the lock records.
	pausedUntil *metav1.Time
}

// resolveProvider reads the lock from the cache and returns its active
// provider, or a waitError when there is none: the Forecast controller
// watches the lock, so it is reconciled again when that changes.
func (r *ForecastReconciler) resolveProvider(ctx context.Context) (target, error) {
	lock := &v1.ProviderLock{}
	err := r.Get(ctx, client.ObjectKey{Name: v1.ProviderLockName}, lock)
	switch {
	case apierrors.IsNotFound(err):
		return target{}, &waitError{reason: v1.ProviderLockNotFoundReason,
			message: "the ProviderLock 'default' does not exist; create it to choose a provider (see config/samples)"}
	case err != nil:
		return target{}, err
	}
	ready := apimeta.FindStatusCondition(lock.Status.Conditions, v1.ReadyCondition)
	spec, listed := providerSpec(lock.Spec, lock.Status.ActiveProvider)
	if ready == nil || ready.Status != "True" || !listed {
		msg := "the ProviderLock 'default' holds no usable provider"
		if ready != nil && ready.Message != "" {
			msg += ": " + ready.Message
		}
		return target{}, &waitError{reason: v1.NoActiveProviderReason, message: msg}
	}
	t := target{spec: spec, model: lock.Status.ActiveModel, epoch: lock.Status.Epoch, lockUID: lock.UID}
	if st := failover.StatusOf(lock.Status, spec.Name); st != nil {
		t.pausedUntil = st.PausedUntil
	}
	return t, nil
}

// maxModelName is the longest model name status.model holds (the CRD's
// bound); a provider reporting a longer one is recorded under the lock's.
const maxModelName = 256

// client builds the provider client with the key its Secret holds now, so a
// rotated key is used from the next call on.
func (r *ForecastReconciler) client(ctx context.Context, t target) (providers.Provider, error) {
	key, err := r.Credentials.APIKey(ctx, t.spec)
	if ce := (*CredentialsError)(nil); errors.As(err, &ce) {
		return nil, &providers.Error{Provider: string(t.spec.Name), Class: providers.Rejected,
			Reason: "CredentialsUnavailable", Message: ce.Message}
	} else if err != nil {
		return nil, err
	}
	p, err := r.NewProvider(providers.Config{
		Name: string(t.spec.Name), Model: t.model, BaseURL: t.spec.BaseURL,
		AccountID: t.spec.AccountID, APIKey: key, Timeout: durationOr(t.spec.Timeout, defaultTimeout),
	})
	if pe := (*providers.Error)(nil); errors.As(err, &pe) {
		return nil, pe
	} else if err != nil {
		return nil, &providers.Error{Provider: string(t.spec.Name), Class: providers.Rejected,
			Reason: "InvalidConfig", Message: fmt.Sprintf("building the client: %v", err), Err: err}
	}
	return p, nil
}
