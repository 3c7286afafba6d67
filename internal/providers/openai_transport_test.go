package providers

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// openaiResetMidBody answers with the headers and a part of the body of a
// success, then resets the connection.
func openaiResetMidBody() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n")
		_, _ = buf.WriteString(`{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"content":"{\"summ`)
		_ = buf.Flush()
		time.Sleep(20 * time.Millisecond) // let the client read the headers
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // close with a RST, not a FIN
		}
		_ = conn.Close()
	}
}

// openaiHang answers nothing, or only the headers and a part of the body,
// until the client gives up or the test ends.
func openaiHang(afterHeaders bool, done <-chan struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if afterHeaders {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			_, _ = io.WriteString(w, `{"id":"chatcmpl-1","choices":[`)
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}
}

func TestOpenAITransportFailures(t *testing.T) {
	for _, p := range openaiTestProviders {
		for call, do := range completionCalls {
			t.Run(p.name+"/"+call+"/reset mid-body", func(t *testing.T) {
				srv := httptest.NewServer(openaiResetMidBody())
				defer srv.Close()
				err := do(openaiBuild(t, p.name, srv.URL))
				if pe := openaiAsError(t, p.name, err); pe.Class != Transient || pe.Reason != ReasonConnectionFailed {
					t.Errorf("error = %v, want Transient/ConnectionFailed", err)
				}
			})
			for _, afterHeaders := range []bool{false, true} {
				name := p.name + "/" + call + "/hangs"
				if afterHeaders {
					name = p.name + "/" + call + "/stalls after the headers"
				}
				t.Run(name, func(t *testing.T) {
					done := make(chan struct{})
					srv := httptest.NewServer(openaiHang(afterHeaders, done))
					defer srv.Close()
					defer close(done)
					prov := openaiBuild(t, p.name, srv.URL, func(c *Config) { c.Timeout = 300 * time.Millisecond })
					start := time.Now()
					err := do(prov)
					if took := time.Since(start); took > 2*time.Second {
						t.Errorf("%s took %s past a 300ms timeout", call, took)
					}
					if pe := openaiAsError(t, p.name, err); pe.Class != Transient || pe.Reason != ReasonTimeout {
						t.Errorf("error = %v, want Transient/Timeout", err)
					}
				})
			}
		}
	}
}

func TestOpenAIHonoursTheCallersDeadline(t *testing.T) {
	done := make(chan struct{})
	srv := httptest.NewServer(openaiHang(false, done))
	defer srv.Close()
	defer close(done)
	prov := openaiBuild(t, "groq", srv.URL, func(c *Config) { c.Timeout = time.Minute })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := prov.Probe(ctx)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Probe took %s past a 200ms deadline", took)
	}
	if pe := openaiAsError(t, "groq", err); pe.Reason != ReasonTimeout {
		t.Errorf("error = %v, want a Timeout", err)
	}
}

func TestOpenAIUnbuildableRequestIsInvalidInput(t *testing.T) {
	srv := openaiServe(t, 200, nil, openaiCompletion("{}", "stop"))
	req := openaiTestRequest()
	req.Prompt.Schema = map[string]any{"bad": make(chan int)} // cannot be JSON
	_, err := openaiBuild(t, "openai", srv.URL).Forecast(context.Background(), req)
	if pe := openaiAsError(t, "openai", err); pe.Class != InvalidInput {
		t.Errorf("error = %v, want InvalidInput", err)
	}
}

// TestOpenAIErrorsNeverLeakTheKey runs every failure a client classifies,
// with the key echoed back by the server wherever it could be, and looks
// for the key in the error and in everything it wraps.
func TestOpenAIErrorsNeverLeakTheKey(t *testing.T) {
	for _, row := range openaiErrorRows {
		openaiAssertNoKey(t, openaiRun(t, row.provider, row))
	}
	for _, p := range openaiTestProviders {
		for _, row := range openaiHostileBodies {
			openaiAssertNoKey(t, openaiRun(t, p.name, row))
		}
		echo := openaiErrorRow{status: 200, body: `{"choices":[{"finish_reason":"stop","message":{"refusal":"no, $KEY"}}]}`}
		openaiAssertNoKey(t, openaiRun(t, p.name, echo))
		echo.body = `not JSON $KEY`
		openaiAssertNoKey(t, openaiRun(t, p.name, echo))

		// A key in the URL, as a misconfigured base could carry it, must not
		// leak through a transport error either.
		srv := httptest.NewServer(openaiResetMidBody())
		_, err := openaiBuild(t, p.name, srv.URL+"/"+string(openaiTestKey)).Forecast(context.Background(), openaiTestRequest())
		srv.Close()
		openaiAssertNoKey(t, err)
		_, err = openaiBuild(t, p.name, srv.URL+"/"+string(openaiTestKey)).Forecast(context.Background(), openaiTestRequest())
		openaiAssertNoKey(t, err)
		if err == nil {
			t.Fatal("a closed server answered")
		}
	}
}
