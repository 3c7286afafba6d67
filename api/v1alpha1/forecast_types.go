package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Decimal is a number written as a decimal string, e.g. "1250", "-3.5" or
// "0.93". The API uses strings rather than floats, as the Kubernetes API
// conventions ask; the engine parses them.
// +kubebuilder:validation:Pattern=`^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$`
// +kubebuilder:validation:MaxLength=32
type Decimal string

// Period is the length of one step of a series.
// +kubebuilder:validation:Enum=day;week;month;quarter;year
type Period string

const (
	PeriodDay     Period = "day"
	PeriodWeek    Period = "week"
	PeriodMonth   Period = "month"
	PeriodQuarter Period = "quarter"
	PeriodYear    Period = "year"
)

// RiskLevel grades how likely and how severe a bottleneck is.
// +kubebuilder:validation:Enum=Low;Moderate;High;Critical
type RiskLevel string

const (
	RiskLow      RiskLevel = "Low"
	RiskModerate RiskLevel = "Moderate"
	RiskHigh     RiskLevel = "High"
	RiskCritical RiskLevel = "Critical"
)

// AttemptOutcome is how the last call to a provider ended.
// +kubebuilder:validation:Enum=Succeeded;ProviderFailed;InvalidOutput;InvalidInput;WriteRefused
type AttemptOutcome string

const (
	// OutcomeSucceeded: the answer became a valid result.
	OutcomeSucceeded AttemptOutcome = "Succeeded"
	// OutcomeProviderFailed: the provider failed (transient or rejected).
	OutcomeProviderFailed AttemptOutcome = "ProviderFailed"
	// OutcomeInvalidOutput: the answer could not be normalized.
	OutcomeInvalidOutput AttemptOutcome = "InvalidOutput"
	// OutcomeInvalidInput: the request itself was unusable; the provider is
	// not blamed.
	OutcomeInvalidInput AttemptOutcome = "InvalidInput"
	// OutcomeWriteRefused: the answer was valid, but the API server refused
	// to store the result; the result is kept and only the write is retried.
	// It counts neither for nor against the provider.
	OutcomeWriteRefused AttemptOutcome = "WriteRefused"
)

// FailureClass says who is to blame for a failed attempt. The provider
// client (or the engine, for an answer) decides it once; the ProviderLock
// counts failures by it.
// +kubebuilder:validation:Enum=Transient;Unreachable;RateLimited;Rejected;InvalidOutput;RequestCaused;InvalidInput
type FailureClass string

const (
	// ClassTransient: a timeout, a 5xx, an overloaded provider. Counts once
	// per Forecast toward failureThreshold; retried with backoff.
	ClassTransient FailureClass = "Transient"
	// ClassUnreachable: the request never reached the provider (DNS, a
	// refused connection, a proxy or TLS failure). Counts like Transient;
	// when most providers are unreachable at once, the lock calls it an
	// egress failure of the operator's own and blames no provider.
	ClassUnreachable FailureClass = "Unreachable"
	// ClassRateLimited: the provider asked to wait. A pause counts once
	// toward failureThreshold however many Forecasts it held.
	ClassRateLimited FailureClass = "RateLimited"
	// ClassRejected: the provider refuses to serve anyone (bad key, unknown
	// model, spent quota). The lock moves at once.
	ClassRejected FailureClass = "Rejected"
	// ClassInvalidOutput: the answer could not be made into a valid result.
	// Counts once per Forecast; retried with backoff.
	ClassInvalidOutput FailureClass = "InvalidOutput"
	// ClassRequestCaused: the provider refused this request (an invalid
	// parameter, a context-length error, a blocked prompt, a 4xx it does not
	// explain). Counts once per Forecast but is never a rejection; the
	// Forecast is Stalled until its spec, its data or the lock's provider
	// changes.
	ClassRequestCaused FailureClass = "RequestCaused"
	// ClassInvalidInput: the data cannot be forecast; no provider is blamed.
	ClassInvalidInput FailureClass = "InvalidInput"
)

// DataPoint is one observation of the series.
type DataPoint struct {
	// period labels the observation, e.g. 2025-03 (month), 2025-W14 (week),
	// 2025-Q1 (quarter), 2025 (year) or 2025-03-31 (day).
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=32
	Period string `json:"period"`

	// value observed in that period, as a decimal string.
	// +required
	Value Decimal `json:"value"`
}

// ConfigMapKeyReference points at one key of a ConfigMap in the Forecast's
// namespace.
type ConfigMapKeyReference struct {
	// name of the ConfigMap.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// key in the ConfigMap's data.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Key string `json:"key"`
}

// HistorySource names where a long history is kept.
type HistorySource struct {
	// configMapKeyRef selects a ConfigMap key holding the history as CSV
	// (`period,value` lines under an optional `period,value` header) or as
	// a JSON array of
	// {"period": ..., "value": ...}. The Forecast is re-run when it changes.
	// +required
	ConfigMapKeyRef ConfigMapKeyReference `json:"configMapKeyRef"`
}

