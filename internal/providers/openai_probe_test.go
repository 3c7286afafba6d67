package providers

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// openaiProbeServer answers each path from answers ("GET /path" → status
// and body; anything else 404) and records the requests.
type openaiProbeServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

type openaiCanned struct {
	status int
	body   string
}

func openaiServeProbe(t *testing.T, answers map[string]openaiCanned) *openaiProbeServer {
	s := &openaiProbeServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.seen = append(s.seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization"))
		s.mu.Unlock()
		a, ok := answers[r.Method+" "+r.URL.Path]
		if !ok {
			a = openaiCanned{404, `{"success":false,"errors":[{"code":7003,"message":"No route for that URI"}]}`}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		_, _ = io.WriteString(w, a.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func TestOpenAIProbe(t *testing.T) {
	const models = `{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"}]}`
	const badKey = `{"error":{"message":"Incorrect API key provided: $KEY","type":"invalid_request_error","code":"invalid_api_key"}}`
	for _, p := range openaiTestProviders[:3] {
		path := strings.TrimSuffix(p.chatPath, "chat/completions") + "models"
		t.Run(p.name+"/healthy", func(t *testing.T) {
			srv := openaiServeProbe(t, map[string]openaiCanned{"GET " + path: {200, models}})
			if err := openaiBuild(t, p.name, srv.URL+p.basePath).Probe(context.Background()); err != nil {
				t.Fatal(err)
			}
			if want := "GET " + path + " Bearer " + string(openaiTestKey); len(srv.seen) != 1 || srv.seen[0] != want {
				t.Errorf("requests = %q, want [%q]", srv.seen, want)
			}
		})
		t.Run(p.name+"/401", func(t *testing.T) {
			srv := openaiServeProbe(t, map[string]openaiCanned{"GET " + path: {401, strings.ReplaceAll(badKey, "$KEY", string(openaiTestKey))}})
			err := openaiBuild(t, p.name, srv.URL+p.basePath).Probe(context.Background())
			if pe := openaiAsError(t, p.name, err); pe.Class != Rejected || pe.Reason != ReasonUnauthorized {
				t.Errorf("error = %v, want Rejected/Unauthorized", err)
			}
		})
		t.Run(p.name+"/a portal page", func(t *testing.T) {
			srv := openaiServe(t, 200, http.Header{"Content-Type": {"text/html"}}, "<html>log in</html>")
			err := openaiBuild(t, p.name, srv.URL).Probe(context.Background())
			if pe := openaiAsError(t, p.name, err); pe.Class != InvalidOutput {
				t.Errorf("error = %v, want InvalidOutput", err)
			}
		})
	}
}

func TestOpenAICloudflareProbe(t *testing.T) {
	const (
		user    = "GET /client/v4/user/tokens/verify"
		account = "GET /client/v4/accounts/acct-123/tokens/verify"
		active  = `{"result":{"id":"f267e341f3dd4697bd3b9f71dd96247f","status":"active"},"success":true,"errors":[],"messages":[{"code":10000,"message":"This API Token is valid and active","type":null}]}`
		invalid = `{"success":false,"errors":[{"code":1000,"message":"Invalid API Token"}],"messages":[],"result":null}`
	)
	disabled := strings.Replace(active, "active", "disabled", 1)
	tests := []struct {
		name       string
		answers    map[string]openaiCanned
		wantReason string // "" means healthy
		wantAsked  []string
	}{
		{"healthy", map[string]openaiCanned{user: {200, active}}, "", []string{user}},
		{"disabled", map[string]openaiCanned{user: {200, disabled}, account: {200, disabled}}, ReasonUnauthorized, []string{user, account}},
		{"expired", map[string]openaiCanned{user: {200, strings.Replace(active, "active", "expired", 1)}}, ReasonUnauthorized, []string{user, account}},
		{"401", map[string]openaiCanned{user: {401, `{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}`}}, ReasonUnauthorized, []string{user, account}},
		{"invalid token", map[string]openaiCanned{user: {400, invalid}, account: {400, invalid}}, ReasonUnauthorized, []string{user, account}},
		{"account token", map[string]openaiCanned{user: {403, `{"success":false,"errors":[{"code":9109,"message":"Unauthorized to access requested resource"}]}`}, account: {200, active}}, "", []string{user, account}},
		{"down", map[string]openaiCanned{user: {503, ""}}, ReasonServerError, []string{user}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaiServeProbe(t, tt.answers)
			err := openaiBuild(t, "cloudflare", srv.URL+"/client/v4").Probe(context.Background())
			if tt.wantReason == "" && err != nil {
				t.Fatalf("Probe = %v, want healthy", err)
			}
			if tt.wantReason != "" {
				if pe := openaiAsError(t, "cloudflare", err); pe.Reason != tt.wantReason {
					t.Errorf("error = %v, want %s", err, tt.wantReason)
				}
			}
			var asked []string
			for _, s := range srv.seen {
				if !strings.HasSuffix(s, " Bearer "+string(openaiTestKey)) {
					t.Errorf("request without the bearer key: %s", s)
				}
				asked = append(asked, strings.TrimSuffix(s, " Bearer "+string(openaiTestKey)))
			}
			if strings.Join(asked, ",") != strings.Join(tt.wantAsked, ",") {
				t.Errorf("asked %v, want %v", asked, tt.wantAsked)
			}
		})
	}
}
