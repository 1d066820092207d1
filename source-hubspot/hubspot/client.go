// Package hubspot is a small HubSpot REST client for contacts, contact properties and custom
// behavioral events. It knows nothing of Airbyte: it authenticates, limits, retries and decodes.
package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/insider-hubspot/connectors/internal/httpx"
	"github.com/insider-hubspot/connectors/internal/redact"
	"github.com/insider-hubspot/connectors/internal/urlpolicy"
)

// DefaultBaseURL is HubSpot's API host.
const DefaultBaseURL = "https://api.hubapi.com"

// Config configures a Client.
type Config struct {
	// BaseURL is the API root, default DefaultBaseURL. It must be https unless the host is a
	// loopback address (see CheckBaseURL).
	BaseURL string
	// APIVersion is the date-based version on every path (YYYY-MM or YYYY-MM-beta), default
	// DefaultAPIVersion.
	APIVersion string
	// TokenURL overrides the OAuth token endpoint, default BaseURL + TokenPath. Same https rule
	// as BaseURL.
	TokenURL string
	// Credentials authenticate every call.
	Credentials Credentials
	// HTTPClient supplies the base transport; its Timeout bounds each attempt (default 60s), not
	// the retries and rate-limit waits around it. nil means http.DefaultTransport.
	HTTPClient *http.Client
	// Limits are the client-side rate budgets.
	Limits Limits
	// MaxAttempts bounds the tries of one request on temporary failures (429, 423, 5xx, answers
	// cut off, dropped connections, timeouts), the first included. Default 6. Whatever it is, one
	// request waits at most httpx.WaitLimit in all (Retry-After and backoff): a longer wait is not
	// started and the request fails with an *httpx.WaitError.
	MaxAttempts int
	// Backoff returns the wait before retry number attempt (1-based) when HubSpot asked for none.
	// Default: exponential backoff with equal jitter (httpx.Backoff), a random wait in [d/2, d]
	// where d = 500 ms · 2^(attempt-1), capped at 30 s.
	Backoff func(attempt int) time.Duration
	// Sleep waits between retries and when the rate-limit headers ask for a pause; nil is
	// httpx.Sleep. Tests inject an instant one.
	Sleep httpx.SleepFunc
	// Now is the clock used for token expiry and rate-limit pauses; nil is time.Now.
	Now func() time.Time
	// OnToken is called with every access token obtained, before it is used (so it can be
	// registered as a secret for redaction).
	OnToken func(token string)
	// Redactor removes secrets from the error bodies kept in errors, before they are cut to
	// size. The client adds its credentials and every token it obtains; nil means a redactor of
	// its own.
	Redactor *redact.Redactor
}

// Client calls the HubSpot API. Safe for concurrent use.
type Client struct {
	base  *url.URL
	http  *http.Client
	paths paths

	crmServed atomic.Bool // a contacts call of this version succeeded (see objectMissing)
	now       func() time.Time
	red       *redact.Redactor

	limits  Limits // the budgets in force, defaults filled
	limiter *classLimit

	// What the webhooks journal's client (journal.go) builds on: the stack below auth, a retry
	// layer without the rate limiter (for pre-signed downloads), the OAuth token endpoint and
	// the hook that registers each token obtained.
	retried  http.RoundTripper
	files    http.RoundTripper
	tokenURL string
	onToken  func(string)

	// Asking again when an answer is inconsistent (see SearchContacts): the retry layer's
	// attempts and backoff, and the injected sleep.
	attempts int
	backoff  func(n int) time.Duration
	sleep    httpx.SleepFunc
}

