package fakeprovider

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

// The fake's answers against the operator's engine: good ones pass, bad ones
// fail for the reason their mode stands for.

// weeklyData is a falling weekly series without a capacity, twelve weeks
// ahead: unlike portData in every respect the fake reads.
func weeklyData() engine.Data {
	d := engine.Data{Region: "EU", Subject: "parcels", Period: engine.PeriodWeek, Horizon: 12}
	for i := range 30 {
		d.History = append(d.History, engine.Point{Period: fmt.Sprintf("2025-W%02d", i+1), Value: 5000 - 37*float64(i) + float64(i%3)*20})
	}
	return d
}

func TestGoodAnswersPassTheEngine(t *testing.T) {
	for _, d := range []engine.Data{portData(), weeklyData()} {
		for _, endpoint := range wireProviders {
			w := send(t, New(), providerOf(endpoint), http.MethodPost, generatePath[endpoint], testKey, requestBody(endpoint, engine.BuildPrompt(d), 4096))
			text := readAnswer(t, endpoint, w.Body.Bytes()).text
			r, err := engine.Normalize(text, d)
			if err != nil {
				t.Errorf("%s %s: %v\n%s", d.Subject, endpoint, err, text)
				continue
			}
			if periods := d.Periods(); r.Predictions[0].Period != periods[0] || len(r.Predictions) != len(periods) {
				t.Errorf("%s %s: predictions %+v", d.Subject, endpoint, r.Predictions)
			}
			// The engine also reads Cloudflare's whole envelope.
			if endpoint == Cloudflare {
				if _, err := engine.Normalize(w.Body.String(), d); err != nil {
					t.Errorf("the envelope: %v", err)
				}
			}
		}
	}
}

func TestBadAnswersFailTheEngine(t *testing.T) {
	reasons := map[Mode]engine.Reason{
		ModeProse:     engine.ReasonNoJSON,
		ModeTruncated: engine.ReasonTruncated,
		ModeSchema:    engine.ReasonSchemaViolation,
		ModeFenced:    "", // a fence is read through
	}
	d := portData()
	for _, endpoint := range wireProviders {
		for mode, reason := range reasons {
			s := New()
			mustSetMode(t, s, providerOf(endpoint), mode, 1)
			text := readAnswer(t, endpoint, generate(t, s, endpoint).Body.Bytes()).text
			_, err := engine.Normalize(text, d)
			var e *engine.Error
			switch {
			case reason == "" && err != nil:
				t.Errorf("%s %s: %v", endpoint, mode, err)
			case reason != "" && (!errors.As(err, &e) || e.Reason != reason):
				t.Errorf("%s %s: %v, want reason %s", endpoint, mode, err, reason)
			}
		}
	}
	// Cloudflare's silent cut at its default 256 tokens is a truncation too.
	body := requestBody(Cloudflare, engine.BuildPrompt(d), 0)
	text := readAnswer(t, Cloudflare, send(t, New(), Cloudflare, http.MethodPost, generatePath[Cloudflare], testKey, body).Body.Bytes()).text
	if _, err := engine.Normalize(text, d); !errors.As(err, new(*engine.Error)) || err.(*engine.Error).Reason != engine.ReasonTruncated {
		t.Errorf("the default-limit cut: %v", err)
	}
}
