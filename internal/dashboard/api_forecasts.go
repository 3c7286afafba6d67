package dashboard

import "time"

// The JSON API's answers about Forecasts: the list, one Forecast's detail
// and the summary. See api.go for the conventions.

// ForecastList is the answer of GET /api/v1/forecasts: one page of the
// Forecasts matching the filters.
type ForecastList struct {
	// Items on this page.
	Items []ForecastItem `json:"items"`
	// Total counts the Forecasts matching the filters, on all pages.
	Total int `json:"total"`
	// Limit is the page size used.
	Limit int `json:"limit"`
	// Sort is the order used: name or risk.
	Sort string `json:"sort"`
	// Continue is the token for the next page; absent on the last page.
	Continue string `json:"continue,omitempty"`
}

// ForecastItem is one Forecast in a list.
type ForecastItem struct {
	// Namespace of the Forecast.
	Namespace string `json:"namespace"`
	// Name of the Forecast.
	Name string `json:"name"`
	// Region forecast, e.g. USA.
	Region string `json:"region"`
	// Subject is what is forecast.
	Subject string `json:"subject,omitempty"`
	// Unit of the values.
	Unit string `json:"unit,omitempty"`
	// Period is day, week, month, quarter or year.
	Period string `json:"period"`
	// Horizon is the count of periods forecast.
	Horizon int32 `json:"horizon"`
	// Capacity is the level above which a period is a bottleneck.
	Capacity *float64 `json:"capacity,omitempty"`
	// State is Ready, Failing, Stale, Pending or Suspended.
	State string `json:"state"`
	// Ready is the status of the Ready condition: True, False or Unknown.
	Ready string `json:"ready"`
	// Failure says why a Failing Forecast fails.
	Failure *Failure `json:"failure,omitempty"`
	// Result holds the result's figures and where they come from.
	Result
	// BottleneckCount counts the bottlenecks of the result.
	BottleneckCount int `json:"bottleneckCount"`
}

// Result is what a Forecast's last result says, in the list and in the
// detail alike; its fields stand at the top level of the JSON.
type Result struct {
	// RiskLevel is Low, Moderate, High or Critical; empty without a result.
	RiskLevel string `json:"riskLevel,omitempty"`
	// RiskScore on a 0-100 scale.
	RiskScore int32 `json:"riskScore"`
	// Confidence on a 0-100 scale.
	Confidence int32 `json:"confidence"`
	// Summary of the result in a sentence or two.
	Summary string `json:"summary,omitempty"`
	// Provider that produced the result.
	Provider string `json:"provider,omitempty"`
	// Model that produced the result.
	Model string `json:"model,omitempty"`
	// LockEpoch is the lock epoch the result was made under.
	LockEpoch int64 `json:"lockEpoch,omitempty"`
	// GeneratedAt is when the result was produced.
	GeneratedAt *time.Time `json:"generatedAt,omitempty"`
	// NextRefreshAt is when the result is due to be produced again.
	NextRefreshAt *time.Time `json:"nextRefreshAt,omitempty"`
}

// Failure says why a Forecast is Failing.
type Failure struct {
	// Reason is the Ready condition's reason (ProviderFailed, InvalidOutput,
	// InvalidInput, NoActiveProvider, ProviderLockNotFound,
	// HistoryUnavailable) or, without one, the last attempt's outcome.
	Reason string `json:"reason"`
	// Message says what happened, in words.
	Message string `json:"message,omitempty"`
	// Provider asked in the failed attempt.
	Provider string `json:"provider,omitempty"`
	// AttemptReason classifies the failed attempt, e.g. Timeout, RateLimited.
	AttemptReason string `json:"attemptReason,omitempty"`
	// ConsecutiveFailures counts the failed attempts since the last success.
	ConsecutiveFailures int32 `json:"consecutiveFailures,omitempty"`
	// Since is when the Forecast stopped being Ready, or the failed attempt's
	// time.
	Since *time.Time `json:"since,omitempty"`
}

