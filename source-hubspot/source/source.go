// Package source implements the HubSpot source connector (protocol.Source): spec, check,
// discover, and read of the contacts stream and of one stream per custom behavioral event.
package source

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/insider-hubspot/connectors/internal/httpx"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/journal"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

//go:embed spec.json
var specJSON []byte

//go:embed advanced_auth.json
var advancedAuthJSON []byte

// documentationURL is where users find the connector's docs.
const documentationURL = "https://docs.airbyte.com/integrations/sources/hubspot"

// Source is the HubSpot source. Its methods may be called concurrently; each call builds its
// own HubSpot client.
type Source struct {
	httpClient  *http.Client
	now         func() time.Time
	sleep       httpx.SleepFunc
	maxAttempts int
	backoff     func(attempt int) time.Duration
	limits      hubspot.Limits
	indexLag    time.Duration
	read        stream.Options
	alertWait   time.Duration // bound on one alert post; 0 means alert.DefaultTimeout
}

var _ protocol.Source = (*Source)(nil)

// Option configures a Source.
type Option func(*Source)

// WithHTTPClient sets the HTTP client whose transport and timeout carry every HubSpot call.
func WithHTTPClient(c *http.Client) Option { return func(s *Source) { s.httpClient = c } }

// WithClock sets the clock that fixes each run's window end and drives token expiry.
func WithClock(now func() time.Time) Option { return func(s *Source) { s.now = now } }

// WithSleep sets how retry and rate-limit waits are made; it must return ctx.Err() when ctx is
// done (tests pass one that returns at once).
func WithSleep(f httpx.SleepFunc) Option { return func(s *Source) { s.sleep = f } }

// WithLimits sets the client-side request budgets (default 4.75 search and 9 other requests/s).
func WithLimits(l hubspot.Limits) Option { return func(s *Source) { s.limits = l } }

// WithMaxAttempts bounds the tries of one request on temporary failures (default 6).
func WithMaxAttempts(n int) Option { return func(s *Source) { s.maxAttempts = n } }

// WithBackoff sets the wait before retry number attempt when HubSpot asks for none (default:
// exponential backoff with equal jitter from 500 ms, capped at 30 s).
func WithBackoff(f func(attempt int) time.Duration) Option { return func(s *Source) { s.backoff = f } }

// WithIndexLag sets how far behind now each run's window ends (default 2 minutes), because
// HubSpot's search index shows changes only after a while.
func WithIndexLag(d time.Duration) Option { return func(s *Source) { s.indexLag = d } }

// WithCheckpointEvery sets how many records may pass between two STATE messages (default 2000).
func WithCheckpointEvery(n int) Option { return func(s *Source) { s.read.CheckpointEvery = n } }

// WithSearchConcurrency sets how many id ranges of a large contacts window are searched at once
// (default 3, at most 3 so a window never costs more than ceil(N/200)+3 search calls). All of
// them share the client's search budget; concurrency only overlaps request latency.
func WithSearchConcurrency(n int) Option {
	return func(s *Source) { s.read.SearchConcurrency = min(max(n, 1), 3) }
}

// WithBackfill(false) reads every contacts window by one method (search, or list for a small full
// refresh) instead of search and list at once; the default is true (backfill.go).
func WithBackfill(on bool) Option { return func(s *Source) { s.read.Backfills = on } }

// New returns a Source with the given options.
func New(opts ...Option) *Source {
	s := &Source{now: time.Now, indexLag: 2 * time.Minute, read: stream.DefaultOptions()}
	for _, o := range opts {
		o(s)
	}
	if s.read.CheckpointEvery <= 0 {
		s.read.CheckpointEvery = stream.DefaultOptions().CheckpointEvery
	}
	return s
}

// Spec returns the connector specification.
func (s *Source) Spec(context.Context) (*protocol.Spec, error) {
	return &protocol.Spec{
		DocumentationURL:        documentationURL,
		ConnectionSpecification: specJSON,
		SupportsIncremental:     true,
		AdvancedAuth:            advancedAuthJSON,
		ProtocolVersion:         "0.5.2",
	}, nil
}

// client builds a HubSpot client for one call; every access token it obtains is registered as
// a secret on ctx.
func (s *Source) client(ctx context.Context, cfg *Config) (*hubspot.Client, error) {
	c, err := hubspot.New(hubspot.Config{
		BaseURL:     cfg.APIBaseURL,
		APIVersion:  cfg.APIVersion,
		TokenURL:    cfg.tokenURL(),
		Credentials: cfg.credentials(),
		HTTPClient:  s.httpClient,
		Limits:      cfg.limits(s.limits),
		MaxAttempts: s.maxAttempts,
		Backoff:     s.backoff,
		Sleep:       s.sleep,
		Now:         s.now,
		OnToken:     func(tok string) { protocol.AddSecret(ctx, tok) },
		Redactor:    protocol.RedactorFrom(ctx),
	})
	if err != nil {
		return nil, configErr(err.Error(), nil)
	}
	return c, nil
}

// open parses the config and builds a client.
func (s *Source) open(ctx context.Context, raw json.RawMessage) (*Config, *hubspot.Client, error) {
	cfg, err := ParseConfig(raw)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.client(ctx, cfg)
	return cfg, c, err
}

// Check obtains a token and reads one contact from the dated list endpoint, which needs the
// crm.objects.contacts.read scope and a version HubSpot serves; with permanent_deletions on, it
// also obtains the app token and checks its journal scopes, the portal and the subscriptions
// API. Credential, scope, version and URL problems are config errors with a message saying what
// to fix.
func (s *Source) Check(ctx context.Context, raw json.RawMessage) error {
	cfg, c, err := s.open(ctx, raw)
	if err != nil {
		return err
	}
	if _, err := c.ListContacts(ctx, hubspot.ListRequest{Limit: 1}); err != nil {
		// Whatever stops the check (even an outage or an unreachable host) is reported as one
		// FAILED status with the reason.
		return checkFailure(err)
	}
	if cfg.PermanentDeletions.Enabled {
		return checkFailure(journal.Check(ctx, c, cfg.PermanentDeletions.settings()))
	}
	return nil
}

// checkFailure reports whatever stops a check as a config error (one FAILED status with the
// reason), which is what a person setting up the connection needs.
func checkFailure(err error) error {
	if err == nil {
		return nil
	}
	var pe *protocol.Error
	if errors.As(classify(err), &pe) {
		return protocol.NewError(protocol.FailureConfig, pe.Message, pe.Err)
	}
	return classify(err)
}
