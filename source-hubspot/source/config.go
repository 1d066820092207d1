package source

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/insider-hubspot/connectors/internal/urlpolicy"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// Config keys and values of the connector's config (see spec.json).
const (
	credentialsOAuth      = "OAuth Credentials"
	credentialsPrivateApp = "Private App Credentials"
	modeListContacts      = "list_contacts"
	modeGetContact        = "get_contact"
)

// Config is the parsed source config.
type Config struct {
	Credentials            Credentials `json:"credentials"`
	StartDate              string      `json:"start_date"`
	SyncTarget             SyncTarget  `json:"sync_target"`
	PageSize               int         `json:"page_size"`
	LookbackMinutes        *int        `json:"lookback_minutes"`
	APIBaseURL             string      `json:"api_base_url"`
	APIVersion             string      `json:"api_version"`
	EventContactProperties []string    `json:"event_contact_properties"`
	// DeletedContacts (default true) makes incremental contacts reads deliver archived contacts.
	DeletedContacts *bool `json:"deleted_contacts"`
	// EventLookbackMinutes (default 1440) is how far back event streams look for occurrences
	// that became visible late; 0 turns it off.
	EventLookbackMinutes *int `json:"event_lookback_minutes"`
	// IdentityProperties (default email, phone, mobilephone; [] turns it off) are the contact
	// properties whose value at an incremental window's start is delivered in previous_values
	// when it changed (history.go).
	IdentityProperties *[]string `json:"identity_properties"`
	// PermanentDeletions configures reading permanent deletions from HubSpot's webhooks journal
	// (journal.go).
	PermanentDeletions PermanentDeletions `json:"permanent_deletions"`
	// AlertWebhookURL is a Slack-compatible incoming webhook for alerts; the source only carries it.
	AlertWebhookURL string `json:"alert_webhook_url"`
	// RateLimits overrides the client-side request budgets.
	RateLimits struct {
		SearchPerSecond   float64 `json:"search_per_second"`
		RequestsPerSecond float64 `json:"requests_per_second"`
		// AccountTier sets requests_per_second from HubSpot's limit for the app and account
		// (accountTiers); requests_per_second, when set, wins.
		AccountTier string `json:"account_tier"`
	} `json:"rate_limits"`

	start time.Time // parsed StartDate, zero when absent
}

// Credentials is the credentials oneOf.
type Credentials struct {
	CredentialsTitle string `json:"credentials_title"`
	ClientID         string `json:"client_id"`
	ClientSecret     string `json:"client_secret"`
	RefreshToken     string `json:"refresh_token"`
	AccessToken      string `json:"access_token"`
	// TokenURL overrides the OAuth token endpoint (OAuth only).
	TokenURL string `json:"token_url"`
}

// SyncTarget is the sync_target oneOf.
type SyncTarget struct {
	Mode       string `json:"mode"`
	ContactID  string `json:"contact_id"`
	IDProperty string `json:"id_property"`
}

// Lookback returns the lookback window (default 5 minutes).
func (c *Config) Lookback() time.Duration {
	if c.LookbackMinutes == nil {
		return 5 * time.Minute
	}
	return time.Duration(*c.LookbackMinutes) * time.Minute
}

// defaultEventLookback is event_lookback_minutes' default: a day, which covers batched and
// retried sends and a sender's daily uploads of backdated occurrences (HubSpot documents
// backdating by occurredAt, with no bound on how far back).
const defaultEventLookback = 24 * time.Hour

// EventLookback is how far back before the watermark event streams look for occurrences that
// became visible late (default a day), never shorter than Lookback; 0 when it is turned off.
func (c *Config) EventLookback() time.Duration {
	d := defaultEventLookback
	if c.EventLookbackMinutes != nil {
		d = time.Duration(*c.EventLookbackMinutes) * time.Minute
	}
	if d == 0 {
		return 0
	}
	return max(d, c.Lookback())
}

// Deleted reports whether incremental contacts reads deliver archived contacts (default true).
func (c *Config) Deleted() bool { return c.DeletedContacts == nil || *c.DeletedContacts }

// Start returns the parsed start_date, zero when absent.
func (c *Config) Start() time.Time { return c.start }

