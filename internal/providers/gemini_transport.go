package providers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"
)

// geminiMaxBody bounds what is read of one response; an answer capped by
// DefaultMaxOutputTokens is a few kilobytes, and a longer body is cut and
// then fails to parse.
const geminiMaxBody = 8 << 20

// geminiExchange is what the wire carried for one call: the last response's
// status, headers and body, or the failure below HTTP.
type geminiExchange struct {
	responded bool
	status    int
	header    http.Header
	body      []byte
	err       error
}

// geminiExchangeKey carries a call's *geminiExchange in the request context,
// so that concurrent calls on one client each see their own response.
type geminiExchangeKey struct{}

// geminiRecorder reads each response body in full inside RoundTrip and keeps
// a copy for the call's exchange. Reading here also makes a body that stalls
// or breaks off a transport failure under the call's deadline, rather than a
// parse error the SDK reports in its own words.
type geminiRecorder struct{ next http.RoundTripper }

// RoundTrip sends req and records its response in the exchange of its
// context, if any.
func (r geminiRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	ex, _ := req.Context().Value(geminiExchangeKey{}).(*geminiExchange)
	resp, err := r.next.RoundTrip(req)
	if err == nil {
		var body []byte
		body, err = io.ReadAll(io.LimitReader(resp.Body, geminiMaxBody))
		_ = resp.Body.Close()
		if err == nil {
			resp.Body = io.NopCloser(bytes.NewReader(body))
			resp.ContentLength = int64(len(body))
			if ex != nil {
				*ex = geminiExchange{responded: true, status: resp.StatusCode, header: resp.Header, body: body}
			}
			return resp, nil
		}
	}
	if ex != nil {
		*ex = geminiExchange{err: err}
	}
	return nil, err
}

// geminiHTTPClient is a copy of base (or a new client) whose redirects
// stay on the configured host and whose transport records responses; the
// caller's client is left as it was.
func geminiHTTPClient(key APIKey, base *http.Client) *http.Client {
	c := guardedHTTPClient(geminiName, key, base)
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c.Transport = geminiRecorder{next: next}
	return c
}

// call runs one SDK call and classifies its outcome from the exchange: the
// SDK's own error only says that something failed.
func (g *geminiProvider) call(ctx context.Context, do func(context.Context) error) (err error) {
	ex := &geminiExchange{}
	ctx = context.WithValue(ctx, geminiExchangeKey{}, ex)
	defer func() {
		// The SDK type-asserts on the decoded JSON and panics on some
		// bodies ("null", {"candidates":5}); a provider's bad answer must
		// not bring the manager down.
		if r := recover(); r != nil {
			err = g.fail(InvalidOutput, ReasonInvalidResponse, "the answer is not the Gemini API's JSON")
		}
	}()
	sdkErr := do(ctx)
	if e := g.classify(ctx, ex, sdkErr); e != nil {
		return e
	}
	return nil
}

// classify turns one call's exchange into nil or a classified *Error. An
// *Error the package raised itself (a refused redirect) is kept as it is.
func (g *geminiProvider) classify(ctx context.Context, ex *geminiExchange, sdkErr error) *Error {
	var own *Error
	switch {
	case errors.As(sdkErr, &own):
		return own
	case !ex.responded && ex.err != nil:
		return g.transportFailure(ctx, sdkErr, ex.err)
	case !ex.responded && sdkErr != nil:
		if ctx.Err() != nil {
			return g.transportFailure(ctx, sdkErr, ctx.Err())
		}
		// Nothing was sent: the SDK could not build the request (a schema
		// that is not JSON). Model names it refuses are caught by newGemini.
		e := g.fail(InvalidInput, ReasonBadRequest, "the request could not be built: %s", sdkErr.Error())
		e.Err = errors.New(e.Message)
		return e
	case !ex.responded:
		return nil
	case ex.status < 200 || ex.status > 299:
		return geminiHTTPError(ex.status, ex.header, ex.body, g.key, time.Now())
	case sdkErr != nil || !geminiJSONObject(ex.body):
		e := g.fail(InvalidOutput, ReasonInvalidResponse, "the answer is not the Gemini API's JSON")
		if sdkErr != nil {
			e.Err = errors.New(redact(sdkErr.Error(), g.key))
		}
		return e
	}
	return nil
}

// transportFailure classifies a failure below HTTP. It prefers net/http's
// *url.Error, which says whether the client timed out, to the SDK's wording
// around it; a done context makes it a Timeout whatever the socket said.
func (g *geminiProvider) transportFailure(ctx context.Context, sdkErr, wireErr error) *Error {
	err := wireErr
	var ue *url.Error
	if errors.As(sdkErr, &ue) {
		err = ue
	}
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = errors.Join(ctxErr, err)
	}
	return transportError(geminiName, err, g.key)
}

// geminiJSONObject reports whether body is one JSON object, as every
// answer of the API is.
func geminiJSONObject(body []byte) bool {
	body = bytes.TrimSpace(body)
	return len(body) > 0 && body[0] == '{' && json.Valid(body)
}