// ForecastDetail is the answer of GET /api/v1/forecasts/{namespace}/{name}:
// a summary of the spec and the full status.
type ForecastDetail struct {
	// Namespace of the Forecast.
	Namespace string `json:"namespace"`
	// Name of the Forecast.
	Name string `json:"name"`
	// Generation of the spec.
	Generation int64 `json:"generation"`
	// ResourceVersion of the object as cached; it changes on every write.
	ResourceVersion string `json:"resourceVersion"`
	// CreatedAt is the object's creation time.
	CreatedAt *time.Time `json:"createdAt,omitempty"`
	// State is Ready, Failing, Stale, Pending or Suspended.
	State string `json:"state"`
	// Failure says why a Failing Forecast fails.
	Failure *Failure `json:"failure,omitempty"`
	// Spec summarizes what is forecast.
	Spec ForecastSpec `json:"spec"`
	// Status is the Forecast's status.
	Status ForecastStatus `json:"status"`
	// ChartURL is the path of the Forecast's SVG chart.
	ChartURL string `json:"chartURL"`
}

// ForecastSpec summarizes a Forecast's spec; the history itself is left out.
type ForecastSpec struct {
	// Region forecast.
	Region string `json:"region"`
	// Subject is what is forecast.
	Subject string `json:"subject,omitempty"`
	// Unit of the values.
	Unit string `json:"unit,omitempty"`
	// Period is day, week, month, quarter or year.
	Period string `json:"period"`
	// Horizon is the count of periods forecast.
	Horizon int32 `json:"horizon"`
	// Capacity is the level above which a period is a bottleneck.
	Capacity *float64 `json:"capacity,omitempty"`
	// RefreshInterval of a Ready Forecast, as a Go duration.
	RefreshInterval string `json:"refreshInterval"`
	// Suspend stops calls and refreshes.
	Suspend bool `json:"suspend"`
	// History says where the observed series comes from.
	History HistorySource `json:"history"`
	// Actual holds the current statistics passed to the provider.
	Actual map[string]string `json:"actual,omitempty"`
}

// HistorySource says where a Forecast's history comes from.
type HistorySource struct {
	// Source is inline (spec.history) or configMap (spec.historyFrom).
	Source string `json:"source"`
	// Points counts the points: inline, or read from the ConfigMap key (the
	// JSON detail reads it; the list does not).
	Points int `json:"points,omitempty"`
	// First is the first period.
	First string `json:"first,omitempty"`
	// Last is the last period.
	Last string `json:"last,omitempty"`
	// ConfigMap names the ConfigMap key for source configMap.
	ConfigMap *ConfigMapKeyRef `json:"configMap,omitempty"`
	// Error says why the ConfigMap key could not be read, e.g. the
	// ConfigMap does not exist or the key is not a valid series.
	Error string `json:"error,omitempty"`
}

// ConfigMapKeyRef names a key of a ConfigMap in the Forecast's namespace.
type ConfigMapKeyRef struct {
	// Name of the ConfigMap.
	Name string `json:"name"`
	// Key in its data.
	Key string `json:"key"`
}

// ForecastStatus is a Forecast's status.
type ForecastStatus struct {
	// Conditions: Ready, Reconciling, Stalled.
	Conditions []Condition `json:"conditions"`
	// ObservedGeneration is the spec generation the status reflects: the
	// result's, a stall's or a suspension's; 0 before any.
	ObservedGeneration int64 `json:"observedGeneration"`
	// Result holds the result's figures and where they come from.
	Result
	// InputHash identifies the inputs the result was made from.
	InputHash string `json:"inputHash,omitempty"`
	// Predictions, one per period of the horizon.
	Predictions []Prediction `json:"predictions"`
	// Bottlenecks expected over the horizon.
	Bottlenecks []Bottleneck `json:"bottlenecks"`
	// LastAttempt records the last call to a provider.
	LastAttempt *Attempt `json:"lastAttempt,omitempty"`
}

// Prediction is the forecast for one period with its interval.
type Prediction struct {
	// Period label, e.g. 2025-07.
	Period string `json:"period"`
	// Value is the point forecast.
	Value float64 `json:"value"`
	// Lower bound of the prediction interval.
	Lower float64 `json:"lower"`
	// Upper bound of the prediction interval.
	Upper float64 `json:"upper"`
}

