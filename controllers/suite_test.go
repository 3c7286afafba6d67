package controllers_test

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/controlplane"
	"github.com/bottleneck-io/bottleneck-operator/internal/fakeprovider"
	"github.com/bottleneck-io/bottleneck-operator/internal/operator"
	"github.com/bottleneck-io/bottleneck-operator/internal/providers"
	"github.com/bottleneck-io/bottleneck-operator/internal/syncbuffer"
)

// The controllers run in a manager against a real API server and etcd. The
// providers are the real ones, wrapped to count calls, to fail on demand
// for regions named "FAIL-<mode>", and to hold the calls of a region until
// a test answers them (callCounter.hold).

var (
	k8s    client.Client
	env    *controlplane.Environment
	cancel context.CancelFunc
	calls  = &callCounter{byRegion: map[string]int{}, byProvider: map[string]int{}, lastKey: map[string]providers.APIKey{},
		held: map[string]*heldCalls{}}
	// fake serves the five provider APIs; its URL goes into lock baseURLs.
	fake struct {
		*fakeprovider.Server
		URL string
	}
	// logs keeps everything the manager logged, to look for leaked keys.
	logs = &syncbuffer.Buffer{}
	// clock is the controllers' clock: it runs with real time, and a test
	// can move it forward (never back) to end a cooldown at once.
	clock = &steppingClock{}
)

func TestControllers(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Controllers suite")
}

var _ = BeforeSuite(func() {
	SetDefaultEventuallyTimeout(30 * time.Second)
	SetDefaultEventuallyPollingInterval(100 * time.Millisecond)
	EnforceDefaultTimeoutsWhenUsingContexts()
	ctrl.SetLogger(zap.New(zap.WriteTo(io.MultiWriter(GinkgoWriter, logs)), zap.UseDevMode(true)))
	fake.Server = fakeprovider.New()
	fakeHTTP := httptest.NewServer(fake.Server)
	DeferCleanup(fakeHTTP.Close)
	fake.URL = fakeHTTP.URL
	root, err := controlplane.Root()
	Expect(err).NotTo(HaveOccurred())
	env, err = controlplane.Start(root)
	Expect(err).NotTo(HaveOccurred())
	k8s, err = client.New(env.Config, client.Options{Scheme: operator.Scheme})
	Expect(err).NotTo(HaveOccurred())

	var mgrCtx context.Context
	mgrCtx, cancel = context.WithCancel(context.Background())
	mgr, err := operator.New(mgrCtx, env.Config, operator.Options{
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		CredentialsNamespace:   "ops",
		ForecastConcurrency:    4,
		NewProvider:            calls.newProvider,
		Clock:                  clock,
	})
	Expect(err).NotTo(HaveOccurred())
	go func() {
		defer GinkgoRecover()
		Expect(mgr.Start(mgrCtx)).To(Succeed())
	}()
	Expect(k8s.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ops"}})).To(Succeed())
	createLock(context.Background())
})

var _ = AfterSuite(func() {
	if cancel != nil {
		cancel()
	}
	if env != nil {
		Expect(env.Stop()).To(Succeed())
	}
})

// suiteLock is the suite's lock: openai and groq, whose Secrets do not
// exist, and baseline, which takes the lock. Probing is off: the real APIs
// are out of reach.
func suiteLock() *v1.ProviderLock {
	return &v1.ProviderLock{
		ObjectMeta: metav1.ObjectMeta{Name: v1.ProviderLockName},
		Spec: v1.ProviderLockSpec{HealthCheck: &v1.HealthCheckSpec{Interval: &metav1.Duration{}}, Providers: []v1.ProviderSpec{
			{Name: "openai", CredentialsRef: &v1.SecretKeyReference{Namespace: "ops", Name: "openai-credentials"}},
			{Name: "groq", CredentialsRef: &v1.SecretKeyReference{Namespace: "ops", Name: "groq-credentials"}},
			{Name: "baseline"},
		}},
	}
}

func createLock(ctx context.Context) {
	GinkgoHelper()
	Expect(k8s.Create(ctx, suiteLock())).To(Succeed())
}

// callCounter wraps the real provider factory, counts Forecast calls per
// region (and per provider and region), remembers the key each provider
// was last built with, injects failures for regions named FAIL-<mode>, and
// holds the calls of the regions a test holds.
type callCounter struct {
	mu         sync.Mutex
	byRegion   map[string]int
	byProvider map[string]int // "provider/region"
	lastKey    map[string]providers.APIKey
	held       map[string]*heldCalls
}

// heldCalls are the calls of one held region: each one says it started,
// waits for the answer the test gives its provider, and says when it has
// returned. When the spec ends, the calls still held fail at once.
type heldCalls struct {
	started  chan string // the provider of each call, as it starts
	returned chan string // the provider of each call, as it returns
	released chan struct{}
	mu       sync.Mutex
	answers  map[string]chan error
}

// answer is the channel the calls of provider wait on: nil lets a call go
// on to the provider, an error fails it.
func (h *heldCalls) answer(provider string) chan error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.answers[provider] == nil {
		h.answers[provider] = make(chan error, 100)
	}
	return h.answers[provider]
}

