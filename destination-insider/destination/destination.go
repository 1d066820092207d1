// Package destination implements the Insider One Airbyte destination: it
// maps HubSpot contact and event records to Insider users, upserts them in
// batches and echoes each STATE once everything before it is delivered.
package destination

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/protocol"
)

//go:embed spec.json
var specJSON []byte

// userAgent identifies the connector to Insider.
const userAgent = "airbyte-destination-insider"

// Destination is the Insider One destination. Its methods are called one
// per process by protocol.RunDestination.
type Destination struct {
	httpClient  *http.Client
	sleep       func(context.Context, time.Duration) error
	backoff     func(int) time.Duration
	maxAttempts int
	now         func() time.Time
	onSummary   func(settle.Summary)
	alertWait   time.Duration // bound on one alert post; 0 means alert.DefaultTimeout
	schedule    scheduler     // paces the idle flush (idle.go)
}

var _ protocol.Destination = (*Destination)(nil)

// Option configures a Destination.
type Option func(*Destination)

// WithHTTPClient sets the HTTP client used to reach Insider.
func WithHTTPClient(c *http.Client) Option { return func(d *Destination) { d.httpClient = c } }

// WithSleep sets how retries wait; it must return ctx.Err() when ctx is
// done. Tests pass an instant one.
func WithSleep(f func(ctx context.Context, d time.Duration) error) Option {
	return func(d *Destination) { d.sleep = f }
}

// WithBackoff sets the wait before retry number attempt when Insider sends
// no Retry-After. Default: exponential from 1 s to 60 s with jitter.
func WithBackoff(f func(attempt int) time.Duration) Option {
	return func(d *Destination) { d.backoff = f }
}

// WithMaxAttempts bounds the attempts of one request (default 8).
func WithMaxAttempts(n int) Option { return func(d *Destination) { d.maxAttempts = n } }

// WithAlertTimeout bounds each alert post, and so the wait for alerts at the end of a run
// (default alert.DefaultTimeout).
func WithAlertTimeout(d time.Duration) Option { return func(dst *Destination) { dst.alertWait = d } }

// WithClock sets the clock (default time.Now).
func WithClock(now func() time.Time) Option { return func(d *Destination) { d.now = now } }

// WithSummary registers a function that receives the counts of every write
// when it ends, successful or not.
func WithSummary(f func(settle.Summary)) Option { return func(d *Destination) { d.onSummary = f } }

// New returns the destination.
func New(opts ...Option) *Destination {
	d := &Destination{now: time.Now, schedule: every}
	for _, o := range opts {
		o(d)
	}
	return d
}

// Spec returns the connector specification.
func (d *Destination) Spec(context.Context) (*protocol.Spec, error) {
	return &protocol.Spec{
		DocumentationURL:              "https://academy.insiderone.com/docs/upsert-user-data-api",
		ConnectionSpecification:       specJSON,
		SupportsIncremental:           true,
		SupportedDestinationSyncModes: []protocol.DestinationSyncMode{protocol.DestinationSyncModeAppend, protocol.DestinationSyncModeAppendDedup},
	}, nil
}

// Check validates the whole config and the credentials, with a read-only
// call to Insider's metadata endpoint.
func (d *Destination) Check(ctx context.Context, raw json.RawMessage) error {
	cfg, err := parseConfig(raw)
	if err != nil {
		return err
	}
	if err := cfg.CheckIdentifiersMapped(); err != nil {
		return err
	}
	c := d.client(ctx, cfg, d.interactiveAttempts())
	defer c.CloseIdleConnections()
	cols, err := c.ContactColumns(ctx)
	if insider.KindOf(err) == insider.KindUnavailable {
		// The metadata endpoint is not in Insider's public reference: fall
		// back to the documented read-profile call (no attribute check).
		err = c.CheckProfile(ctx)
		if err == nil {
			return nil
		}
	}
	if err == nil {
		err = checkAttributes(cfg, mapping.NewTypes(cols))
	}
	if err == nil && cfg.UpdateOnly {
		err = checkProfileReads(ctx, c)
	}
	if err == nil {
		return nil
	}
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return err
	}
	return checkError(ctx, cfg, err)
}

// checkAttributes fails the check when a mapped custom attribute is not
// declared in Insider or a fixed value cannot be sent as its declared type:
// Insider does not store such values.
func checkAttributes(cfg *Config, types *mapping.Types) error {
	var p []string
	if unknown := cfg.UnknownAttributes(types); len(unknown) > 0 {
		p = append(p, fmt.Sprintf("Insider does not know the custom attributes %s: create them in InOne (Attributes & Events, with a data type) "+
			"or remove them from attribute_mappings and fixed_attributes; Insider does not store values of undefined attributes",
			strings.Join(unknown, ", ")))
	}
	p = append(p, cfg.FixedTypeProblems(types)...)
	if a := cfg.AudienceProblem(types); a != "" {
		p = append(p, a)
	}
	if len(p) == 0 {
		return nil
	}
	return protocol.NewError(protocol.FailureConfig, strings.Join(p, "; "), nil)
}

// checkProfileReads checks that the API key may read profiles, which update_only needs: a
// lookup of a user no one has must be answered (404 "no such user" or 200).
func checkProfileReads(ctx context.Context, c *insider.Client) error {
	err := c.CheckProfile(ctx)
	switch insider.KindOf(err) {
	case insider.KindAuth, insider.KindUnavailable, insider.KindRefused:
		status := 0
		var ie *insider.Error
		if errors.As(err, &ie) {
			status = ie.Status
		}
		return protocol.NewError(protocol.FailureConfig, fmt.Sprintf(
			"update_only needs Insider's Get User Profiles API (POST %s) to learn which users Insider has, and Insider answered HTTP %d to it: "+
				"allow this API key to read profiles (some product packages or IP allow-lists do not), or turn update_only off", insider.ProfilePath, status), err)
	}
	return err
}

// parseConfig is ParseConfig with its errors classified for the runner.
func parseConfig(raw json.RawMessage) (*Config, error) {
	cfg, err := ParseConfig(raw)
	if err != nil {
		msg := err.Error()
		var ce *ConfigError
		if errors.As(err, &ce) {
			msg = "The configuration has problems: " + strings.Join(ce.Problems, "; ")
		}
		return nil, protocol.NewError(protocol.FailureConfig, msg, err)
	}
	return cfg, nil
}

// interactiveAttempts bounds the attempts of a request of check and discover, which a person
// waits for: they should answer quickly.
func (d *Destination) interactiveAttempts() int {
	const attempts = 3
	if d.maxAttempts > 0 {
		return min(attempts, d.maxAttempts)
	}
	return attempts
}

// client builds the Insider client for cfg with the injected dependencies.
func (d *Destination) client(ctx context.Context, cfg *Config, maxAttempts int) *insider.Client {
	return insider.New(insider.Config{
		BaseURL:     cfg.APIBaseURL,
		PartnerName: cfg.PartnerName,
		APIKey:      cfg.APIKey,
		HTTPClient:  d.httpClient,
		MaxAttempts: maxAttempts,
		Backoff:     d.backoff,
		Sleep:       d.sleep,
		Now:         d.now,
		UserAgent:   userAgent,
		Redactor:    protocol.RedactorFrom(ctx),
	})
}
