package dashboard

import "time"

// The JSON API's answers. Field names are part of the API: they are
// documented in the README and only ever added to, never renamed. Times are
// RFC 3339 in UTC; numbers that the CRDs keep as decimal strings are JSON
// numbers here.

// ErrorBody is the body of every error answer of the JSON API.
type ErrorBody struct {
	// Error says what went wrong.
	Error APIError `json:"error"`
}

// APIError describes a refused or failed request.
type APIError struct {
	// Status is the HTTP status code of the answer.
	Status int `json:"status"`
	// Reason is one CamelCase word: InvalidParameter, NotFound,
	// MethodNotAllowed, Unavailable or Internal.
	Reason string `json:"reason"`
	// Message says what went wrong and, for a bad parameter, what to send.
	Message string `json:"message"`
	// Parameter names the query parameter that was refused.
	Parameter string `json:"parameter,omitempty"`
	// Allowed lists the values Parameter accepts, when they form a set.
	Allowed []string `json:"allowed,omitempty"`
}

// Error reasons.
const (
	ReasonInvalidParameter = "InvalidParameter"
	ReasonNotFound         = "NotFound"
	ReasonMethodNotAllowed = "MethodNotAllowed"
	ReasonUnavailable      = "Unavailable"
	ReasonInternal         = "Internal"
)

// Forecast states, one per Forecast, in order of precedence: a suspended
// Forecast is Suspended whatever else holds, a failing one Failing, and so on.
const (
	// StateSuspended: spec.suspend is set; no calls, no refreshes.
	StateSuspended = "Suspended"
	// StateFailing: the last attempt failed, or Ready is False (no
	// provider, missing history, bad input, ...), unless the Forecast only
	// waits for a rate-limit pause to end.
	StateFailing = "Failing"
	// StateStale: the result is older than it should be: now is past
	// nextRefreshAt plus the stale grace (Options.StaleGrace).
	StateStale = "Stale"
	// StateReady: the Forecast holds a current result.
	StateReady = "Ready"
	// StatePending: no result yet and nothing has failed.
	StatePending = "Pending"
)

// NoRisk is the byRisk key and riskLevel filter word for Forecasts without a
// result; NoProvider is the byProvider key for the same.
const (
	NoRisk     = "None"
	NoProvider = "none"
)

// Condition is one status condition of an object.
type Condition struct {
	// Type of the condition, e.g. Ready.
	Type string `json:"type"`
	// Status is True, False or Unknown (also when the condition is absent).
	Status string `json:"status"`
	// Reason is a CamelCase word saying why.
	Reason string `json:"reason,omitempty"`
	// Message says why, in words.
	Message string `json:"message,omitempty"`
	// LastTransitionTime is when Status last changed.
	LastTransitionTime *time.Time `json:"lastTransitionTime,omitempty"`
}

// ProviderLock is the answer of GET /api/v1/providerlock: the lock's
// settings, its state, every provider's health and the audit trail.
type ProviderLock struct {
	// Name of the lock; always "default".
	Name string `json:"name"`
	// ActiveProvider serves every forecast request; empty when none is locked.
	ActiveProvider string `json:"activeProvider"`
	// ActiveModel is the model the active provider is asked for.
	ActiveModel string `json:"activeModel,omitempty"`
	// LockedAt is when the active provider took the lock.
	LockedAt *time.Time `json:"lockedAt,omitempty"`
	// Epoch increases by one on every lock change.
	Epoch int64 `json:"epoch"`
	// ConsecutiveFailures of the active provider in this epoch.
	ConsecutiveFailures int32 `json:"consecutiveFailures"`
	// FailureThreshold is the count of failures that moves the lock.
	FailureThreshold int32 `json:"failureThreshold"`
	// Cooldown is how long a provider that lost the lock stays ineligible,
	// as a Go duration, e.g. "5m0s".
	Cooldown string `json:"cooldown,omitempty"`
	// Failback is Manual or Automatic.
	Failback string `json:"failback,omitempty"`
	// Override is the provider spec.override forces, if any.
	Override string `json:"override,omitempty"`
	// Ready is the lock's Ready condition: a usable provider is locked.
	Ready Condition `json:"ready"`
	// Degraded is the lock's Degraded condition: serving from a fallback.
	Degraded Condition `json:"degraded"`
	// Providers in failover priority order, with their health.
	Providers []ProviderHealth `json:"providers"`
	// History is the audit trail of lock changes, newest first.
	History []LockChange `json:"history"`
	// Generation of the lock's spec.
	Generation int64 `json:"generation"`
	// ObservedGeneration is the spec generation the status reflects.
	ObservedGeneration int64 `json:"observedGeneration"`
}

// ProviderHealth is one provider of the lock. It names the Secret holding
// the provider's key, never its content.
type ProviderHealth struct {
	// Name of the provider: openai, gemini, groq, cloudflare, huggingface or
	// baseline.
	Name string `json:"name"`
	// Priority is the provider's place in the failover order, from 1; 0 for
	// a provider the status still lists but the spec no longer does.
	Priority int `json:"priority"`
	// Active is true for the provider holding the lock.
	Active bool `json:"active"`
	// Model configured for the provider; empty means its default.
	Model string `json:"model,omitempty"`
	// State is Active, Standby, Unhealthy, CoolingDown or Unconfigured, or
	// Unknown before the lock controller has reported on the provider.
	State string `json:"state"`
	// Message explains the state.
	Message string `json:"message,omitempty"`
	// LastProbeTime is when the health monitor last probed the provider.
	LastProbeTime *time.Time `json:"lastProbeTime,omitempty"`
	// LastProbeLatencyMs is how long that probe took, in milliseconds.
	LastProbeLatencyMs *float64 `json:"lastProbeLatencyMs,omitempty"`
	// LastError is the last error the provider returned.
	LastError string `json:"lastError,omitempty"`
	// CooldownUntil is when a provider that lost the lock is eligible again.
	CooldownUntil *time.Time `json:"cooldownUntil,omitempty"`
	// CredentialsRef names the Secret key holding the API key.
	CredentialsRef *SecretRef `json:"credentialsRef,omitempty"`
}

// SecretRef names a Secret key. The dashboard never reads Secrets.
type SecretRef struct {
	// Namespace of the Secret.
	Namespace string `json:"namespace"`
	// Name of the Secret.
	Name string `json:"name"`
	// Key in the Secret's data.
	Key string `json:"key,omitempty"`
}

// LockChange is one entry of the lock's audit trail.
type LockChange struct {
	// Time of the change.
	Time time.Time `json:"time"`
	// From is the provider that held the lock before; empty for Initial.
	From string `json:"from,omitempty"`
	// To is the provider that holds the lock after the change.
	To string `json:"to"`
	// Epoch of the lock after the change.
	Epoch int64 `json:"epoch"`
	// Reason of the change: Initial, FailureThreshold, ProviderRejected,
	// Override, OverrideCleared, Failback or ProviderRemoved.
	Reason string `json:"reason"`
	// Message says what happened.
	Message string `json:"message,omitempty"`
}
