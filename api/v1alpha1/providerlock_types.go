package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ProviderName names one of the LLM providers the operator can lock, or
// baseline, its own offline statistical forecaster.
// +kubebuilder:validation:Enum=openai;gemini;groq;cloudflare;huggingface;baseline
type ProviderName string

// The providers, in their default priority order.
const (
	ProviderOpenAI      ProviderName = "openai"
	ProviderGemini      ProviderName = "gemini"
	ProviderGroq        ProviderName = "groq"
	ProviderCloudflare  ProviderName = "cloudflare"
	ProviderHuggingFace ProviderName = "huggingface"
	ProviderBaseline    ProviderName = "baseline"
)

// ProviderLockName is the only name a ProviderLock may have.
const ProviderLockName = "default"

// FailbackPolicy says whether the lock returns to a higher-priority provider
// by itself.
// +kubebuilder:validation:Enum=Manual;Automatic
type FailbackPolicy string

const (
	// FailbackManual: the lock moves only on failures or by hand (spec.override).
	FailbackManual FailbackPolicy = "Manual"
	// FailbackAutomatic: after its cooldown and a successful probe, the lock
	// returns to a higher-priority provider.
	FailbackAutomatic FailbackPolicy = "Automatic"
)

// ProviderState is a provider's standing in the lock.
// +kubebuilder:validation:Enum=Active;Standby;Unhealthy;CoolingDown;Unconfigured
type ProviderState string

const (
	// ProviderActive: the provider holds the lock and serves every request.
	ProviderActive ProviderState = "Active"
	// ProviderStandby: configured and eligible to take the lock.
	ProviderStandby ProviderState = "Standby"
	// ProviderUnhealthy: its last health probe failed; not eligible.
	ProviderUnhealthy ProviderState = "Unhealthy"
	// ProviderCoolingDown: it lost the lock recently; not eligible until
	// cooldownUntil.
	ProviderCoolingDown ProviderState = "CoolingDown"
	// ProviderUnconfigured: its credentials Secret or key is missing.
	ProviderUnconfigured ProviderState = "Unconfigured"
)

// SecretKeyReference points at one key of a Secret holding an API key.
type SecretKeyReference struct {
	// namespace of the Secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`

	// name of the Secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// key in the Secret's data whose value is the API key.
	// +optional
	// +kubebuilder:default=apiKey
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Key string `json:"key,omitempty"`
}

// ProviderSpec configures one provider of the lock.
// +kubebuilder:validation:XValidation:rule="self.name == 'baseline' || has(self.credentialsRef) || (self.name == 'openai' && has(self.baseURL))",message="credentialsRef is required for every provider but baseline, and for an openai entry without a baseURL (a self-hosted OpenAI-compatible server may need no key)"
// +kubebuilder:validation:XValidation:rule="self.name != 'cloudflare' || has(self.accountID)",message="accountID is required for cloudflare"
type ProviderSpec struct {
	// name of the provider.
	// +required
	Name ProviderName `json:"name"`

	// model to ask, e.g. gpt-4o-mini, gemini-2.5-flash,
	// llama-3.3-70b-versatile, @cf/meta/llama-3.1-8b-instruct. Empty means
	// the provider's default model. Ignored by baseline.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	Model string `json:"model,omitempty"`

	// baseURL replaces the provider's default API base URL (for proxies,
	// self-hosted gateways and tests); the API paths stay the same.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern=`^https?://`
	BaseURL string `json:"baseURL,omitempty"`

	// accountID is the Cloudflare account that runs Workers AI.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	AccountID string `json:"accountID,omitempty"`

	// credentialsRef names the Secret key holding the API key. Required for
	// every provider but baseline; optional for an openai entry with a
	// baseURL, which then points at a self-hosted OpenAI-compatible server
	// (vLLM, Ollama, llama.cpp's server, a LiteLLM proxy) that needs no key.
	// +optional
	CredentialsRef *SecretKeyReference `json:"credentialsRef,omitempty"`

	// timeout bounds one request to the provider.
	// +optional
	// +kubebuilder:default="30s"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:XValidation:rule="duration(self) > duration('0s') && duration(self) <= duration('10m')",message="timeout must be more than 0s and at most 10m"
	Timeout *metav1.Duration `json:"timeout,omitempty"`

	// limits bound the traffic the operator sends this provider, for every
	// Forecast together. A limit left out takes the provider's default,
	// which suits its public free or first paid tier (see
	// docs/traffic.md): openai 5 at once, 500 requests and 200000 tokens
	// a minute; gemini 5, 10 and 250000; groq 5, 30 and 12000; cloudflare
	// 5 and 300 requests; huggingface 5 and 60 requests; baseline 8 at
	// once. An openai entry with a baseURL and no credentialsRef (a
	// self-hosted server) defaults to 4 at once and no per-minute limits.
	// +optional
	Limits *ProviderLimits `json:"limits,omitempty"`

	// pricing is what the provider charges per million tokens; when set,
	// the operator counts the cost of every call in
	// bottleneck_provider_cost_total.
	// +optional
	Pricing *TokenPricing `json:"pricing,omitempty"`
}

