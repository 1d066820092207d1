package destination

import (
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/insider-hubspot/connectors/internal/urlpolicy"
)

// maxRetentionDays bounds event_retention_days (100 years).
const maxRetentionDays = 36500

// validate returns every problem of a config with defaults applied; each
// names the field and says how to fix it.
func (c *Config) validate() []string {
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }

	if strings.TrimSpace(c.PartnerName) == "" {
		add("partner_name is empty: set it to your InOne account name")
	}
	if strings.TrimSpace(c.APIKey) == "" {
		add("api_key is empty: set it to a Unified Customer Database API key")
	}
	if err := urlpolicy.Check("api_base_url", c.APIBaseURL); err != nil {
		add("%v", err)
	}
	if c.AlertWebhookURL != "" {
		if err := urlpolicy.Check("alert_webhook_url", c.AlertWebhookURL); err != nil {
			add("%v", err)
		}
	}
	p = append(p, c.validateIdentifiers()...)
	p = append(p, c.validateAttributes()...)
	p = append(p, c.validateEvents()...)
	p = append(p, c.validateDeleteModes()...)

	switch c.InvalidIdentifierPolicy {
	case PolicySkipIdentifier, PolicySkipRecord, PolicyFailRun:
	default:
		add("invalid_identifier_policy %q is not one of skip_identifier, skip_record, fail_run", c.InvalidIdentifierPolicy)
	}
	switch c.BooleanFormat {
	case BooleanFormatBoolean, BooleanFormatString:
	default:
		add("boolean_format %q is not one of boolean, string", c.BooleanFormat)
	}
	if c.BatchSize < 1 || c.BatchSize > 1000 {
		add("batch_size %d is out of range: use 1 to 1000", c.BatchSize)
	}
	if c.MaxConcurrentRequests < 1 || c.MaxConcurrentRequests > 16 {
		add("max_concurrent_requests %d is out of range: use 1 to 16", c.MaxConcurrentRequests)
	}
	if r := c.Phone.DefaultRegion; r != "" && phonenumbers.GetCountryCodeForRegion(r) == 0 {
		add("phone.default_region %q is not an ISO 3166 alpha-2 region with a telephone country code (e.g. US, GB, TR)", r)
	}
	if c.EventRetentionDays < 1 || c.EventRetentionDays > maxRetentionDays {
		add("event_retention_days %d is out of range: use 1 to %d (Insider keeps custom events 90 days unless your account says otherwise)", c.EventRetentionDays, maxRetentionDays)
	}
	if c.ErrorCallbackEndpoint != "" {
		if err := urlpolicy.Check("error_callback_endpoint", c.ErrorCallbackEndpoint); err != nil {
			add("%v", err)
		}
	}
	if c.AlertRejectRatio < 0 || c.AlertRejectRatio > 1 {
		add("alert_reject_ratio %v is out of range: use a number from 0 to 1", c.AlertRejectRatio)
	}
	return p
}

func (c *Config) validateIdentifiers() []string {
	var p []string
	// An empty list is valid: streams Airbyte's data activation maps need none. Write refuses
	// it for a stream that the config maps (see checkStreams).
	for i, m := range c.IdentifierMappings {
		where := fmt.Sprintf("identifier_mappings[%d]", i)
		switch m.Identifier {
		case "email", "phone_number", "uuid":
		case "custom":
			if strings.TrimSpace(m.CustomName) == "" {
				p = append(p, where+": a custom identifier needs custom_name (its name in Insider)")
			}
		default:
			p = append(p, fmt.Sprintf("%s: identifier %q is not one of email, phone_number, uuid, custom", where, m.Identifier))
		}
		if msg := checkPath(m.SourceField); msg != "" {
			p = append(p, where+": source_field "+msg)
		}
	}
	return p
}

func (c *Config) validateAttributes() []string {
	var p []string
	seen := map[string]string{}
	claim := func(name, where string) {
		if prev, dup := seen[name]; dup {
			p = append(p, fmt.Sprintf("%s: attribute %q is already set by %s; each attribute can have one source", where, name, prev))
			return
		}
		seen[name] = where
	}
	ids := c.identifierNames()
	for i, m := range c.AttributeMappings {
		where := fmt.Sprintf("attribute_mappings[%d]", i)
		if msg := checkName(m.Attribute); msg != "" {
			p = append(p, where+": attribute "+msg)
		} else if msg := identifierAttribute(m.Attribute, ids); msg != "" {
			p = append(p, where+": "+msg)
		} else {
			claim(m.Attribute, where)
		}
		if msg := checkPath(m.SourceField); msg != "" {
			p = append(p, where+": source_field "+msg)
		}
	}
	for i, f := range c.FixedAttributes {
		where := fmt.Sprintf("fixed_attributes[%d]", i)
		if msg := checkName(f.Attribute); msg != "" {
			p = append(p, where+": attribute "+msg)
			continue
		}
		if msg := identifierAttribute(f.Attribute, ids); msg != "" {
			p = append(p, where+": "+msg)
			continue
		}
		claim(f.Attribute, where)
		if f.Attribute == "gdpr_optin" {
			p = append(p, where+": gdpr_optin cannot be a fixed value (false blocks every Insider campaign for the user); map it from a contact field instead")
			continue
		}
		if _, ok := coerceFixed(f.Value, defaultAttributes[f.Attribute]); !ok {
			p = append(p, fmt.Sprintf("%s: value %q cannot be sent as Insider's %s attribute", where, f.Value, f.Attribute))
		}
	}
	return p
}

