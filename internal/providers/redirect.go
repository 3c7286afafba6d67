package providers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// maxRedirects bounds a chain of redirects, as net/http's default policy
// does.
const maxRedirects = 10

// guardedHTTPClient returns a copy of base, or a new client, that follows a
// redirect only to the scheme, host and port of the request it started
// from. net/http would follow any redirect and copy every header but
// Authorization and cookies to the new host, which would hand Gemini's
// x-goog-api-key (or a key in a query) to whoever the provider, a proxy or
// a hijacked DNS name redirects to. base is not modified; its own
// CheckRedirect, if any, still runs after this one.
func guardedHTTPClient(provider string, key APIKey, base *http.Client) *http.Client {
	c := &http.Client{}
	if base != nil {
		*c = *base
	}
	next := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := checkRedirect(provider, key, req, via); err != nil {
			return err
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
	return c
}

// checkRedirect refuses a redirect to another origin as a rejection (the
// configured base URL no longer leads to the provider: fail over) and a
// chain longer than maxRedirects as a transient server fault. The message
// names the target's scheme and host only: its path or query may carry a
// key.
func checkRedirect(provider string, key APIKey, req *http.Request, via []*http.Request) error {
	if len(via) == 0 {
		return nil
	}
	if !sameOrigin(req.URL, via[0].URL) {
		return &Error{Provider: provider, Class: Rejected, Reason: ReasonCrossHostRedirect,
			Message: redact(fmt.Sprintf("the provider redirected the call to another host, %s://%s; it was not followed, so that the key is sent to the configured host only",
				strings.ToLower(req.URL.Scheme), req.URL.Host), key)}
	}
	if len(via) >= maxRedirects {
		return &Error{Provider: provider, Class: Transient, Reason: ReasonServerError,
			Message: fmt.Sprintf("the provider redirected the call more than %d times", maxRedirects)}
	}
	return nil
}

// sameOrigin reports whether a and b have the same scheme, host and
// effective port.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && effectivePort(a) == effectivePort(b)
}

// effectivePort is u's port, or its scheme's default.
func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}
