package fakeprovider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net"
	"net/http"
	"strconv"
	"time"
)

// reply is a complete HTTP answer, built before anything is written so that
// stall and reset can send part of it.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// jsonReply is status with v as its JSON body.
func jsonReply(status int, v any) reply {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // the APIs write "<" and "&" as they are
	if err := enc.Encode(v); err != nil {
		// The fake's own values are maps, slices, strings and finite numbers.
		panic(fmt.Sprintf("fakeprovider: encode reply: %v", err))
	}
	return reply{
		status: status,
		header: http.Header{"Content-Type": {"application/json"}},
		body:   bytes.TrimSuffix(buf.Bytes(), []byte("\n")),
	}
}

// withHeader returns rep with the header key set to value.
func (rep reply) withHeader(key, value string) reply {
	rep.header = rep.header.Clone()
	if rep.header == nil {
		rep.header = http.Header{}
	}
	rep.header.Set(key, value)
	return rep
}

// withHeaders returns rep with every header of h set.
func (rep reply) withHeaders(h http.Header) reply {
	for key, values := range h {
		rep = rep.withHeader(key, values[0])
	}
	return rep
}

// refusal answers mode as x's provider refuses, or false when mode is not a
// refusal. The proxy-level failures look the same whoever is behind.
func refusal(mode Mode, x *exchange) (reply, bool) {
	switch mode {
	case ModeHTML502:
		return reply{
			status: http.StatusBadGateway,
			header: http.Header{"Content-Type": {"text/html; charset=utf-8"}},
			body:   []byte(badGatewayPage),
		}, true
	case ModeEmpty503:
		return reply{status: http.StatusServiceUnavailable}, true
	case ModeRedirect:
		return redirectReply(x.location), true
	}
	return x.p.failure(mode, x)
}

// badGatewayPage is what a proxy in front of an API sends when the API
// behind it does not answer.
const badGatewayPage = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>cloudflare</center>
</body>
</html>
`

// redirectReply is a 307 to location, with the short HTML body Go's
// http.Redirect writes. A 307 keeps the method and the body: a client that
// follows it sends the request again, to location.
func redirectReply(location string) reply {
	return reply{
		status: http.StatusTemporaryRedirect,
		header: http.Header{"Location": {location}, "Content-Type": {"text/html; charset=utf-8"}},
		body:   []byte(`<a href="` + html.EscapeString(location) + `">Temporary Redirect</a>.` + "\n"),
	}
}

// resetDelay is how long a reset waits after sending part of the answer.
const resetDelay = 50 * time.Millisecond

// deliver sends rep as mode wants it: whole, or cut short by a stall or a
// reset.
func deliver(w http.ResponseWriter, r *http.Request, mode Mode, rep reply) {
	switch mode {
	case ModeStall:
		writePart(w, rep)
		<-r.Context().Done()
	case ModeReset:
		writePart(w, rep)
		// A reset discards whatever the client has not read yet; give it a
		// moment to read the part, so it fails mid-body, not before.
		select {
		case <-r.Context().Done():
		case <-time.After(resetDelay):
		}
		resetConnection(w)
	default:
		write(w, rep)
	}
}

// write sends rep.
func write(w http.ResponseWriter, rep reply) {
	writeHeader(w, rep)
	_, _ = w.Write(rep.body) // a client that went away is not the fake's concern
}

// writePart sends rep's headers, which promise the whole body, and the first
// half of the body, and flushes them to the client.
func writePart(w http.ResponseWriter, rep reply) {
	writeHeader(w, rep)
	_, _ = w.Write(rep.body[:len(rep.body)/2])
	_ = http.NewResponseController(w).Flush()
}

func writeHeader(w http.ResponseWriter, rep reply) {
	h := w.Header()
	for key, values := range rep.header {
		h[key] = values
	}
	h.Set("Content-Length", strconv.Itoa(len(rep.body)))
	w.WriteHeader(rep.status)
}

// resetConnection closes the connection under w with a TCP reset (linger 0),
// so the client sees "connection reset by peer" mid-body. Where the
// connection cannot be taken over (HTTP/2), the handler is aborted, which
// resets the stream.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