// ProviderLimits bound the calls to one provider. The Forecasts wait for
// the provider's gate, in a queue fair between namespaces; none is failed
// for waiting.
type ProviderLimits struct {
	// maxConcurrent is the number of calls in flight at once.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1000
	MaxConcurrent *int32 `json:"maxConcurrent,omitempty"`

	// requestsPerMinute is the number of calls started in any 60 seconds;
	// they are spread over the minute (at most a sixtieth of it, and at
	// least one, in any second).
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1000000
	RequestsPerMinute *int32 `json:"requestsPerMinute,omitempty"`

	// tokensPerMinute is the number of tokens, prompt and answer, the calls
	// started in any 60 seconds may use: estimated from the prompt before a
	// call, corrected by the usage the answer reports.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1000000000
	TokensPerMinute *int32 `json:"tokensPerMinute,omitempty"`
}

// TokenPricing is a provider's price per million tokens, in the currency
// of your bill (the cost metric carries no unit).
type TokenPricing struct {
	// promptPerMillion is the price of a million prompt (input) tokens,
	// e.g. "0.15".
	// +required
	PromptPerMillion Decimal `json:"promptPerMillion"`

	// completionPerMillion is the price of a million completion (output)
	// tokens, e.g. "0.60".
	// +required
	CompletionPerMillion Decimal `json:"completionPerMillion"`
}

// HealthCheckSpec configures the health monitor.
type HealthCheckSpec struct {
	// interval between two probes of every configured provider (a cheap
	// model-list call, not a paid completion). 0s switches probing off.
	// +optional
	// +kubebuilder:default="60s"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:XValidation:rule="duration(self) == duration('0s') || duration(self) >= duration('10s')",message="interval must be 0s (off) or at least 10s"
	Interval *metav1.Duration `json:"interval,omitempty"`
}

// ProviderLockSpec declares the providers and the failover policy.
// +kubebuilder:validation:XValidation:rule="!has(self.override) || self.providers.exists(p, p.name == self.override)",message="override must name a provider listed in spec.providers"
type ProviderLockSpec struct {
	// providers in failover priority order: the lock takes the first
	// eligible one and moves down the list on failures.
	// +required
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=6
	Providers []ProviderSpec `json:"providers"`

	// failureThreshold is the number of consecutive provider-caused
	// failures that moves the lock to the next eligible provider.
	// +optional
	// +kubebuilder:default=3
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	FailureThreshold int32 `json:"failureThreshold,omitempty"`

	// cooldown is how long a provider that lost the lock stays ineligible.
	// +optional
	// +kubebuilder:default="5m"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('0s')",message="cooldown must not be negative"
	Cooldown *metav1.Duration `json:"cooldown,omitempty"`

	// failback is Manual (the lock only moves on failures or by hand) or
	// Automatic (after its cooldown and a successful probe, the lock returns
	// to a higher-priority provider).
	// +optional
	// +kubebuilder:default=Manual
	Failback FailbackPolicy `json:"failback,omitempty"`

	// healthCheck configures the health monitor.
	// +optional
	// +kubebuilder:default={}
	HealthCheck *HealthCheckSpec `json:"healthCheck,omitempty"`

	// override names a listed provider the lock must use now, whatever its
	// state; clearing it returns to normal selection.
	// +optional
	Override ProviderName `json:"override,omitempty"`

	// historyLimit is the number of entries kept in status.history.
	// +optional
	// +kubebuilder:default=100
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1000
	HistoryLimit int32 `json:"historyLimit,omitempty"`
}

// ProviderStatus is one provider's standing, as the lock controller sees it.
type ProviderStatus struct {
	// name of the provider.
	// +required
	Name ProviderName `json:"name"`

	// state of the provider: Active, Standby, Unhealthy, CoolingDown or
	// Unconfigured.
	// +required
	State ProviderState `json:"state"`

	// message explains the state, e.g. which Secret key is missing.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Message string `json:"message,omitempty"`

	// lastProbeTime is when the provider was last probed: by the health
	// monitor, to confirm the active provider's failures, or to tell an
	// outage of the operator's own network from the provider's.
	// +optional
	LastProbeTime *metav1.Time `json:"lastProbeTime,omitempty"`

	// lastProbeLatency is how long that probe took.
	// +optional
	LastProbeLatency *metav1.Duration `json:"lastProbeLatency,omitempty"`

	// probeFailures counts the health probes that failed in a row. While
	// the provider holds the lock they count toward failureThreshold, like
	// failed requests; a good probe resets them.
	// +optional
	// +kubebuilder:validation:Minimum=0
	ProbeFailures int32 `json:"probeFailures,omitempty"`

	// lastProbeClass is the failure class of the last probe (for example
	// Unreachable or Rejected); empty when it passed.
	// +optional
	LastProbeClass FailureClass `json:"lastProbeClass,omitempty"`

	// lastConfirmedTime is when a completion probe last confirmed that the
	// active provider answers. The lock sends one, instead of blaming the
	// provider, when fewer Forecasts than failureThreshold have tried it in
	// this epoch; Forecast failures before it are not counted.
	// +optional
	LastConfirmedTime *metav1.Time `json:"lastConfirmedTime,omitempty"`

	// lastError is the last error the provider returned (probe or request).
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	LastError string `json:"lastError,omitempty"`

	// cooldownUntil is when a provider that lost the lock becomes eligible
	// again.
	// +optional
	CooldownUntil *metav1.Time `json:"cooldownUntil,omitempty"`

	// pausedUntil is when the rate-limit pause of this provider ends: a
	// 429 closed its gate for every Forecast until then. Each pause counts
	// once toward failureThreshold; only a provider that stays rate-limited
	// loses the lock.
	// +optional
	PausedUntil *metav1.Time `json:"pausedUntil,omitempty"`
}

