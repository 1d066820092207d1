// Package insider is a client for Insider One's Unified Customer Database
// REST API: batched user upserts with per-user results, and a credential
// check. It knows nothing of Airbyte.
package insider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/insider-hubspot/connectors/internal/httpx"
	"github.com/insider-hubspot/connectors/internal/redact"
)

// DefaultBaseURL is Insider's production API host.
const DefaultBaseURL = "https://unification.useinsider.com"

// API paths relative to the base URL.
const (
	UpsertPath  = "/api/user/v1/upsert"
	ColumnsPath = "/api/user/v3/metadata/columns"
)

// Config configures a Client. Zero values take the documented defaults.
type Config struct {
	BaseURL     string // default DefaultBaseURL
	PartnerName string // sent lower-cased as X-PARTNER-NAME
	APIKey      string // sent as X-REQUEST-TOKEN
	// HTTPClient supplies the base transport; its Timeout (default 2 minutes)
	// bounds each attempt, not the retries around it. Its redirect policy is
	// not used: redirects are never followed.
	HTTPClient *http.Client
	// MaxAttempts bounds the tries of one request on temporary failures
	// (429, 5xx, dropped connections, timeouts). Default 8. Whatever it is,
	// one request waits at most httpx.WaitLimit in all (Retry-After and
	// backoff): a longer wait is not started and the request fails with an
	// *httpx.WaitError.
	MaxAttempts int
	// Backoff returns the wait before retry number attempt (1-based) when
	// Insider sent no Retry-After. Default: exponential backoff with equal
	// jitter (httpx.Backoff), a random wait in [d/2, d] where d = 1 s ·
	// 2^(attempt-1), capped at 60 s.
	Backoff func(attempt int) time.Duration
	// Sleep waits d or until ctx is done, returning ctx.Err() then.
	// Default: httpx.Sleep. Tests inject an instant one.
	Sleep httpx.SleepFunc
	// Now is the clock used to read HTTP-date Retry-After values. Default time.Now.
	Now func() time.Time
	// UserAgent is sent as User-Agent when set.
	UserAgent string
	// Redactor removes secrets from the answer bodies kept in errors, before they are cut to
	// size. The client adds APIKey to it; nil means a redactor of its own.
	Redactor *redact.Redactor
}

// defaultBackoff is the schedule of Config.Backoff's default.
var defaultBackoff = httpx.Backoff{Base: time.Second, Max: time.Minute}

// maxResponseBody bounds how much of a 200 upsert answer is read.
const maxResponseBody = 16 << 20

// Client talks to Insider. It is safe for concurrent use.
type Client struct {
	cfg  Config
	http *http.Client // the stack of transport.go
	base *http.Client // the injected transport, for CloseIdleConnections
	// refusesAll is set once Insider refused every user of a batch one by
	// one: its 400s are then about the requests, not the users, so later
	// batches answered 400 fail whole instead of being split.
	refusesAll atomic.Bool
}

// New returns a client for cfg.
func New(cfg Config) *Client {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	cfg.PartnerName = strings.ToLower(strings.TrimSpace(cfg.PartnerName))
	hc := http.Client{Timeout: 2 * time.Minute}
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient // a copy: the caller's client keeps its settings
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.Backoff == nil {
		cfg.Backoff = defaultBackoff.Delay
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = httpx.Sleep
	}
	if cfg.Redactor == nil {
		cfg.Redactor = redact.New()
	}
	cfg.Redactor.Add(cfg.APIKey)
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c := &Client{cfg: cfg, base: &http.Client{Transport: base}}
	attempt := base
	if hc.Timeout > 0 {
		attempt = &httpx.Timeout{Next: base, Timeout: hc.Timeout}
	}
	retry := &httpx.Retry{
		Next:        callLimit{next: attempt},
		Policy:      httpx.PolicyFunc(c.decide),
		MaxAttempts: cfg.MaxAttempts,
		Backoff:     cfg.Backoff,
		Sleep:       cfg.Sleep,
		Now:         cfg.Now,
		MaxBody:     maxResponseBody,
		Service:     "Insider",
	}
	var host string
	if u, err := url.Parse(cfg.BaseURL); err == nil {
		host = u.Host
	}
	hc.Transport = &headerTransport{next: retry, host: host, partner: cfg.PartnerName, key: cfg.APIKey, userAgent: cfg.UserAgent}
	hc.Timeout = 0 // per attempt, above
	hc.CheckRedirect = refuseRedirect
	c.http = &hc
	return c
}

// CloseIdleConnections closes the idle keep-alive connections of the
// client's HTTP client; call it when done so no connection goroutine
// outlives the client.
func (c *Client) CloseIdleConnections() { c.base.CloseIdleConnections() }

