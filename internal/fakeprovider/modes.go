package fakeprovider

import (
	"bytes"
	"fmt"
	"strings"
)

// Mode is how a provider answers its next requests. Modes form a closed set;
// ParseMode refuses any other name.
type Mode string

// Answers that are 200s (the answer text or its envelope is what breaks).
const (
	// ModeOK answers a valid forecast. It is every provider's default.
	ModeOK Mode = "ok"
	// ModeProse answers prose without any JSON.
	ModeProse Mode = "prose"
	// ModeFenced answers the JSON inside a ```json fence with prose around it.
	ModeFenced Mode = "fenced"
	// ModeTruncated answers JSON cut off at the output limit: finish_reason
	// "length", finishReason "MAX_TOKENS", and on Cloudflare's native API a
	// silent cut with no finish reason at all.
	ModeTruncated Mode = "truncated"
	// ModeEmpty answers 200 with no choices (no candidates on Gemini, an empty
	// response on Cloudflare's native API).
	ModeEmpty Mode = "empty"
	// ModeBlocked answers 200 with the answer withheld by a safety filter:
	// Gemini's promptFeedback.blockReason "SAFETY", the OpenAI shape's
	// finish_reason "content_filter", a refusal in prose on Cloudflare's
	// native API, which has no block signal.
	ModeBlocked Mode = "blocked"
	// ModeSchema answers JSON that breaks the schema: no predictions, a risk
	// level outside the enum, the confidence in words.
	ModeSchema Mode = "schema"
	// ModeLongLabels answers a valid forecast, as ModeOK does, except that
	// it has at least two bottlenecks and each one's period is a long label
	// of its own, such as "2025-09 (the peak of the season, as demand
	// climbs)": longer than 32 characters, at most 64.
	ModeLongLabels Mode = "long-labels"
	// ModeImplausible answers well-formed JSON whose content contradicts
	// the data: every prediction is the forecast's value negated, as a
	// string ("-124"), the summary is the number 12345, the risk level is
	// not a risk word, and the one bottleneck is named 12345.
	ModeImplausible Mode = "implausible"
)

// Answers that fail below HTTP.
const (
	// ModeHang sends nothing until the client goes away.
	ModeHang Mode = "hang"
	// ModeStall sends the headers and part of the body, then nothing until
	// the client goes away.
	ModeStall Mode = "stall"
	// ModeReset sends the headers and part of the body, then resets the TCP
	// connection.
	ModeReset Mode = "reset"
)

// Answers that are the provider's own errors, one per row of the error table
// in PROVIDERS.md and one for a request it refuses, with that provider's
// status, headers and body; and what a proxy in front of it answers.
const (
	// ModeUnauthorized rejects the key as invalid.
	ModeUnauthorized Mode = "unauthorized"
	// ModeUnknownModel rejects the model as unknown.
	ModeUnknownModel Mode = "unknown-model"
	// ModeRateLimited refuses with the provider's rate limit and wait hint:
	// its usual one, or the Setting's RetryAfter, or none (NoRetryHint).
	ModeRateLimited Mode = "rate-limited"
	// ModeQuota refuses because the quota or credit is used up.
	ModeQuota Mode = "quota"
	// ModeOverloaded refuses because the provider is overloaded.
	ModeOverloaded Mode = "overloaded"
	// ModeTooLarge refuses the request as larger than the model accepts.
	ModeTooLarge Mode = "too-large"
	// ModeBadRequest refuses the request itself with the provider's 400,
	// naming a parameter (response_format, or Gemini's generation_config).
	ModeBadRequest Mode = "bad-request"
	// ModeHTML502 answers 502 with an HTML page, as a proxy in front does.
	ModeHTML502 Mode = "html-502"
	// ModeEmpty503 answers 503 with an empty body.
	ModeEmpty503 Mode = "empty-503"
	// ModeRedirect answers 307 Temporary Redirect to the Setting's Location,
	// as a proxy or a moved endpoint does.
	ModeRedirect Mode = "redirect"
)

// Outcomes the fake produces on its own, for requests no mode is needed to
// refuse. They are not switchable: ParseMode refuses them.
const (
	modeMissingKey Mode = "missing-key" // no key was sent
	modeNotFound   Mode = "not-found"   // no such path
	modeMalformed  Mode = "malformed"   // the body is not a valid request
)