// CheckBaseURL verifies that raw is an absolute URL that is https unless its host is a loopback
// address, so credentials never travel in clear text over a network, and returns it without a
// trailing slash, query or fragment.
func CheckBaseURL(raw string) (*url.URL, error) {
	if err := urlpolicy.Check("api_base_url", raw); err != nil {
		return nil, err
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("api_base_url is not a URL: %w", err)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

// New builds a Client. It fails only on a bad BaseURL, APIVersion or TokenURL.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	base, err := CheckBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.APIVersion == "" {
		cfg.APIVersion = DefaultAPIVersion
	}
	if err := CheckAPIVersion(cfg.APIVersion); err != nil {
		return nil, err
	}
	tokenURL := base.String() + TokenPath
	if cfg.TokenURL != "" {
		if tokenURL, err = CheckTokenURL("credentials.token_url", cfg.TokenURL); err != nil {
			return nil, err
		}
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	baseRT := hc.Transport
	if baseRT == nil {
		baseRT = http.DefaultTransport
	}
	attempt := hc.Timeout
	if attempt <= 0 {
		attempt = defaultAttemptTimeout
	}
	baseRT = &httpx.Timeout{Next: baseRT, Timeout: attempt}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	retry := retrySettingsOf(cfg)
	red := cfg.Redactor
	if red == nil {
		red = redact.New()
	}
	red.Add(cfg.Credentials.AccessToken)
	red.Add(cfg.Credentials.ClientSecret)
	red.Add(cfg.Credentials.RefreshToken)
	onToken := func(tok string) {
		red.Add(tok)
		if cfg.OnToken != nil {
			cfg.OnToken(tok)
		}
	}
	limited := newClassLimit(baseRT, cfg.Limits, retry.sleep, now)
	retried := newRetry(limited, retry, now, red)
	files := newRetry(baseRT, retry, now, red)
	var tokens tokenSource = staticToken(cfg.Credentials.AccessToken)
	if cfg.Credentials.OAuth() {
		tokenClient := &http.Client{Transport: retried}
		tokens = newOAuthSource(tokenURL, cfg.Credentials, tokenClient, now, onToken)
	} else {
		onToken(cfg.Credentials.AccessToken)
	}
	c := &Client{
		attempts: retry.attempts,
		backoff:  retry.backoff,
		sleep:    retry.sleep,
		limits:   cfg.Limits.withDefaults(),
		limiter:  limited,
		base:     base,
		paths:    newPaths(cfg.APIVersion),
		now:      now,
		red:      red,
		retried:  retried,
		files:    files,
		tokenURL: tokenURL,
		onToken:  onToken,
		http: &http.Client{
			Transport:     &authTransport{next: retried, host: base.Host, tokens: tokens},
			CheckRedirect: hc.CheckRedirect,
		},
	}
	return c, nil
}

// MaxURLLength bounds the URL of every request. HubSpot refuses URLs over about 16 KB (peers hit
// 414 "URI too long" there and chunk their property lists at 15,000 characters or less); the
// client never sends a longer one, so a caller that puts properties in a URL learns it here
// instead of from an obscure answer.
const MaxURLLength = 15000

// endpoint joins the base URL, a path and a query.
func (c *Client) endpoint(path string, q url.Values) string {
	u := *c.base
	u.Path += path
	u.RawQuery = q.Encode()
	return u.String()
}

// call sends one request and decodes a 2xx JSON answer into out (when out is non-nil). Any other
// status gives an *APIError. body, when non-nil, is sent as JSON and can be replayed.
func (c *Client) call(ctx context.Context, method, path string, q url.Values, body, out any) error {
	return c.callWith(ctx, c.http, method, path, q, body, out)
}

// callWith is call through the client hc (the journal's, which authenticates with the app token).
func (c *Client) callWith(ctx context.Context, hc *http.Client, method, path string, q url.Values, body, out any) error {
	return c.doWith(ctx, hc, method, path, q, body, func(b []byte) error {
		if out == nil {
			return nil
		}
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
		return nil
	})
}

// do sends one request and hands a 2xx answer's body to use, which may keep it. The retry layer
// retries failed exchanges, answers cut off mid-body included.
func (c *Client) do(ctx context.Context, method, path string, q url.Values, body any, use func([]byte) error) error {
	return c.doWith(ctx, c.http, method, path, q, body, use)
}

// doWith is do through the client hc (the journal's, which authenticates with the app token).
func (c *Client) doWith(ctx context.Context, hc *http.Client, method, path string, q url.Values, body any, use func([]byte) error) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encode %s body: %w", path, err)
		}
		rd = bytes.NewReader(b)
	}
	u := c.endpoint(path, q)
	if len(u) > MaxURLLength {
		return fmt.Errorf("%s %s: the request URL would be %d bytes, over the %d HubSpot accepts (too many properties for a URL)",
			method, path, len(u), MaxURLLength)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return fmt.Errorf("build request %s: %w", path, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, unwrapURLError(err))
	}
	defer resp.Body.Close()
	b, err := httpx.ReadBody(resp, 0)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%s %s: %w", method, path, &httpx.CutOffError{Err: err})
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return newAPIError(req, resp, b, c.now(), c.red)
	}
	return use(b)
}

// callPage is call for answers holding a page of objects: the page owns the body the retry layer
// read (its objects' Properties point into it), decoded without reflection.
func (c *Client) callPage(ctx context.Context, method, path string, q url.Values, body any) (*Page, error) {
	var p *Page
	err := c.do(ctx, method, path, q, body, func(b []byte) error {
		var err error
		if p, err = decodePage(b); err != nil {
			return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
		return nil
	})
	return p, err
}

// unwrapURLError strips *url.Error, whose text repeats the full URL, keeping what it wraps.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// orEmpty returns v, or an empty slice when v is nil, for a body member HubSpot requires as an
// array: encoding/json writes a nil slice as null.
func orEmpty[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}
