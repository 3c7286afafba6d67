package v1alpha1

// Condition types. Forecast uses the kstatus trio (Ready, Reconciling,
// Stalled) so that `kubectl wait --for=condition=Ready`, Flux and Argo CD
// health checks work unchanged; ProviderLock uses Ready and Degraded.
const (
	// ReadyCondition is True when the object's status reflects its current
	// spec and is usable: a Forecast holds a result for its current inputs, a
	// ProviderLock holds a provider that can serve requests.
	ReadyCondition = "Ready"

	// ReconcilingCondition is True while the controller is working towards
	// Ready (first run, a spec change, or a retry after a transient failure).
	ReconcilingCondition = "Reconciling"

	// StalledCondition is True when the controller cannot make progress
	// without a change from the user, e.g. unusable input data.
	StalledCondition = "Stalled"

	// DegradedCondition is True when a ProviderLock serves from a fallback
	// (not the first provider listed) or has no eligible provider at all.
	DegradedCondition = "Degraded"
)

// Forecast condition reasons.
const (
	// SucceededReason: the Forecast holds a normalized result for its
	// current inputs.
	SucceededReason = "Succeeded"

	// ProviderLockNotFoundReason: the ProviderLock named `default` does not
	// exist, so no provider can be asked. The Forecast waits for it.
	ProviderLockNotFoundReason = "ProviderLockNotFound"

	// NoActiveProviderReason: the ProviderLock exists but holds no usable
	// provider. The Forecast waits for the lock to change.
	NoActiveProviderReason = "NoActiveProvider"

	// HistoryUnavailableReason: the ConfigMap named by spec.historyFrom, or
	// its key, does not exist yet. The Forecast waits for it.
	HistoryUnavailableReason = "HistoryUnavailable"

	// ProviderFailedReason: the provider failed (timeout, 5xx, rate limit,
	// rejected key, ...). The Forecast retries with backoff.
	ProviderFailedReason = "ProviderFailed"

	// InvalidOutputReason: the provider answered, but the answer could not
	// be turned into a valid result. The Forecast retries with backoff.
	InvalidOutputReason = "InvalidOutput"

	// InvalidInputReason: the Forecast's data cannot be forecast (for
	// example a history that is too short or not numeric). The Forecast is
	// Stalled until its spec or data source changes.
	InvalidInputReason = "InvalidInput"

	// RequestRefusedReason: the provider refused this Forecast's request
	// (an invalid parameter, a context-length error, a blocked prompt). The
	// Forecast is Stalled until its spec, its data or the lock's provider
	// changes.
	RequestRefusedReason = "RequestRefused"

	// RateLimitedReason: a 429 paused the provider's gate for every
	// Forecast. The Forecast keeps its last result, is not failed, and is
	// asked again when the pause, whose end the message gives, has passed.
	RateLimitedReason = "RateLimited"

	// StatusWriteRefusedReason: the provider's answer was valid, but the API
	// server refused to store it. The result is kept in memory and only the
	// write is retried; the provider is not called again for these inputs.
	StatusWriteRefusedReason = "StatusWriteRefused"
)

// ProviderLock condition reasons.
const (
	// ProviderLockedReason: a provider is locked and serves every request.
	ProviderLockedReason = "ProviderLocked"

	// NoEligibleProviderReason: no listed provider is configured, healthy
	// and out of cooldown, and none was locked before.
	NoEligibleProviderReason = "NoEligibleProvider"

	// RunningOnFallbackReason: the locked provider is not the first provider
	// listed in spec.providers.
	RunningOnFallbackReason = "RunningOnFallback"

	// PrimaryProviderReason: the locked provider is the first one listed.
	PrimaryProviderReason = "PrimaryProvider"

	// EgressFailureReason: most LLM providers are unreachable at once, so
	// the operator's own network (DNS, proxy, network policy) is at fault.
	EgressFailureReason = "EgressFailure"

	// OverrideIneligibleReason: spec.override holds the lock on a provider
	// that is not eligible (unconfigured, cooling down), whose calls fail
	// until it is fixed or the override is removed.
	OverrideIneligibleReason = "OverrideIneligible"
)

// LockChangeReason says why the ProviderLock moved, in status.history.
// +kubebuilder:validation:Enum=Initial;FailureThreshold;ProviderRejected;Override;OverrideCleared;Failback;ProviderRemoved;EgressFailure;EgressRestored
type LockChangeReason string

const (
	// LockInitial: the first provider was locked.
	LockInitial LockChangeReason = "Initial"
	// LockFailureThreshold: the active provider reached failureThreshold
	// consecutive provider-caused failures.
	LockFailureThreshold LockChangeReason = "FailureThreshold"
	// LockProviderRejected: the active provider refused the requests (bad
	// key, unknown model, quota exhausted); the lock moved at once.
	LockProviderRejected LockChangeReason = "ProviderRejected"
	// LockOverride: spec.override named another provider.
	LockOverride LockChangeReason = "Override"
	// LockOverrideCleared: spec.override was removed and normal selection
	// resumed.
	LockOverrideCleared LockChangeReason = "OverrideCleared"
	// LockFailback: with failback Automatic, a higher-priority provider came
	// back after its cooldown and a successful probe.
	LockFailback LockChangeReason = "Failback"
	// LockProviderRemoved: the active provider was removed from spec.providers.
	LockProviderRemoved LockChangeReason = "ProviderRemoved"
	// LockEgressFailure: most LLM providers became unreachable at once; the
	// lock moved to baseline without putting any provider in cooldown.
	LockEgressFailure LockChangeReason = "EgressFailure"
	// LockEgressRestored: after an egress failure, a probe reached the first
	// LLM provider again and the lock returned to it.
	LockEgressRestored LockChangeReason = "EgressRestored"
)