// wait holds a call of provider until the test answers it.
func (h *heldCalls) wait(ctx context.Context, provider string) error {
	h.started <- provider
	select {
	case err := <-h.answer(provider):
		return err
	case <-h.released:
		return errors.New("the spec that held this call has ended")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// hold makes the calls for region wait until the test answers them.
func (c *callCounter) hold(region string) *heldCalls {
	h := &heldCalls{started: make(chan string, 100), returned: make(chan string, 100),
		released: make(chan struct{}), answers: map[string]chan error{}}
	c.mu.Lock()
	c.held[region] = h
	c.mu.Unlock()
	DeferCleanup(func() {
		c.mu.Lock()
		delete(c.held, region)
		c.mu.Unlock()
		close(h.released)
	})
	return h
}

// countOn is how many calls for region provider was asked.
func (c *callCounter) countOn(provider, region string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byProvider[provider+"/"+region]
}

func (c *callCounter) key(provider string) providers.APIKey {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastKey[provider]
}

func (c *callCounter) count(region string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byRegion[region]
}

func (c *callCounter) newProvider(cfg providers.Config) (providers.Provider, error) {
	c.mu.Lock()
	c.lastKey[cfg.Name] = cfg.APIKey
	c.mu.Unlock()
	p, err := providers.New(cfg)
	if err != nil {
		return nil, err
	}
	return &countingProvider{Provider: p, counter: c}, nil
}

type countingProvider struct {
	providers.Provider
	counter *callCounter
}

func (p *countingProvider) Forecast(ctx context.Context, req providers.Request) (providers.Response, error) {
	p.counter.mu.Lock()
	p.counter.byRegion[req.Data.Region]++
	p.counter.byProvider[p.Name()+"/"+req.Data.Region]++
	h := p.counter.held[req.Data.Region]
	p.counter.mu.Unlock()
	if h != nil {
		defer func() { h.returned <- p.Name() }()
		if err := h.wait(ctx, p.Name()); err != nil {
			return providers.Response{}, err
		}
	}
	switch mode, _ := strings.CutPrefix(req.Data.Region, "FAIL-"); mode {
	case "503":
		return providers.Response{}, overloaded(p.Name())
	case "PROSE":
		return providers.Response{Text: "I am sorry, I cannot forecast that.", Model: "fake"}, nil
	}
	return p.Provider.Forecast(ctx, req)
}

// overloaded is the error of a provider answering 503.
func overloaded(provider string) error {
	return &providers.Error{Provider: provider, Class: providers.Transient,
		Reason: "ServerError", StatusCode: 503, Message: "server_is_overloaded"}
}

// steppingClock is the real clock plus an offset that only grows.
type steppingClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *steppingClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *steppingClock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }

// Step moves the clock forward by d.
func (c *steppingClock) Step(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}