// ForecastSpec describes what to forecast and from which data.
// +kubebuilder:validation:XValidation:rule="has(self.history) != has(self.historyFrom)",message="set exactly one of history and historyFrom"
type ForecastSpec struct {
	// region is the ISO 3166 code or name of the region forecast, e.g. USA.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	Region string `json:"region"`

	// subject is what is forecast, e.g. "container port throughput".
	// +optional
	// +kubebuilder:validation:MaxLength=256
	Subject string `json:"subject,omitempty"`

	// unit of the values, e.g. TEU or "% utilization".
	// +optional
	// +kubebuilder:validation:MaxLength=64
	Unit string `json:"unit,omitempty"`

	// period is the length of one step of the history and the forecast.
	// +optional
	// +kubebuilder:default=month
	Period Period `json:"period,omitempty"`

	// horizon is the number of periods to forecast ahead.
	// +optional
	// +kubebuilder:default=6
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=36
	Horizon int32 `json:"horizon,omitempty"`

	// capacity is the level above which a period is a bottleneck, in the
	// unit of the values.
	// +optional
	Capacity *Decimal `json:"capacity,omitempty"`

	// history is the observed series, oldest first (at most 500 points).
	// Use historyFrom for longer series or data kept elsewhere.
	// +optional
	// +listType=map
	// +listMapKey=period
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=500
	History []DataPoint `json:"history,omitempty"`

	// historyFrom reads the history from a ConfigMap in this namespace.
	// +optional
	HistoryFrom *HistorySource `json:"historyFrom,omitempty"`

	// actual holds current statistics as short strings, e.g.
	// utilization: "0.93". They are passed to the provider as context.
	// +optional
	// +kubebuilder:validation:MaxProperties=20
	// +kubebuilder:validation:XValidation:rule="self.all(k, size(k) <= 64 && size(self[k]) <= 256)",message="actual keys must be at most 64 and values at most 256 characters"
	Actual map[string]string `json:"actual,omitempty"`

	// refreshInterval is how often a Ready forecast is produced again with
	// unchanged inputs (at least 1m). Each Forecast's refresh is moved by a
	// jitter of up to ±10% of it, fixed by its UID, so that Forecasts
	// applied together do not all call the provider at the same moment.
	// +optional
	// +kubebuilder:default="1h"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('1m')",message="refreshInterval must be at least 1m"
	RefreshInterval *metav1.Duration `json:"refreshInterval,omitempty"`

	// suspend stops all provider calls and refreshes for this Forecast; the
	// last result stays in status.
	// +optional
	Suspend bool `json:"suspend,omitempty"`
}

// Prediction is the forecast for one future period.
// +kubebuilder:validation:XValidation:rule="double(self.lower) <= double(self.value) && double(self.value) <= double(self.upper)",message="a prediction needs lower <= value <= upper"
type Prediction struct {
	// period labels the forecast period, continuing the history's labels.
	// +required
	// +kubebuilder:validation:MaxLength=32
	Period string `json:"period"`

	// value is the point forecast.
	// +required
	Value Decimal `json:"value"`

	// lower bound of the 80% prediction interval: the value is expected
	// below it one period in ten. The baseline's intervals are measured to
	// cover 79% of outcomes on the M3 competition's series
	// (docs/accuracy.md); an LLM's are its own, or the baseline's width
	// around its value when it gives none.
	// +required
	Lower Decimal `json:"lower"`

	// upper bound of the 80% prediction interval: the value is expected
	// above it one period in ten.
	// +required
	Upper Decimal `json:"upper"`
}

// Bottleneck is one expected constraint.
type Bottleneck struct {
	// name of the bottleneck, e.g. "berth capacity".
	// +required
	// +kubebuilder:validation:MaxLength=128
	Name string `json:"name"`

	// severity of the bottleneck.
	// +required
	Severity RiskLevel `json:"severity"`

	// period in which it is expected, when known.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	Period string `json:"period,omitempty"`

	// description says why, in words.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Description string `json:"description,omitempty"`
}

