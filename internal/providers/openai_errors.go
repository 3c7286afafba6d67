package providers

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// openaiHTTPError classifies an error status of an OpenAI-shaped API from
// its status, refined by its body and headers. It never fails on the body:
// an HTML page or an empty body leaves the status to decide.
func openaiHTTPError(provider string, status int, h http.Header, body []byte, key APIKey, now time.Time) *Error {
	f := openaiParseFault(body)
	class, reason := openaiRefine(status, f)
	msg := f.message
	if msg == "" {
		msg = openaiPlainText(body, status)
	}
	return &Error{
		Provider:   provider,
		Class:      class,
		Reason:     reason,
		StatusCode: status,
		RetryAfter: openaiRetryAfter(status, h, f.message, now),
		Message:    redact(msg, key),
	}
}

// openaiFault is what an error body says, whichever of the shapes it has.
type openaiFault struct {
	code, kind, message string
	// param is the request parameter an invalid-request error names.
	param string
	// cloudflareCodes are the codes of Cloudflare's errors[] envelope.
	cloudflareCodes []string
}

// openaiErrorBody is the union of the error bodies: OpenAI and Groq
// {"error": {"message", "type", "param", "code"}}; Hugging Face's router passes its
// upstream's, where "error" may also be a plain string; Cloudflare
// {"success": false, "errors": [{"code", "message"}]}; some upstreams
// answer {"message"} or {"detail"}.
type openaiErrorBody struct {
	Error   json.RawMessage  `json:"error"`
	Errors  []openaiAPIError `json:"errors"`
	Message openaiText       `json:"message"`
	Detail  openaiText       `json:"detail"`
}

// openaiAPIError is one error object.
type openaiAPIError struct {
	Message openaiText `json:"message"`
	Type    openaiText `json:"type"`
	Param   openaiText `json:"param"`
	Code    openaiText `json:"code"`
}

// openaiText reads a JSON string, or a number or other value as its text,
// so that one unexpected type ("code": 402, as some routers send) cannot
// cost the rest of the body.
type openaiText string

// UnmarshalJSON never fails: a value it cannot read as text is empty.
func (t *openaiText) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*t = openaiText(s)
	} else if !bytes.Equal(b, []byte("null")) {
		*t = openaiText(b)
	}
	return nil
}

// openaiParseFault reads what it can of an error body: a field of an
// unexpected type is skipped, the others still count; a body that is not
// JSON says nothing.
func openaiParseFault(body []byte) openaiFault {
	var b openaiErrorBody
	_ = json.Unmarshal(body, &b)
	f := openaiFault{message: string(b.Message)}
	if f.message == "" {
		f.message = string(b.Detail)
	}
	var e openaiAPIError
	var s string
	switch {
	case json.Unmarshal(b.Error, &s) == nil:
		if s != "" {
			f.message = s
		}
	case json.Unmarshal(b.Error, &e) == nil:
		f.code, f.kind, f.param = string(e.Code), string(e.Type), string(e.Param)
		if e.Message != "" {
			f.message = string(e.Message)
		}
	}
	var msgs []string
	for _, e := range b.Errors {
		f.cloudflareCodes = append(f.cloudflareCodes, string(e.Code))
		if e.Message != "" {
			msgs = append(msgs, string(e.Message))
		}
	}
	if len(msgs) > 0 && f.message == "" {
		f.message = strings.Join(msgs, "; ")
	}
	return f
}

// openaiPlainText is the message of a body with no JSON message: its text
// when it is short prose, else the status text (an HTML page says nothing
// a user can act on).
func openaiPlainText(body []byte, status int) string {
	text := strings.TrimSpace(string(body))
	if text == "" || len(text) > 200 || strings.ContainsAny(text[:1], "<{[") {
		if s := http.StatusText(status); s != "" {
			return s
		}
		return "the provider answered with an error"
	}
	return text
}

// openaiClassed is a class with its reason.
type openaiClassed struct {
	class  Class
	reason string
}

// openaiCloudflareCodes are the Workers AI error codes whose class differs
// from, or is clearer than, their status's. Only errors[] is read: a
// successful verify lists code 10000 in messages[] too.
var openaiCloudflareCodes = map[string]openaiClassed{
	"10000": {Rejected, ReasonUnauthorized},         // 401 authentication error
	"1000":  {Rejected, ReasonUnauthorized},         // invalid API token (verify)
	"6003":  {Rejected, ReasonUnauthorized},         // invalid request headers: a malformed token
	"9109":  {Rejected, ReasonUnauthorized},         // unauthorized to access the resource
	"5007":  {Rejected, ReasonUnknownModel},         // 400 no such model
	"3042":  {Rejected, ReasonUnknownModel},         // 404 invalid model ID
	"3040":  {RateLimited, ReasonRateLimited},       // 429 out of capacity, busy
	"3036":  {Rejected, ReasonQuotaExhausted},       // 429 daily free allocation used up
	"3007":  {Transient, ReasonTimeout},             // 408 request timeout
	"3008":  {Transient, ReasonTimeout},             // 408 request aborted
	"3006":  {RequestCaused, ReasonRequestTooLarge}, // 413 request too large
}

