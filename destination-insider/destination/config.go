package destination

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Config keys whose values the code refers to.
const (
	PolicySkipIdentifier = "skip_identifier"
	PolicySkipRecord     = "skip_record"
	PolicyFailRun        = "fail_run"

	BooleanFormatBoolean = "boolean"
	BooleanFormatString  = "string"

	// ContactsStream is the source stream whose records become user profiles.
	ContactsStream = "contacts"
)

// Defaults of optional config fields.
const (
	DefaultBatchSize        = 1000
	DefaultConcurrency      = 4
	DefaultAlertRejectRatio = 0.05
	DefaultAPIBaseURL       = "https://unification.useinsider.com"
	// DefaultEventRetentionDays is how long Insider keeps custom events
	// (its Data Retention page: at most 3 months).
	DefaultEventRetentionDays = 90
)

// Config is the destination's configuration (the connectionSpecification
// in spec.json). Use ParseConfig to read one: it fills in the defaults.
type Config struct {
	PartnerName             string              `json:"partner_name"`
	APIKey                  string              `json:"api_key"`
	APIBaseURL              string              `json:"api_base_url"`
	IdentifierMappings      []IdentifierMapping `json:"identifier_mappings"`
	AttributeMappings       []AttributeMapping  `json:"attribute_mappings"`
	FixedAttributes         []FixedAttribute    `json:"fixed_attributes"`
	EventMappings           []EventMapping      `json:"event_mappings"`
	FixedEventParameters    []FixedParameter    `json:"fixed_event_parameters"`
	SkipHook                bool                `json:"skip_hook"`
	InvalidIdentifierPolicy string              `json:"invalid_identifier_policy"`
	Phone                   PhoneConfig         `json:"phone"`
	BooleanFormat           string              `json:"boolean_format"`
	BatchSize               int                 `json:"batch_size"`
	MaxConcurrentRequests   int                 `json:"max_concurrent_requests"`
	DryRun                  bool                `json:"dry_run"`
	AlertWebhookURL         string              `json:"alert_webhook_url"`
	AlertRejectRatio        float64             `json:"alert_reject_ratio"`
	// DeletionMode and MergeMode say what archived and merged contacts do (deletes.go).
	DeletionMode          string `json:"deletion_mode"`
	MergeMode             string `json:"merge_mode"`
	EventRetentionDays    int    `json:"event_retention_days"`
	ErrorCallbackEndpoint string `json:"error_callback_endpoint"`
}

// IdentifierMapping maps a contact field to an Insider identifier.
type IdentifierMapping struct {
	Identifier  string `json:"identifier"` // email, phone_number, uuid or custom
	CustomName  string `json:"custom_name"`
	SourceField string `json:"source_field"`
}

// AttributeMapping maps a contact field to an Insider attribute.
type AttributeMapping struct {
	SourceField string `json:"source_field"`
	Attribute   string `json:"attribute"`
}

// FixedAttribute is a static attribute value set on every profile.
type FixedAttribute struct {
	Attribute string `json:"attribute"`
	Value     string `json:"value"`
}

// EventMapping sends the records of one source stream as Insider events.
type EventMapping struct {
	Stream     string             `json:"stream"`
	EventName  string             `json:"event_name"`
	Parameters []ParameterMapping `json:"parameters"`
}

// ParameterMapping maps a record path to an event parameter.
type ParameterMapping struct {
	SourceField string `json:"source_field"`
	Parameter   string `json:"parameter"`
}

// FixedParameter is a static parameter set on every event.
type FixedParameter struct {
	Parameter string `json:"parameter"`
	Value     string `json:"value"`
}

// PhoneConfig controls phone number normalisation.
type PhoneConfig struct {
	Normalize     *bool  `json:"normalize"` // default true
	DefaultRegion string `json:"default_region"`
}

// normalize reports whether phone values are normalised to E.164.
func (p PhoneConfig) normalize() bool { return p.Normalize == nil || *p.Normalize }

// ParseConfig decodes raw, fills in defaults and validates everything a
// sync needs, so that mistakes surface in check rather than mid-sync. All
// problems found are reported together.
func ParseConfig(raw json.RawMessage) (*Config, error) {
	var c Config
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("config is not valid JSON for this connector: %w", err)
	}
	var probe struct {
		Ratio *float64 `json:"alert_reject_ratio"`
	}
	_ = json.Unmarshal(raw, &probe) // raw decoded above
	if probe.Ratio == nil {
		c.AlertRejectRatio = DefaultAlertRejectRatio
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
		c.APIBaseURL = DefaultAPIBaseURL
	}
	if c.InvalidIdentifierPolicy == "" {
		c.InvalidIdentifierPolicy = PolicySkipIdentifier
	}
	if c.BooleanFormat == "" {
		c.BooleanFormat = BooleanFormatBoolean
	}
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
	c.Phone.DefaultRegion = strings.ToUpper(strings.TrimSpace(c.Phone.DefaultRegion))
}

// ConfigError lists every problem found in a config.
type ConfigError struct {
	Problems []string
}

// Error implements error.
func (e *ConfigError) Error() string {
	return "invalid config: " + strings.Join(e.Problems, "; ")
}
