// This file is the whole of what the manager may do in the cluster: every
// +kubebuilder:rbac marker of the operator is here, and `make manifests`
// turns them into config/rbac/role.yaml. Each verb says which code path
// needs it; test/e2e/install_test.go runs the manager with only the
// rendered RBAC, with the API server's audit log on, and fails when a
// request is refused or a granted verb is never used. Leader election and
// the metrics authn/authz filter have their own roles in config/rbac.

package controllers

// Forecasts: the manager's cache lists and watches them (both controllers,
// the dashboard). get: ForecastReconciler.cacheBehind reads the live object
// through the uncached APIReader when resourceVersions do not compare.
// +kubebuilder:rbac:groups=forecast.bottleneck.io,resources=forecasts,verbs=get;list;watch

// patch only: ForecastReconciler writes each outcome with one
// Status().Patch (forecast_write.go); nothing updates or reads /status.
// +kubebuilder:rbac:groups=forecast.bottleneck.io,resources=forecasts/status,verbs=patch

// The lock: the cache lists and watches it (the ProviderLock controller,
// the Forecast controller's lock watch); reads of it go to the cache.
// +kubebuilder:rbac:groups=forecast.bottleneck.io,resources=providerlocks,verbs=list;watch

// update only: ProviderLockReconciler.record writes the status with
// Status().Update, whose resourceVersion makes a concurrent writer fail.
// +kubebuilder:rbac:groups=forecast.bottleneck.io,resources=providerlocks/status,verbs=update

// ConfigMaps a Forecast's history comes from: list and watch feed the
// metadata-only watch (WatchesMetadata in forecast_watches.go); get reads a
// history's content uncached (history.ReadConfigMap through the APIReader,
// also by the dashboard), so no ConfigMap's data is cached.
// +kubebuilder:rbac:groups="",resources=configmaps,verbs=get;list;watch

// Events (events.k8s.io, the recorder of mgr.GetEventRecorder): create for
// a new event, patch to count a repeated one in its series.
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Provider API keys, in the credentials namespace only (a Role, bound by
// config/rbac/credentials_role_binding.yaml): the cache, restricted to that
// namespace, lists and watches them so that a new or rotated key takes
// effect at once; Credentials reads them from the cache, never live.
// +kubebuilder:rbac:groups="",namespace=bottleneck-system,resources=secrets,verbs=list;watch
