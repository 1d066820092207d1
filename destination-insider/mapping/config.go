// Package mapping turns the records of a sync into Insider users and events: the mapping part of
// the destination's config, compiled against the configured catalog and Insider's attribute
// metadata, and the mapping of one record to the encoded user it becomes, or to the reason it
// is rejected. It holds no goroutine and does no I/O: the destination package reads the input,
// batches what this package encodes, and sends it.
package mapping

import "strings"

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

// Config is the mapping part of the destination's configuration: how record fields become
// Insider identifiers, attributes and events. The destination's config embeds it, so its keys
// sit at the top level of the connectionSpecification.
type Config struct {
	IdentifierMappings      []IdentifierMapping `json:"identifier_mappings"`
	AttributeMappings       []AttributeMapping  `json:"attribute_mappings"`
	FixedAttributes         []FixedAttribute    `json:"fixed_attributes"`
	EventMappings           []EventMapping      `json:"event_mappings"`
	FixedEventParameters    []FixedParameter    `json:"fixed_event_parameters"`
	InvalidIdentifierPolicy string              `json:"invalid_identifier_policy"`
	Phone                   PhoneConfig         `json:"phone"`
	BooleanFormat           string              `json:"boolean_format"`
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

// Normalized reports whether phone values are normalised to E.164.
func (p PhoneConfig) Normalized() bool { return p.Normalize == nil || *p.Normalize }

// ApplyDefaults fills in the defaults of the mapping keys a config leaves out.
func (c *Config) ApplyDefaults() {
	if c.InvalidIdentifierPolicy == "" {
		c.InvalidIdentifierPolicy = PolicySkipIdentifier
	}
	if c.BooleanFormat == "" {
		c.BooleanFormat = BooleanFormatBoolean
	}
	c.Phone.DefaultRegion = strings.ToUpper(strings.TrimSpace(c.Phone.DefaultRegion))
}
