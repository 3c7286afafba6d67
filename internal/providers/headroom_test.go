package providers

import (
	"net/http"
	"testing"
	"time"
)

func TestHeadroomOf(t *testing.T) {
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	cases := []struct {
		name string
		h    http.Header
		want *Headroom
	}{
		{"none", h(), nil},
		{"openai", h("x-ratelimit-remaining-requests", "499", "x-ratelimit-reset-requests", "120ms",
			"x-ratelimit-remaining-tokens", "198500", "x-ratelimit-reset-tokens", "1m2.5s"),
			&Headroom{RemainingRequests: 499, RemainingTokens: 198500, ResetRequests: 120 * time.Millisecond, ResetTokens: 62500 * time.Millisecond}},
		{"tokens only, reset in seconds", h("x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "20"),
			&Headroom{RemainingRequests: -1, RemainingTokens: 0, ResetTokens: 20 * time.Second}},
		{"garbage", h("x-ratelimit-remaining-requests", "lots", "x-ratelimit-reset-requests", "soon"), nil},
		{"a reset of a year is capped at a day", h("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "8760h"),
			&Headroom{RemainingRequests: 0, RemainingTokens: -1, ResetRequests: 24 * time.Hour}},
	}
	for _, c := range cases {
		got := headroomOf(c.h)
		if (got == nil) != (c.want == nil) || got != nil && *got != *c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}
