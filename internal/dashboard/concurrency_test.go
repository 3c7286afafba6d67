package dashboard

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// Every endpoint at once, from many goroutines, while the objects change
// underneath: run with -race.
func TestConcurrentRequests(t *testing.T) {
	c := newFakeReader(fixtures()...).(client.Client)
	h := New(c, Options{})
	targets := []string{"/", "/?sort=risk&risk=high", "/forecasts/ports/usa-teu", "/api/v1/providerlock",
		"/api/v1/forecasts?limit=2", "/api/v1/forecasts?sort=risk", "/api/v1/forecasts/ports/usa-teu",
		"/api/v1/forecasts/ports/usa-teu/chart.svg", "/api/v1/forecasts/energy/jpn-load/chart.svg", "/api/v1/summary",
		"/static/dashboard.js", "/api/v1/forecasts?risk=bogus"}

	var wg sync.WaitGroup
	errs := make(chan error, 16*len(targets))
	wg.Go(func() { // a writer: the lock moves and a forecast changes
		ctx := t.Context()
		for i := range 20 {
			var lock v1.ProviderLock
			if err := c.Get(ctx, client.ObjectKey{Name: "default"}, &lock); err != nil {
				errs <- err
				return
			}
			lock.Status.Epoch++
			lock.Status.ActiveProvider = []v1.ProviderName{v1.ProviderGroq, v1.ProviderBaseline}[i%2]
			if err := c.Update(ctx, &lock); err != nil {
				errs <- err
				return
			}
		}
	})
	for w := range 8 {
		wg.Go(func() {
			for i := range 2 * len(targets) {
				target := targets[(w+i)%len(targets)]
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
				want := http.StatusOK
				if target == "/api/v1/forecasts?risk=bogus" {
					want = http.StatusBadRequest
				}
				if rec.Code != want {
					errs <- fmt.Errorf("GET %s: %d %s", target, rec.Code, rec.Body)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
