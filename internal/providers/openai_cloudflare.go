package providers

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/openai/openai-go/v3/option"
)

// openaiCloudflare is the client of Cloudflare Workers AI through its
// OpenAI-compatible endpoint, {base}/accounts/{account}/ai/v1. It differs
// from the others in its probe: Cloudflare has no model list there, so the
// probe verifies the API token instead.
type openaiCloudflare struct {
	*openaiClient
	// account is the escaped account ID, as it goes in a path.
	account string
	// root makes the token verifications, relative to the base.
	root *openaiClient
}

// newCloudflare builds the Cloudflare client; it needs cfg.AccountID.
// cfg.BaseURL replaces https://api.cloudflare.com/client/v4; the account
// path stays.
func newCloudflare(cfg Config) (Provider, error) {
	const name = "cloudflare"
	if strings.TrimSpace(cfg.AccountID) == "" {
		return nil, &Error{Provider: name, Class: Rejected, Reason: ReasonInvalidConfig,
			Message: "cloudflare needs an account ID: the OpenAI-compatible endpoint is per account"}
	}
	base, err := openaiBase(name, cfg, cloudflareDefaultBase)
	if err != nil {
		return nil, err
	}
	account := url.PathEscape(strings.TrimSpace(cfg.AccountID))
	// Workers AI takes max_tokens (it defaults to 256 when absent, which
	// would cut every forecast).
	chat := newOpenAIClient(name, base+"/accounts/"+account+"/ai/v1", cfg, false)
	return &openaiCloudflare{openaiClient: chat, account: account, root: newOpenAIClient(name, base, cfg, false)}, nil
}

// Probe verifies the API token. A user token verifies at
// /user/tokens/verify; an account-owned token (the kind the Workers AI
// dashboard can create) is refused there and verifies at
// /accounts/{account}/tokens/verify, so a refusal is asked again there
// before the provider is declared unauthorized.
func (c *openaiCloudflare) Probe(ctx context.Context) error {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	err := c.verify(ctx, "user/tokens/verify")
	var pe *Error
	if errors.As(err, &pe) && pe.Reason == ReasonUnauthorized {
		if c.verify(ctx, "accounts/"+c.account+"/tokens/verify") == nil {
			return nil
		}
	}
	return err
}

// openaiTokenStatus is the answer of a token verification:
// {"result": {"id", "status": "active"}, "success": true, ...}.
type openaiTokenStatus struct {
	Success bool `json:"success"`
	Result  *struct {
		Status string `json:"status"`
	} `json:"result"`
}

// verify asks Cloudflare whether the token is active; any other status
// ("disabled", "expired") means it cannot serve.
func (c *openaiCloudflare) verify(ctx context.Context, path string) error {
	var v openaiTokenStatus
	err := c.root.do(ctx, func(ctx context.Context, opts ...option.RequestOption) error {
		return c.root.api.Get(ctx, path, nil, &v, opts...)
	})
	if err != nil {
		return err
	}
	if v.Success && v.Result != nil && v.Result.Status == "active" {
		return nil
	}
	status := "not confirmed active"
	if v.Result != nil && v.Result.Status != "" {
		status = v.Result.Status
	}
	return &Error{Provider: c.name, Class: Rejected, Reason: ReasonUnauthorized, StatusCode: 200,
		Message: redact(fmt.Sprintf("the API token is %s", status), c.key)}
}
