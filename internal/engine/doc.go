// Package engine turns a forecasting request into a prompt and an LLM
// provider's free-form answer into one standard, validated Result.
//
// The flow is: Data describes what is asked (and Validate refuses what no
// provider could answer); BuildPrompt renders it with a strict JSON schema;
// Normalize extracts the JSON from whatever the provider wrote, reads it
// leniently, repairs what can be repaired against the offline baseline model,
// refuses what contradicts the history (ReasonImplausibleOutput), and
// computes the risk and confidence scores itself, so results from different
// providers are comparable. Every failure is an *Error whose Reason
// tells the caller whom to blame: the request (ReasonInvalidInput) or the
// provider (every other reason).
//
// The package is pure Go with no Kubernetes imports, so it can be tested and
// fuzzed without a cluster.
package engine
