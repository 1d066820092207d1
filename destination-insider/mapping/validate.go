package mapping

import (
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/insider-hubspot/connectors/destination-insider/mapping/convert"
	"github.com/insider-hubspot/connectors/protocol"
)

// Problems returns every problem of the mapping keys of a config with defaults applied; each
// names the key and says how to fix it.
func (c *Config) Problems() []string {
	var p []string
	p = append(p, c.validateIdentifiers()...)
	p = append(p, c.validateAttributes()...)
	p = append(p, c.validateEvents()...)
	p = append(p, c.validateAudience(c.identifierNames())...)
	switch c.InvalidIdentifierPolicy {
	case PolicySkipIdentifier, PolicySkipRecord, PolicyFailRun:
	default:
		p = append(p, fmt.Sprintf("invalid_identifier_policy %q is not one of skip_identifier, skip_record, fail_run", c.InvalidIdentifierPolicy))
	}
	switch c.BooleanFormat {
	case BooleanFormatBoolean, BooleanFormatString:
	default:
		p = append(p, fmt.Sprintf("boolean_format %q is not one of boolean, string", c.BooleanFormat))
	}
	if r := c.Phone.DefaultRegion; r != "" && phonenumbers.GetCountryCodeForRegion(r) == 0 {
		p = append(p, fmt.Sprintf("phone.default_region %q is not an ISO 3166 alpha-2 region with a telephone country code (e.g. US, GB, TR)", r))
	}
	return p
}

// CheckIdentifiersMapped returns the config_error of a config that maps attributes or events
// but no identifier: no record of the streams it maps could be matched to an Insider user, so
// its first sync would fail. Without any of them the config suits data activation, where
// Airbyte maps every stream.
func (cfg *Config) CheckIdentifiersMapped() error {
	if len(cfg.IdentifierMappings) > 0 {
		return nil
	}
	var set []string
	if len(cfg.AttributeMappings) > 0 {
		set = append(set, "attribute_mappings")
	}
	if len(cfg.EventMappings) > 0 {
		set = append(set, "event_mappings")
	}
	if len(set) == 0 {
		return nil
	}
	verb := "is"
	if len(set) > 1 {
		verb = "are"
	}
	return protocol.NewError(protocol.FailureConfig, fmt.Sprintf(
		"%s %s configured but identifier_mappings is empty, so no record of the streams they map could be matched to an Insider user: "+
			`add an identifier mapping, e.g. {"identifier": "email", "source_field": "email"} or {"identifier": "uuid", "source_field": "hs_object_id"}; `+
			"if Airbyte's data activation maps every stream, remove %s instead", strings.Join(set, " and "), verb, strings.Join(set, " and ")), nil)
}

func (c *Config) validateIdentifiers() []string {
	var p []string
	// An empty list is valid: streams Airbyte's data activation maps need none. Write refuses
	// it for a stream that the config maps (see CheckStreams).
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
		if _, ok := convert.Fixed(f.Value, defaultAttributes[f.Attribute]); !ok {
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
		if _, ok := convert.Fixed(f.Value, defaultEventParams[f.Parameter]); !ok {
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
