// Command fakeprovider serves the fake LLM provider APIs of
// internal/fakeprovider on one address, for end-to-end tests and local mode:
//
//	go run ./cmd/fakeprovider --listen 127.0.0.1:8099 [-latency 500ms] [-quiet]
//
// It prints the base URL of each provider (what a ProviderLock's baseURL is
// set to) and example admin commands, logs each request (method, path,
// status; never a key), and exits cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/bottleneck-io/bottleneck-operator/internal/fakeprovider"
)

// shutdownGrace is how long requests in flight get to finish on a signal;
// hanging and stalled ones are then cut off.
const shutdownGrace = 2 * time.Second

// options are the command's flags.
type options struct {
	listen  string
	quiet   bool
	latency time.Duration
}

// parseFlags reads the command's flags from args into fs.
func parseFlags(fs *flag.FlagSet, args []string) (options, error) {
	var o options
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8099", "The address to serve the fake providers and the admin API on.")
	fs.BoolVar(&o.quiet, "quiet", false, "Do not log requests.")
	fs.DurationVar(&o.latency, "latency", 0, "How long every provider waits before it answers a generate call, e.g. 500ms (at most 10m; 0: none).\n"+
		"Probes are not delayed. Change it per provider with PUT /admin/providers/{provider}/latency; POST /admin/reset sets it to 0.")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s [flags]\n\nServes fake OpenAI, Gemini, Groq, Cloudflare and Hugging Face APIs, and an\n"+
			"admin API to break them at run time, until Ctrl-C.\n\nFlags:\n", fs.Name())
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	return o, nil
}

func main() {
	opts, err := parseFlags(flag.CommandLine, os.Args[1:])
	if err != nil {
		os.Exit(2) // the flag package has said why
	}
	fake, err := newFake(opts.latency)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakeprovider: -latency:", err)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", opts.listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakeprovider:", err)
		os.Exit(1)
	}
	var logger *log.Logger
	if !opts.quiet {
		logger = log.New(os.Stderr, "", log.LstdFlags)
	}
	if err := serve(ctx, ln, fake, os.Stdout, logger); err != nil {
		fmt.Fprintln(os.Stderr, "fakeprovider:", err)
		os.Exit(1)
	}
}

// newFake returns a fake whose every provider waits latency before it
// answers a generate call.
func newFake(latency time.Duration) (*fakeprovider.Server, error) {
	fake := fakeprovider.New()
	for _, p := range fakeprovider.Providers() {
		if err := fake.SetLatency(p, latency); err != nil {
			return nil, err
		}
	}
	return fake, nil
}

// serve serves fake on ln until ctx ends, after printing how to use it to
// out; logger (nil: none) gets a line per request.
func serve(ctx context.Context, ln net.Listener, fake *fakeprovider.Server, out io.Writer, logger *log.Logger) error {
	url := "http://" + ln.Addr().String()
	printUsage(out, url)
	var handler http.Handler = fake
	if logger != nil {
		handler = accessLog(handler, logger)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(out, "fakeprovider: shutting down")
	grace, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(grace); err != nil {
		// Hanging and stalled handlers end when their connections close.
		_ = srv.Close()
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// printUsage prints the providers' base URLs and example admin commands.
func printUsage(out io.Writer, url string) {
	fmt.Fprintf(out, "fakeprovider listening on %s\n\nBase URLs (a ProviderLock's baseURL):\n", url)
	for _, p := range fakeprovider.Providers() {
		fmt.Fprintf(out, "  %-12s %s\n", p, fakeprovider.BaseURL(url, p))
	}
	fmt.Fprintf(out, `
Admin:
  curl -X PUT %[1]s/admin/providers/openai/mode -d '{"mode":"overloaded","count":3}'
  curl -X PUT %[1]s/admin/providers/groq/mode -d '{"mode":"bad-request","match":"ZZZ"}'
  curl -X PUT %[1]s/admin/providers/gemini/mode -d '{"mode":"redirect","location":"http://127.0.0.1:4567/capture"}'
  curl -X PUT %[1]s/admin/providers/openai/mode -d '{"mode":"rate-limited","retryAfter":"20s"}'
  curl -X PUT %[1]s/admin/providers/openai/latency -d '{"latency":"500ms"}'
  curl %[1]s/admin/providers/openai/mode
  curl %[1]s/admin/requests
  curl '%[1]s/admin/calls?provider=openai'
  curl -X POST %[1]s/admin/reset
  curl %[1]s/admin/modes

Try it:
  curl -H 'Authorization: Bearer sk-test' %[2]s/models

`, url, fakeprovider.BaseURL(url, fakeprovider.OpenAI))
}

// accessLog logs each request's method, path (without the query, which may
// hold a Gemini key), status and duration.
func accessLog(next http.Handler, logger *log.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		logger.Printf("%s %s %d %s", r.Method, r.URL.Path, rec.status, time.Since(start).Round(time.Millisecond))
	})
}

// statusRecorder remembers the status written through it.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach Flush and Hijack, which stall
// and reset need.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