// ParseConfig decodes and checks a config, filling defaults. Every problem is a config_error
// naming the field.
func ParseConfig(raw json.RawMessage) (*Config, error) {
	var c Config
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, configErr("the config is not a valid HubSpot source config: "+err.Error(), err)
	}
	switch c.Credentials.CredentialsTitle {
	case credentialsOAuth:
		if c.Credentials.ClientID == "" || c.Credentials.ClientSecret == "" || c.Credentials.RefreshToken == "" {
			return nil, configErr("credentials: OAuth needs client_id, client_secret and refresh_token", nil)
		}
	case credentialsPrivateApp:
		if c.Credentials.AccessToken == "" {
			return nil, configErr("credentials: a private app needs access_token", nil)
		}
	case "":
		// Airbyte's HubSpot source configs sometimes omit the title: infer it.
		switch {
		case c.Credentials.AccessToken != "":
			c.Credentials.CredentialsTitle = credentialsPrivateApp
		case c.Credentials.RefreshToken != "":
			c.Credentials.CredentialsTitle = credentialsOAuth
		default:
			return nil, configErr("credentials: give either OAuth client_id/client_secret/refresh_token or a private app access_token", nil)
		}
	default:
		return nil, configErr(fmt.Sprintf("credentials.credentials_title %q is not one of %q, %q",
			c.Credentials.CredentialsTitle, credentialsOAuth, credentialsPrivateApp), nil)
	}
	if s := strings.TrimSpace(c.StartDate); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, configErr(fmt.Sprintf("start_date %q is not an RFC 3339 date-time such as 2024-01-01T00:00:00Z", c.StartDate), err)
		}
		c.start = t.UTC()
	}
	switch c.SyncTarget.Mode {
	case "":
		c.SyncTarget.Mode = modeListContacts
	case modeListContacts:
	case modeGetContact:
		if strings.TrimSpace(c.SyncTarget.ContactID) == "" {
			return nil, configErr("sync_target.contact_id is required when mode is get_contact", nil)
		}
	default:
		return nil, configErr(fmt.Sprintf("sync_target.mode %q is not list_contacts or get_contact", c.SyncTarget.Mode), nil)
	}
	if c.PageSize == 0 {
		c.PageSize = hubspot.MaxSearchLimit
	}
	if c.PageSize < 1 || c.PageSize > hubspot.MaxSearchLimit {
		return nil, configErr(fmt.Sprintf("page_size %d is outside 1..200", c.PageSize), nil)
	}
	if c.LookbackMinutes != nil && *c.LookbackMinutes < 0 {
		return nil, configErr("lookback_minutes must not be negative", nil)
	}
	if c.EventLookbackMinutes != nil && *c.EventLookbackMinutes < 0 {
		return nil, configErr("event_lookback_minutes must not be negative (0 turns the late-occurrence lookback off)", nil)
	}
	if c.APIBaseURL == "" {
		c.APIBaseURL = hubspot.DefaultBaseURL
	}
	if _, err := hubspot.CheckBaseURL(c.APIBaseURL); err != nil {
		return nil, configErr(err.Error(), nil)
	}
	if c.APIVersion = strings.TrimSpace(c.APIVersion); c.APIVersion == "" {
		c.APIVersion = hubspot.DefaultAPIVersion
	}
	if err := hubspot.CheckAPIVersion(c.APIVersion); err != nil {
		return nil, configErr(err.Error()+"; leave it out for the default", nil)
	}
	if c.Credentials.TokenURL = strings.TrimSpace(c.Credentials.TokenURL); c.Credentials.TokenURL != "" {
		if c.Credentials.CredentialsTitle != credentialsOAuth {
			return nil, configErr("credentials.token_url applies to OAuth credentials only; remove it for a private app access_token", nil)
		}
		if _, err := hubspot.CheckTokenURL("credentials.token_url", c.Credentials.TokenURL); err != nil {
			return nil, configErr(err.Error(), nil)
		}
	}
	if c.AlertWebhookURL != "" {
		if err := urlpolicy.Check("alert_webhook_url", c.AlertWebhookURL); err != nil {
			return nil, configErr(err.Error(), nil)
		}
	}
	if t := c.RateLimits.AccountTier; t != "" {
		if _, ok := accountTiers[t]; !ok {
			return nil, configErr(fmt.Sprintf("rate_limits.account_tier %q is not one of %s; leave it out for the budget safe for every tier",
				t, tierNames()), nil)
		}
	}
	if c.EventContactProperties == nil {
		c.EventContactProperties = []string{"email", "phone", "mobilephone", "hs_object_id"}
	}
	if err := c.parseMirror(); err != nil {
		return nil, err
	}
	return &c, nil
}

func configErr(msg string, err error) *protocol.Error {
	return protocol.NewError(protocol.FailureConfig, msg, err)
}

// tokenURL is the OAuth token endpoint override, empty for <api_base_url>/oauth/2026-03/token.
func (c *Config) tokenURL() string { return c.Credentials.TokenURL }

// credentials converts the config credentials for the client.
func (c *Config) credentials() hubspot.Credentials {
	if c.Credentials.CredentialsTitle == credentialsPrivateApp {
		return hubspot.Credentials{AccessToken: c.Credentials.AccessToken}
	}
	return hubspot.Credentials{
		ClientID:     c.Credentials.ClientID,
		ClientSecret: c.Credentials.ClientSecret,
		RefreshToken: c.Credentials.RefreshToken,
	}
}

// limits returns the request budgets: the config's rate_limits where set, else def.
func (c *Config) limits(def hubspot.Limits) hubspot.Limits {
	if v := c.RateLimits.SearchPerSecond; v > 0 {
		def.Search = rate.Limit(v)
	}
	if r, ok := accountTiers[c.RateLimits.AccountTier]; ok {
		def.Other = r
	}
	if v := c.RateLimits.RequestsPerSecond; v > 0 {
		def.Other = rate.Limit(v)
		def.OtherBurst = max(def.OtherBurst, int(v))
	}
	return def
}

// accountTiers are the general (non-search) budgets per second for HubSpot's limits per 10 s
// (research hubspot.md §8.1): what stays under the limit with the default burst of 10 spent at
// once, with a 5% margin: (limit - 10) / 10 x 0.95, and 9 (the default) for Free/Starter.
var accountTiers = map[string]rate.Limit{
	"starter":        9,    // private app or service key, Free or Starter: 100 per 10 s
	"public_app":     9.5,  // public OAuth app: 110 per 10 s per installing account
	"professional":   17,   // private app, Professional: 190 per 10 s
	"enterprise":     17,   // private app, Enterprise: 190 per 10 s
	"limit_increase": 22.8, // private app with the API limit increase: 250 per 10 s
}

func tierNames() string {
	return `"starter", "public_app", "professional", "enterprise", "limit_increase"`
}