// Columns fetches the attribute definitions of the contacts table. It is a
// read-only call that exercises the same credentials as an upsert, so it
// serves as the connection check. The answer body is returned unparsed.
func (c *Client) Columns(ctx context.Context) (json.RawMessage, *Stats, error) {
	var st Stats
	body, err := c.send(ctx, http.MethodPost, ColumnsPath, []byte(`{"table":"contacts"}`), &st)
	return body, &st, err
}

// Stats counts the HTTP work behind one call.
type Stats struct {
	Requests int // HTTP requests sent
	Retries  int // of which repeats after a temporary failure
	Splits   int // batches split after Insider refused them as too large
}

// Rejection is one user Insider refused: in a 200 answer listing it, or by
// answering 400 to a request holding only that user.
type Rejection struct {
	Index    int      // position of the user in the batch
	Messages []string // Insider's messages, prefixed with the failing rule
	// Status is the HTTP status of a request refused whole (400) once it
	// held only this user; 0 when a 200 answer listed the user.
	Status int
	// TooLarge marks a user whose request alone is too large for Insider.
	TooLarge bool
}

// Result is the outcome of UpsertBatch: every user not listed in Rejected
// was accepted.
type Result struct {
	Rejected []Rejection // sorted by Index
	Stats
}

// UpsertBatch sends the batch, retrying temporary failures, and reports
// which users Insider rejected. When Insider refuses the whole request with
// a 400 (too large, or a body one user's bytes spoil), the batch is split in
// halves that are sent separately, down to single users: a user whose
// request alone is refused is rejected, the others are delivered. An error
// means the outcome of the users not yet accepted is unknown: they must be
// sent again later. KindOf classifies it.
func (c *Client) UpsertBatch(ctx context.Context, b *Batch) (*Result, error) {
	return c.sendAll(ctx, UpsertPath, b)
}

// sendAll sends a body of users to path as UpsertBatch describes.
func (c *Client) sendAll(ctx context.Context, path string, b usersBody) (*Result, error) {
	res := &Result{}
	err := c.sendUsers(ctx, path, b, 0, res)
	sortRejections(res.Rejected)
	if err == nil && b.Len() >= minRefusedBatch && refusedWhole(res.Rejected) == b.Len() {
		// Not one user of a sizable batch got through on its own: the
		// 400 is about every request, and rejecting them all would lose
		// them. Fail the batch so its records are sent again later.
		c.refusesAll.Store(true)
		return res, &Error{Kind: KindRefusedAll, Op: http.MethodPost + " " + path, Status: http.StatusBadRequest,
			Users: b.Len(), Body: res.Rejected[0].Messages[0]}
	}
	return res, err
}

// minRefusedBatch is the smallest batch whose users, all refused one by
// one with a 400, fail the batch rather than being rejected.
const minRefusedBatch = 8

func refusedWhole(r []Rejection) int {
	n := 0
	for _, x := range r {
		if x.Status != 0 && !x.TooLarge {
			n++
		}
	}
	return n
}

// sendUsers sends the users of b (the users from offset on of the caller's body) to path,
// splitting a request Insider refuses whole, and adds what Insider refused to res.
func (c *Client) sendUsers(ctx context.Context, path string, b usersBody, offset int, res *Result) error {
	if b.Len() == 0 {
		return nil
	}
	body, err := c.send(ctx, http.MethodPost, path, b.Body(), &res.Stats)
	if tooLarge := KindOf(err) == KindTooLarge; tooLarge || isRefusal(err) {
		if b.Len() == 1 {
			var e *Error
			errors.As(err, &e)
			res.Rejected = append(res.Rejected, Rejection{Index: offset, Status: e.Status, TooLarge: tooLarge,
				Messages: []string{fmt.Sprintf("HTTP %d to a request holding only this user: %s", e.Status, e.Body)}})
			return nil
		}
		if !tooLarge && c.refusesAll.Load() {
			return err
		}
		res.Splits++
		mid := b.Len() / 2
		if err := c.sendUsers(ctx, path, b.part(0, mid), offset, res); err != nil {
			return err
		}
		return c.sendUsers(ctx, path, b.part(mid, b.Len()), offset+mid, res)
	}
	if err != nil {
		return err
	}
	rej, err := parseUpsertResponse(body, b.Len())
	var e *Error
	if errors.As(err, &e) {
		e.Op, e.Status = http.MethodPost+" "+path, http.StatusOK
		e.Body = c.cfg.Redactor.Excerpt(body, maxErrorBody) // redacted before it is cut
	}
	if err != nil {
		return err
	}
	for _, r := range rej {
		r.Index += offset
		res.Rejected = append(res.Rejected, r)
	}
	return nil
}