func (c *Config) validateEvents() []string {
	var p []string
	streams := map[string]bool{}
	fixed := map[string]bool{}
	for i, f := range c.FixedEventParameters {
		where := fmt.Sprintf("fixed_event_parameters[%d]", i)
		if msg := checkName(f.Parameter); msg != "" {
			p = append(p, where+": parameter "+msg)
			continue
		}
		if fixed[f.Parameter] {
			p = append(p, fmt.Sprintf("%s: parameter %q is set twice", where, f.Parameter))
		}
		fixed[f.Parameter] = true
		if _, ok := coerceFixed(f.Value, defaultEventParams[f.Parameter]); !ok {
			p = append(p, fmt.Sprintf("%s: value %q cannot be sent as Insider's %s parameter", where, f.Value, f.Parameter))
		}
	}
	for i, m := range c.EventMappings {
		where := fmt.Sprintf("event_mappings[%d]", i)
		switch {
		case strings.TrimSpace(m.Stream) == "":
			p = append(p, where+": stream is empty")
		case m.Stream == ContactsStream:
			p = append(p, where+": the contacts stream is mapped by identifier and attribute mappings, not as an event")
		case streams[m.Stream]:
			p = append(p, fmt.Sprintf("%s: stream %q is mapped twice", where, m.Stream))
		}
		streams[m.Stream] = true
		if !ValidEventName(m.EventName) {
			hint := "use lower-case letters, digits, '.', '-' and '_', starting with a letter or digit"
			if s := NormalizeEventName(m.EventName); s != "" {
				hint = fmt.Sprintf("use %q (lower-case letters, digits, '.', '-' and '_'), and the same System Name in InOne", s)
			}
			p = append(p, fmt.Sprintf("%s: event_name %q is not a name Insider accepts: %s", where, m.EventName, hint))
		}
		params := map[string]bool{}
		for j, pm := range m.Parameters {
			pw := fmt.Sprintf("%s.parameters[%d]", where, j)
			if msg := checkName(pm.Parameter); msg != "" {
				p = append(p, pw+": parameter "+msg)
			} else if params[pm.Parameter] || fixed[pm.Parameter] {
				p = append(p, fmt.Sprintf("%s: parameter %q is already set (by another mapping or a fixed parameter)", pw, pm.Parameter))
			}
			params[pm.Parameter] = true
			if msg := checkPath(pm.SourceField); msg != "" {
				p = append(p, pw+": source_field "+msg)
			}
		}
	}
	return p
}

// identifierNames are the names identifier_mappings send under
// identifiers: email, phone_number, uuid and the custom names.
func (c *Config) identifierNames() map[string]bool {
	ids := map[string]bool{"email": true, "phone_number": true, "uuid": true}
	for _, m := range c.IdentifierMappings {
		if m.Identifier == "custom" {
			ids[strings.TrimSpace(m.CustomName)] = true
		}
	}
	return ids
}

// identifierAttribute explains why an attribute name is refused when it is
// an identifier: Insider takes identifiers only under identifiers, never in
// attributes.
func identifierAttribute(name string, ids map[string]bool) string {
	if !ids[name] {
		return ""
	}
	return fmt.Sprintf("attribute %q is an identifier, and Insider takes identifiers only under identifiers, never in attributes: "+
		"map the field in identifier_mappings instead and remove it here", name)
}

// checkName validates an attribute or parameter name.
func checkName(name string) string {
	switch {
	case strings.TrimSpace(name) == "":
		return "is empty"
	case name != strings.TrimSpace(name):
		return fmt.Sprintf("%q has leading or trailing spaces", name)
	case name == "custom":
		return `"custom" is reserved by Insider for the object holding custom names`
	}
	return ""
}

// checkPath validates a dotted source path.
func checkPath(path string) string {
	if strings.TrimSpace(path) == "" {
		return "is empty"
	}
	for _, seg := range strings.Split(path, ".") {
		if seg == "" {
			return fmt.Sprintf("%q has an empty segment", path)
		}
	}
	return ""
}
