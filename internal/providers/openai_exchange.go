package providers

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/openai/openai-go/v3/option"
)

// openaiMaxErrorBody bounds the part of an error body kept for
// classification; the words that matter come first.
const openaiMaxErrorBody = 64 << 10

// openaiExchange records, through an SDK middleware, what one call saw on
// the wire: whether the request left, the status, headers and error body,
// the transport's own failure, and a failure while reading the body. The SDK's own error cannot carry
// this: it parses only OpenAI's error shape, drops the status when the body
// is HTML or Cloudflare's envelope, and says "error reading response body"
// and "error parsing response json" alike for a reset and for prose.
type openaiExchange struct {
	sent   bool
	status int
	header http.Header
	body   []byte
	// wireErr is the HTTP client's failure, which the SDK replaces by the
	// context's error when the deadline has passed meanwhile.
	wireErr error
	readErr error
}

// record is the SDK middleware.
func (x *openaiExchange) record(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
	x.sent = true
	resp, err := next(req)
	x.wireErr = err
	if resp != nil {
		x.status, x.header = resp.StatusCode, resp.Header
		if resp.Body != nil {
			resp.Body = &openaiRecordedBody{rc: resp.Body, x: x, keep: resp.StatusCode >= 400}
		}
	}
	return resp, err
}

// openaiRecordedBody is a response body that tells its exchange what was
// read (for an error status) and how reading failed.
type openaiRecordedBody struct {
	rc   io.ReadCloser
	x    *openaiExchange
	keep bool
}

// Read reads the body, keeping a copy of an error body and the first
// failure other than the end of the body.
func (b *openaiRecordedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if room := openaiMaxErrorBody - len(b.x.body); b.keep && room > 0 {
		b.x.body = append(b.x.body, p[:min(n, room)]...)
	}
	if err != nil && !errors.Is(err, io.EOF) && b.x.readErr == nil {
		b.x.readErr = err
	}
	return n, err
}

// Close closes the body.
func (b *openaiRecordedBody) Close() error { return b.rc.Close() }

// classify turns the failure err of a call on ctx into an *Error: one the
// package raised itself (a refused redirect) as it is; an error status from
// its status and body; a deadline, a refused or reset connection as a
// transport failure; a request that never left as unusable input; a success
// status whose body the SDK could not read as the API's JSON as invalid
// output.
func (x *openaiExchange) classify(ctx context.Context, provider string, key APIKey, err error) *Error {
	var own *Error
	switch {
	case errors.As(err, &own):
		return own
	case x.status >= 400:
		return openaiHTTPError(provider, x.status, x.header, x.body, key, time.Now())
	case ctx.Err() != nil:
		// The wire's error says whether the request got out at all.
		return transportError(provider, errors.Join(ctx.Err(), x.wireErr), key)
	case x.readErr != nil:
		return transportError(provider, x.readErr, key)
	case !x.sent:
		return &Error{Provider: provider, Class: InvalidInput, Reason: ReasonBadRequest,
			Message: "the request could not be built: " + redact(err.Error(), key), Err: errors.New(redact(err.Error(), key))}
	case x.status == 0:
		return transportError(provider, err, key)
	default:
		return &Error{Provider: provider, Class: InvalidOutput, Reason: ReasonInvalidResponse, StatusCode: x.status,
			Message: "the answer is not the API's JSON: " + redact(err.Error(), key), Err: errors.New(redact(err.Error(), key))}
	}
}