// LockChange is one entry of the audit trail.
type LockChange struct {
	// time of the change.
	// +required
	Time metav1.Time `json:"time"`

	// from is the provider that held the lock before; empty for Initial.
	// +optional
	From ProviderName `json:"from,omitempty"`

	// to is the provider that holds the lock after the change.
	// +required
	To ProviderName `json:"to"`

	// epoch of the lock after the change.
	// +required
	Epoch int64 `json:"epoch"`

	// reason for the change.
	// +required
	Reason LockChangeReason `json:"reason"`

	// message says what happened, in words.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Message string `json:"message,omitempty"`
}

// ProviderLockStatus is written only by the ProviderLock controller.
type ProviderLockStatus struct {
	// activeProvider serves every request.
	// +optional
	ActiveProvider ProviderName `json:"activeProvider,omitempty"`

	// activeModel is the model the active provider is asked for.
	// +optional
	ActiveModel string `json:"activeModel,omitempty"`

	// lockedAt is when the active provider took the lock.
	// +optional
	LockedAt *metav1.Time `json:"lockedAt,omitempty"`

	// epoch increases by one on every lock change. Every forecast records
	// the epoch it was made under, so no result is ever attributed to the
	// wrong provider.
	// +optional
	Epoch int64 `json:"epoch,omitempty"`

	// consecutiveFailures counts the active provider's failures in this
	// epoch since its last success: each Forecast whose latest attempt
	// failed counts once, a rate-limit pause once, each failed probe once.
	// +optional
	ConsecutiveFailures int32 `json:"consecutiveFailures"`

	// override is the spec.override in effect, as last applied. When
	// spec.override is cleared, the lock records OverrideCleared once and
	// every rule applies again.
	// +optional
	Override ProviderName `json:"override,omitempty"`

	// egressFailingSince is set while most LLM providers are unreachable at
	// once (DNS, connections, a proxy): the operator's own network is at
	// fault, so no provider is put in cooldown, baseline serves when listed
	// (or a lower LLM provider a probe reaches first), and the lock returns
	// to the first LLM provider once a probe reaches it, whatever
	// spec.failback says; then this is cleared.
	// +optional
	EgressFailingSince *metav1.Time `json:"egressFailingSince,omitempty"`

	// providers lists each provider's state, in spec order.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=6
	Providers []ProviderStatus `json:"providers,omitempty"`

	// history is the audit trail of lock changes, newest first, bounded by
	// spec.historyLimit.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=1000
	History []LockChange `json:"history,omitempty"`

	// conditions: Ready (a usable provider is locked) and Degraded (serving
	// from a fallback, or nothing eligible).
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// observedGeneration is the spec generation this status reflects.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
}

// ProviderLock holds, in its status, the one LLM provider that serves every
// forecast request in the cluster. It is a singleton named `default`.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=plock
// +kubebuilder:printcolumn:name="Active",type=string,JSONPath=`.status.activeProvider`
// +kubebuilder:printcolumn:name="Epoch",type=integer,JSONPath=`.status.epoch`
// +kubebuilder:printcolumn:name="Failures",type=integer,JSONPath=`.status.consecutiveFailures`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="self.metadata.name == 'default'",message="the ProviderLock is a singleton: its name must be 'default'"
type ProviderLock struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the object's metadata; the name must be `default`.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec declares the providers in priority order and the failover policy.
	// +required
	Spec ProviderLockSpec `json:"spec"`

	// status holds the locked provider, the audit trail and each provider's
	// state. Until the operator first writes it, the API server shows
	// observedGeneration 0, so that kstatus reads a new lock as in progress.
	// +optional
	// +kubebuilder:default={observedGeneration: 0}
	Status ProviderLockStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ProviderLockList is a list of ProviderLocks.
type ProviderLockList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ProviderLock `json:"items"`
}

func init() {
	SchemeBuilder.Register(&ProviderLock{}, &ProviderLockList{})
}
