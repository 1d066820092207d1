package destination

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
)

// deletion_mode, permanent_deletion_mode, merge_mode and identity_changes values.
const (
	DeletionIgnore        = "ignore"
	DeletionDeleteProfile = "delete_profile"
	DeletionAnonymize     = "anonymize"
	MergeIgnore           = "ignore"
	MergeUpdateIdentity   = "update_identity"
	IdentityFollow        = "follow"
	IdentityIgnore        = "ignore"
)

// Defaults of optional config fields. api_base_url defaults to insider.DefaultBaseURL.
const (
	// DefaultBatchSize is the most users Insider takes in one upsert request.
	DefaultBatchSize        = insider.MaxUsers
	DefaultConcurrency      = 4
	DefaultAlertRejectRatio = 0.05
	// DefaultEventRetentionDays is how long Insider keeps custom events
	// (its Data Retention page: at most 3 months).
	DefaultEventRetentionDays = 90
)

// maxConcurrency bounds max_concurrent_requests.
const maxConcurrency = 16

// Config is the destination's configuration (the connectionSpecification
// in spec.json). Use ParseConfig to read one: it fills in the defaults.
type Config struct {
	PartnerName string `json:"partner_name"`
	APIKey      string `json:"api_key"`
	APIBaseURL  string `json:"api_base_url"`
	// Config holds the mapping keys (identifier_mappings, attribute_mappings, event_mappings,
	// fixed values, phone, boolean_format, invalid_identifier_policy).
	mapping.Config
	SkipHook              bool    `json:"skip_hook"`
	BatchSize             int     `json:"batch_size"`
	MaxConcurrentRequests int     `json:"max_concurrent_requests"`
	DryRun                bool    `json:"dry_run"`
	AlertWebhookURL       string  `json:"alert_webhook_url"`
	AlertRejectRatio      float64 `json:"alert_reject_ratio"`
	// DeletionMode, PermanentDeletionMode, MergeMode, IdentityChanges and ClearEmptyValues say
	// what archived, permanently deleted and merged contacts, changed identifiers and emptied
	// values do (op.go).
	DeletionMode          string `json:"deletion_mode"`
	PermanentDeletionMode string `json:"permanent_deletion_mode"`
	MergeMode             string `json:"merge_mode"`
	IdentityChanges       string `json:"identity_changes"`
	ClearEmptyValues      bool   `json:"clear_empty_values"`
	// permanentDefault is set when permanent_deletion_mode was left out and took its default.
	permanentDefault      bool
	EventRetentionDays    int    `json:"event_retention_days"`
	ErrorCallbackEndpoint string `json:"error_callback_endpoint"`
	// UpdateOnly upserts only users Insider already has a profile for (profiles.Ops.Upsert).
	UpdateOnly bool `json:"update_only"`
}

// ParseConfig decodes raw, fills in defaults and validates everything a
// sync needs, so that mistakes surface in check rather than mid-sync. All
// problems found are reported together.
func ParseConfig(raw json.RawMessage) (*Config, error) {
	// alert_reject_ratio may be 0 (no alert), so its default is set before decoding: an
	// absent key (or null) leaves it.
	c := Config{AlertRejectRatio: DefaultAlertRejectRatio}
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("config is not valid JSON for this connector: %w", err)
	}
	c.applyDefaults()
	if problems := c.validate(); len(problems) > 0 {
		return nil, &ConfigError{Problems: problems}
	}
	return &c, nil
}

func (c *Config) applyDefaults() {
	c.APIBaseURL = strings.TrimSpace(c.APIBaseURL)
	if c.APIBaseURL == "" {
		c.APIBaseURL = insider.DefaultBaseURL
	}
	c.ApplyDefaults()
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.EventRetentionDays == 0 {
		c.EventRetentionDays = DefaultEventRetentionDays
	}
	c.ErrorCallbackEndpoint = strings.TrimSpace(c.ErrorCallbackEndpoint)
	if c.MaxConcurrentRequests == 0 {
		c.MaxConcurrentRequests = DefaultConcurrency
	}
	if c.DeletionMode == "" {
		c.DeletionMode = DeletionIgnore
	}
	if c.MergeMode == "" {
		c.MergeMode = MergeIgnore
	}
	if c.PermanentDeletionMode == "" {
		c.PermanentDeletionMode, c.permanentDefault = DeletionDeleteProfile, true
	}
	if c.IdentityChanges == "" {
		c.IdentityChanges = IdentityFollow
	}
}

// deletes reports whether a mode deletes or anonymizes profiles: archived contacts
// (deletion_mode) or contacts deleted permanently (permanent_deletion_mode).
func (c *Config) deletes() bool {
	return c.DeletionMode != DeletionIgnore || c.PermanentDeletionMode != DeletionIgnore
}

// newCounts returns the counts of a write of c, starting from the fields the summary copies
// from the config.
func newCounts(c *Config) *settle.Counts {
	return settle.NewCounts(settle.Summary{DryRun: c.DryRun, AlertWebhookURL: c.AlertWebhookURL, AlertRejectRatio: c.AlertRejectRatio})
}

// newBatch returns an empty upsert body with the request-level fields of
// cfg: skip_hook and, when set, error_callback_endpoint (the URL Insider
// notifies when an accepted user later fails to unify).
func newBatch(cfg *Config) *insider.Batch {
	b := insider.NewBatch(cfg.SkipHook)
	b.SetErrorCallback(cfg.ErrorCallbackEndpoint)
	return b
}

// ConfigError lists every problem found in a config.
type ConfigError struct {
	Problems []string
}

// Error implements error.
func (e *ConfigError) Error() string {
	return "invalid config: " + strings.Join(e.Problems, "; ")
}