// Attempt records the last call to a provider, successful or not.
type Attempt struct {
	// time the attempt ended.
	// +required
	Time metav1.Time `json:"time"`

	// provider that was asked.
	// +required
	Provider ProviderName `json:"provider"`

	// epoch of the ProviderLock the attempt was made under.
	// +required
	Epoch int64 `json:"epoch"`

	// outcome of the attempt.
	// +required
	Outcome AttemptOutcome `json:"outcome"`

	// reason is a CamelCase word that classifies the outcome, e.g.
	// Succeeded, Timeout, RateLimited, Unauthorized, NoJSON.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	Reason string `json:"reason,omitempty"`

	// message says what happened, in words.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Message string `json:"message,omitempty"`

	// class says who is to blame for a failed attempt: Transient,
	// Unreachable, RateLimited, Rejected, InvalidOutput, RequestCaused or
	// InvalidInput. Empty after a success.
	// +optional
	Class FailureClass `json:"class,omitempty"`

	// consecutiveFailures counts the failed attempts since the last
	// success; 0 after a success.
	// +optional
	ConsecutiveFailures int32 `json:"consecutiveFailures,omitempty"`

	// retryAt is the time before which the Forecast does not call a
	// provider again (its backoff, or the provider's own wait hint, capped
	// at 1h). Every reconcile honours it, whatever triggered it, unless the
	// lock has moved to another provider since.
	// +optional
	RetryAt *metav1.Time `json:"retryAt,omitempty"`

	// inputHash identifies the inputs the attempt was made with: a Forecast
	// whose request the provider refused is not sent again with the same
	// inputs.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	InputHash string `json:"inputHash,omitempty"`

	// lockUID is the UID of the ProviderLock the attempt was made under, so
	// that a lock deleted and created again never counts an earlier
	// incarnation's attempts.
	// +optional
	LockUID types.UID `json:"lockUID,omitempty"`

	// promptTokens is the prompt (input) tokens the call spent, as the
	// provider reported them, or an estimate (tokensEstimated) when it
	// reported none; 0 for baseline, which spends none.
	// +optional
	// +kubebuilder:validation:Minimum=0
	PromptTokens int32 `json:"promptTokens,omitempty"`

	// completionTokens is the completion (output) tokens the call spent,
	// reported or estimated as promptTokens is.
	// +optional
	// +kubebuilder:validation:Minimum=0
	CompletionTokens int32 `json:"completionTokens,omitempty"`

	// tokensEstimated is true when the provider reported no usage and the
	// token counts are the operator's estimate (about four characters a
	// token).
	// +optional
	TokensEstimated bool `json:"tokensEstimated,omitempty"`
}

// ForecastStatus holds the normalized result and how it was obtained.
type ForecastStatus struct {
	// conditions: Ready, Reconciling and Stalled (kstatus).
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// observedGeneration is the spec generation the status reflects: the
	// result's, a verdict's (Stalled) or a suspension's; 0 before any.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// provider that produced the result.
	// +optional
	Provider ProviderName `json:"provider,omitempty"`

	// model that produced the result, as the provider reported it. The
	// baseline chooses a model per series and names it, e.g.
	// baseline/theta+ets-AAdN/multiplicative-season-12: Theta combined with
	// damped-trend exponential smoothing, after removing a multiplicative
	// season of 12 periods.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	Model string `json:"model,omitempty"`

	// lockEpoch is the ProviderLock epoch the result was made under.
	// +optional
	LockEpoch int64 `json:"lockEpoch,omitempty"`

	// generatedAt is when the result was produced.
	// +optional
	GeneratedAt *metav1.Time `json:"generatedAt,omitempty"`

	// nextRefreshAt is when the result will be produced again.
	// +optional
	NextRefreshAt *metav1.Time `json:"nextRefreshAt,omitempty"`

	// inputHash identifies the inputs the result was made from; a Forecast
	// whose inputs hash the same and whose result is fresh is not sent again.
	// +optional
	InputHash string `json:"inputHash,omitempty"`

	// riskLevel grades the risk of a bottleneck over the horizon.
	// +optional
	RiskLevel RiskLevel `json:"riskLevel,omitempty"`

	// riskScore is the risk on a 0-100 scale.
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	RiskScore int32 `json:"riskScore,omitempty"`

	// confidence in the result on a 0-100 scale.
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	Confidence int32 `json:"confidence,omitempty"`

	// summary of the forecast in one or two sentences.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	Summary string `json:"summary,omitempty"`

	// predictions, one per period of the horizon.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=36
	Predictions []Prediction `json:"predictions,omitempty"`

	// bottlenecks expected over the horizon.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=20
	Bottlenecks []Bottleneck `json:"bottlenecks,omitempty"`

	// lastAttempt records the last call to a provider.
	// +optional
	LastAttempt *Attempt `json:"lastAttempt,omitempty"`
}

// Forecast asks the locked LLM provider for a bottleneck forecast of a
// region and keeps the normalized result in its status.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=fc
// +kubebuilder:printcolumn:name="Region",type=string,JSONPath=`.spec.region`
// +kubebuilder:printcolumn:name="Risk",type=string,JSONPath=`.status.riskLevel`
// +kubebuilder:printcolumn:name="Confidence",type=integer,JSONPath=`.status.confidence`
// +kubebuilder:printcolumn:name="Provider",type=string,JSONPath=`.status.provider`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Forecast struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the object's metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec says what to forecast and from which data.
	// +required
	Spec ForecastSpec `json:"spec"`

	// status holds the normalized result. Until the operator first writes
	// it, the API server shows observedGeneration 0, so that kstatus
	// (Flux's health checks, Helm's --wait) reads a new Forecast as in
	// progress, not as current, without a write per Forecast.
	// +optional
	// +kubebuilder:default={observedGeneration: 0}
	Status ForecastStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ForecastList is a list of Forecasts.
type ForecastList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Forecast `json:"items"`
}

func init() {
	SchemeBuilder.Register(&Forecast{}, &ForecastList{})
}