// modeInfo describes a mode for the admin API.
type modeInfo struct {
	mode        Mode
	description string
	// probes is whether the mode breaks health probes too (GET /models and
	// the like) or only generate calls. A key that is refused or a server
	// that is down fails both; a bad answer or a model-specific refusal only
	// concerns generation, and probes then pass without using up the count.
	probes bool
}

// modes lists every switchable mode, in the order the admin API shows them.
var modes = []modeInfo{
	{ModeOK, "answer a valid forecast (the default)", false},
	{ModeProse, "200, the answer is prose without JSON", false},
	{ModeFenced, "200, the JSON inside a ```json fence with prose around it", false},
	{ModeTruncated, "200, the JSON cut off: finish_reason length / MAX_TOKENS / a silent cut (Cloudflare native)", false},
	{ModeEmpty, "200 with no choices / no candidates / an empty response", false},
	{ModeBlocked, "200, withheld by a safety filter: blockReason SAFETY / finish_reason content_filter / a refusal", false},
	{ModeSchema, "200, JSON that breaks the schema: no predictions, a risk level outside the enum, the confidence in words", false},
	{ModeImplausible, "200, JSON that contradicts the data: negated predictions as strings, a numeric summary, no risk word", false},
	{ModeLongLabels, "200, a valid forecast whose bottlenecks (at least two) each have a period label longer than 32 characters", false},
	{ModeHang, "send nothing until the client goes away (generate and probe)", true},
	{ModeStall, "send the headers and part of the body, then hang (generate and probe)", true},
	{ModeReset, "send the headers and part of the body, then reset the TCP connection (generate and probe)", true},
	{ModeUnauthorized, "the provider's invalid-key error (generate and probe)", true},
	{ModeUnknownModel, "the provider's unknown-model error", false},
	{ModeRateLimited, `the provider's rate-limit error with its wait hint; "retryAfter": "20s" sets the wait (openai, groq, gemini), "0s" sends none (any provider)`, false},
	{ModeQuota, "the provider's quota-exhausted error", false},
	{ModeOverloaded, "the provider's overloaded / server error (generate and probe)", true},
	{ModeTooLarge, "the provider's request-too-large error", false},
	{ModeBadRequest, "the provider's 400 for a request it refuses, naming a parameter (response_format; generation_config on Gemini)", false},
	{ModeHTML502, "502 with an HTML body (generate and probe)", true},
	{ModeEmpty503, "503 with an empty body (generate and probe)", true},
	{ModeRedirect, `307 to the "location" given with the mode (generate and probe)`, true},
}

// Modes returns every switchable mode.
func Modes() []Mode {
	out := make([]Mode, len(modes))
	for i, m := range modes {
		out[i] = m.mode
	}
	return out
}

// ParseMode returns the mode named s, or an error naming the valid ones.
func ParseMode(s string) (Mode, error) {
	for _, m := range modes {
		if string(m.mode) == s {
			return m.mode, nil
		}
	}
	return "", fmt.Errorf("unknown mode %q; want one of %s", s, strings.Join(modeNames(), ", "))
}

func modeNames() []string {
	names := make([]string, len(modes))
	for i, m := range modes {
		names[i] = string(m.mode)
	}
	return names
}

// breaksProbes reports whether m applies to health probes as well.
func (m Mode) breaksProbes() bool {
	for _, info := range modes {
		if info.mode == m {
			return info.probes
		}
	}
	return false
}

// modeState is a provider's current setting; its Count is what is left of
// the count, 0 meaning until the setting is changed.
type modeState struct {
	Setting
}

// okSetting is every provider's default.
var okSetting = Setting{Mode: ModeOK}

// take returns the setting the next request of kind k with body is answered
// in, and whether the setting's Match selected it, and uses up one of the
// count. A request the Match does not select, or of a kind the mode does not
// apply to, is answered in ModeOK and leaves the count alone.
func (st *modeState) take(k kind, body []byte) (set Setting, matched bool) {
	set = st.Setting
	if set.Match != "" {
		if k != kindGenerate || !bytes.Contains(body, []byte(set.Match)) {
			return okSetting, false
		}
		matched = true
	}
	if set.Mode == ModeOK || (k == kindProbe && !set.Mode.breaksProbes()) {
		return okSetting, matched
	}
	if st.Count > 0 {
		st.Count--
		if st.Count == 0 {
			st.Setting = okSetting
		}
	}
	return set, matched
}