// Bottleneck is one expected constraint.
type Bottleneck struct {
	// Name of the bottleneck.
	Name string `json:"name"`
	// Severity is Low, Moderate, High or Critical.
	Severity string `json:"severity"`
	// Period in which it is expected, when known.
	Period string `json:"period,omitempty"`
	// Description says why.
	Description string `json:"description,omitempty"`
}

// Attempt is the last call to a provider.
type Attempt struct {
	// Time the attempt ended.
	Time time.Time `json:"time"`
	// Provider asked.
	Provider string `json:"provider"`
	// Epoch of the lock the attempt was made under.
	Epoch int64 `json:"epoch"`
	// Outcome: Succeeded, ProviderFailed, InvalidOutput or InvalidInput.
	Outcome string `json:"outcome"`
	// Reason classifies the outcome, e.g. Timeout.
	Reason string `json:"reason,omitempty"`
	// Message says what happened.
	Message string `json:"message,omitempty"`
	// ConsecutiveFailures since the last success.
	ConsecutiveFailures int32 `json:"consecutiveFailures"`
}

// Summary is the answer of GET /api/v1/summary: the predictions summary
// over every Forecast in the cache.
type Summary struct {
	// GeneratedAt is when the summary was computed.
	GeneratedAt time.Time `json:"generatedAt"`
	// Total counts the Forecasts.
	Total int `json:"total"`
	// ByRisk counts Forecasts by risk level: Low, Moderate, High, Critical,
	// and None for those without a result. Every key is always present.
	ByRisk map[string]int `json:"byRisk"`
	// ByProvider counts Forecasts by the provider of their result, the six
	// providers always present, and none for those without a result.
	ByProvider map[string]int `json:"byProvider"`
	// ByState counts Forecasts by state: Ready, Failing, Stale, Pending,
	// Suspended. Every key is always present; they add up to Total.
	ByState map[string]int `json:"byState"`
	// FailingByReason counts Failing Forecasts by Failure.Reason.
	FailingByReason map[string]int `json:"failingByReason"`
	// TopBottlenecks are the most severe bottlenecks across the cluster:
	// by severity, then the Forecast's risk score, then namespace/name.
	TopBottlenecks []RankedBottleneck `json:"topBottlenecks"`
	// Failing lists Failing Forecasts and why, by namespace/name, at most
	// ListLimit of them (ByState says how many there are).
	Failing []FailingForecast `json:"failing"`
	// Stale lists Stale Forecasts, the most overdue first, at most ListLimit.
	Stale []StaleForecast `json:"stale"`
	// ListLimit bounds Failing and Stale.
	ListLimit int `json:"listLimit"`
}

// ForecastRef names a Forecast in the summary.
type ForecastRef struct {
	// Namespace of the Forecast.
	Namespace string `json:"namespace"`
	// Name of the Forecast.
	Name string `json:"name"`
	// Region forecast.
	Region string `json:"region"`
}

// RankedBottleneck is a bottleneck with the Forecast it belongs to.
type RankedBottleneck struct {
	// Forecast the bottleneck belongs to.
	Forecast ForecastRef `json:"forecast"`
	// RiskLevel of that Forecast.
	RiskLevel string `json:"riskLevel"`
	// RiskScore of that Forecast.
	RiskScore int32 `json:"riskScore"`
	Bottleneck
}

// FailingForecast is a Failing Forecast and why it fails.
type FailingForecast struct {
	// Forecast that fails.
	Forecast ForecastRef `json:"forecast"`
	Failure
}

// StaleForecast is a Stale Forecast and how overdue it is.
type StaleForecast struct {
	// Forecast that is stale.
	Forecast ForecastRef `json:"forecast"`
	// GeneratedAt is when its result was produced.
	GeneratedAt *time.Time `json:"generatedAt,omitempty"`
	// NextRefreshAt is when it was due to be produced again.
	NextRefreshAt *time.Time `json:"nextRefreshAt,omitempty"`
	// OverdueSeconds is how long ago NextRefreshAt passed.
	OverdueSeconds int64 `json:"overdueSeconds"`
}