// openaiCodes are the OpenAI error codes (or types) that decide the class.
var openaiCodes = map[string]openaiClassed{
	"invalid_api_key":         {Rejected, ReasonUnauthorized},
	"model_not_found":         {Rejected, ReasonUnknownModel},
	"insufficient_quota":      {Rejected, ReasonQuotaExhausted},
	"context_length_exceeded": {RequestCaused, ReasonRequestTooLarge},
	"server_is_overloaded":    {Transient, ReasonServerError},
}

var (
	// openaiPerMinute marks Groq's 413 for a request larger than the
	// organisation's tokens-per-minute limit: it can never pass on this
	// tier, so it is a quota, not a size the forecast could shrink to.
	openaiPerMinute = regexp.MustCompile(`(?i)\bTPM\b|tokens per minute|rate[ _]limit`)
	// openaiNoModel marks Hugging Face's unknown or unserved model.
	openaiNoModel = regexp.MustCompile(`(?i)not supported by any provider|\bmodel\b[^.]*\bdoes not exist`)
	// openaiNoCredit marks Hugging Face's exhausted monthly credits.
	openaiNoCredit = regexp.MustCompile(`(?i)exceeded your monthly included credits`)
	// openaiTooLong marks a context overflow an upstream passed through.
	openaiTooLong = regexp.MustCompile(`(?i)maximum context length|context length exceeded|context window`)
)

// openaiRefine decides the class of a status from what its body says, in
// the order that resolves the overlaps: a server failure stays transient
// whatever its body; Groq's TPM 413 carries code rate_limit_exceeded yet
// is a quota; an invalid-request error naming a parameter other than the
// model is this request's fault, whatever its message mentions; a plain
// rate_limit_exceeded is a wait.
func openaiRefine(status int, f openaiFault) (Class, string) {
	if status >= 500 || status == 498 {
		return Transient, ReasonServerError
	}
	for _, code := range f.cloudflareCodes {
		if c, ok := openaiCloudflareCodes[code]; ok {
			return c.class, c.reason
		}
	}
	if c, ok := openaiCodes[f.code]; ok {
		return c.class, c.reason
	}
	if c, ok := openaiCodes[f.kind]; ok {
		return c.class, c.reason
	}
	switch {
	case status == http.StatusRequestEntityTooLarge && (f.code == "rate_limit_exceeded" || openaiPerMinute.MatchString(f.message)):
		return Rejected, ReasonQuotaExhausted
	case openaiTooLong.MatchString(f.message):
		return RequestCaused, ReasonRequestTooLarge
	case openaiNamesParam(status, f):
		return RequestCaused, ReasonBadRequest
	case openaiNoCredit.MatchString(f.message):
		return Rejected, ReasonQuotaExhausted
	case openaiNoModel.MatchString(f.message):
		return Rejected, ReasonUnknownModel
	case f.code == "rate_limit_exceeded":
		return RateLimited, ReasonRateLimited
	}
	return statusClass(status)
}

// openaiNamesParam reports whether f is a 400 (or 422) invalid-request
// error naming a parameter of the request ("response_format", "messages",
// "temperature"...). "model" is left to the model checks: an unknown model
// is the provider's refusal of everyone.
func openaiNamesParam(status int, f openaiFault) bool {
	return (status == http.StatusBadRequest || status == http.StatusUnprocessableEntity) &&
		f.param != "" && f.param != "model"
}

// openaiRetryAfter is the wait a failure asks for: the retry-after headers,
// else a wait written in the message, else, on a 429, the reset of the
// exhausted rate limit.
func openaiRetryAfter(status int, h http.Header, msg string, now time.Time) time.Duration {
	if d := retryAfterHeader(h, now); d > 0 {
		return d
	}
	if d := retryAfterMessage(msg); d > 0 {
		return d
	}
	if status == http.StatusTooManyRequests {
		return openaiRateLimitReset(h)
	}
	return 0
}

// openaiRateLimitReset reads x-ratelimit-reset-requests and -tokens
// ("12ms", "1m2.5s"): the reset of the limit whose remaining count is 0,
// or the later reset when neither says which limit was hit.
func openaiRateLimitReset(h http.Header) time.Duration {
	var exhausted, later time.Duration
	for _, limit := range []string{"requests", "tokens"} {
		d, err := time.ParseDuration(strings.TrimSpace(h.Get("X-Ratelimit-Reset-" + limit)))
		if err != nil || d <= 0 {
			continue
		}
		later = max(later, d)
		if strings.TrimSpace(h.Get("X-Ratelimit-Remaining-"+limit)) == "0" {
			exhausted = max(exhausted, d)
		}
	}
	if exhausted > 0 {
		return exhausted
	}
	return later
}
