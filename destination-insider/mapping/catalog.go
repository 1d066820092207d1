package mapping

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/destination-insider/mapping/convert"
	"github.com/insider-hubspot/connectors/protocol"
)

// The Insider objects of the destination catalog, as Airbyte's data activation names them in
// a configured stream's destination_object_name.
const (
	ObjectUser  = "user"
	ObjectEvent = "event"
)

// Field names of an event object besides its identifiers and parameters.
const (
	fieldEventName = "event_name"
	fieldTimestamp = "timestamp"
)

// standardIdentifiers are Insider's identifier names, the first matching keys offered.
var standardIdentifiers = []string{"email", "phone_number", "uuid"}

// attributeAliases are default attribute names the mapper accepts but the catalog does not
// offer: older names of an attribute listed under its current name.
var attributeAliases = map[string]bool{"list_id": true}

// fieldDescriptions say what Insider expects of some default fields; the others speak for
// themselves.
var fieldDescriptions = map[string]string{
	"email":             "Insider identifier or default attribute: an email address (sent trimmed and lower-cased).",
	"phone_number":      "Insider identifier or default attribute: a phone number, sent in E.164 (+14155550123) after normalisation.",
	"uuid":              "Insider identifier or default attribute: your own user id, sent as a string.",
	"birthday":          "Default attribute: a date or RFC 3339 date-time, sent in UTC with Z.",
	"country":           "Default attribute: ISO 3166-1 alpha-2 country code (US, GB, TR).",
	"language":          "Default attribute: a language tag, sent as en_US.",
	"gdpr_optin":        "Default attribute: false stops every Insider campaign and message for the user.",
	"static_segment_id": "Default attribute: ids of the newsletter contact lists the user is in.",
	fieldEventName:      "The Insider event name: the event's system name in InOne (lower case, no spaces).",
	fieldTimestamp:      "When the event happened: an RFC 3339 date-time, a date, or epoch milliseconds; sent in UTC with Z.",
}

// kindSchemas are the JSON schemas of the value kinds of Insider's default names.
var kindSchemas = map[convert.Kind]string{
	convert.String:    `{"type":"string"}`,
	convert.Country:   `{"type":"string","pattern":"^[A-Z]{2}$"}`,
	convert.List:      `{"type":"array"}`,
	convert.Number:    `{"type":"number"}`,
	convert.Integer:   `{"type":"integer"}`,
	convert.Bool:      `{"type":"boolean"}`,
	convert.Date:      `{"type":"string","format":"date-time","airbyte_type":"timestamp_with_timezone"}`,
	convert.Email:     `{"type":"string"}`,
	convert.Phone:     `{"type":"string"}`,
	convert.Language:  `{"type":"string"}`,
	convert.Array:     `{"type":"array"}`,
	convert.FloatList: `{"type":"array","items":{"type":"number"}}`,
}

// metadataSchemas are the JSON schemas of the data types Insider's metadata gives custom
// attributes.
var metadataSchemas = map[string]string{
	"string":  `{"type":"string"}`,
	"number":  `{"type":"number"}`,
	"boolean": `{"type":"boolean"}`,
	"date":    `{"type":"string","format":"date-time","airbyte_type":"timestamp_with_timezone"}`,
	"array":   `{"type":"array"}`,
}

// Catalog builds the DESTINATION_CATALOG of Airbyte's data activation:
//
//   - user (append_dedup): matched on one of email, phone_number, uuid or a custom identifier
//     the config names; properties are the identifiers, Insider's default attributes and the
//     custom attributes of columns (Insider's metadata, may be nil), each with its type.
//   - event (append): the same identifiers and matching keys, event_name and timestamp
//     (required), and Insider's default event parameters.
//   - user (update): as append_dedup, but only profiles Insider already has are updated.
//   - user (soft_delete): the same matching keys, and the identifiers as the only properties:
//     the profile a record's matching key finds is deleted (or anonymized).
//
// All but soft_delete allow further properties: any other field is sent as a custom attribute
// or parameter.
// shadowed lists the custom attributes of columns that are left out because they bear the name
// of a default attribute or identifier: a field of that name is sent as the default.
func Catalog(cfg *Config, columns []insider.Column) (catalog *protocol.DestinationCatalog, shadowed []string) {
	keys := make([][]string, 0, len(standardIdentifiers))
	for _, name := range standardIdentifiers {
		keys = append(keys, []string{name})
	}
	custom := customIdentifierNames(cfg)
	for _, name := range custom {
		if !slices.Contains(standardIdentifiers, name) {
			keys = append(keys, []string{name})
		}
	}
	user, shadowed := userFields(identifierFields(custom, false), columns)
	event := eventFields(identifierFields(custom, true))
	userSchema := objectSchema(user, nil, true)
	return &protocol.DestinationCatalog{Operations: []protocol.DestinationOperation{
		{ObjectName: ObjectUser, SyncMode: protocol.DestinationSyncModeAppendDedup, MatchingKeys: keys, JSONSchema: userSchema},
		{ObjectName: ObjectEvent, SyncMode: protocol.DestinationSyncModeAppend, MatchingKeys: keys,
			JSONSchema: objectSchema(event, []string{fieldEventName, fieldTimestamp}, true)},
		{ObjectName: ObjectUser, SyncMode: protocol.DestinationSyncModeUpdate, MatchingKeys: keys, JSONSchema: userSchema},
		{ObjectName: ObjectUser, SyncMode: protocol.DestinationSyncModeSoftDelete, MatchingKeys: keys,
			JSONSchema: objectSchema(identifierFields(custom, false), nil, false)},
	}}, shadowed
}

// identifierFields are the schemas of the identifier fields of a user (or, for event, of an
// event's user), by name: the standard identifiers and the custom ones of the config.
func identifierFields(custom []string, event bool) map[string]string {
	out := map[string]string{}
	for _, name := range standardIdentifiers {
		d := fieldDescriptions[name]
		if event {
			d = "Identifies the event's user" + d[strings.Index(d, ":"):]
		}
		out[name] = fieldSchema(kindSchemas[defaultAttributes[name]], d)
	}
	for _, name := range custom {
		if _, dup := out[name]; !dup {
			out[name] = fieldSchema(`{"type":"string"}`, "Custom identifier "+name+" (identifiers.custom), sent as a string.")
		}
	}
	return out
}

// userFields adds to the identifier fields of a user Insider's default attributes and the custom
// attributes of columns, with their types. shadowed lists the custom attributes left out because
// a field of their name is there already.
func userFields(fields map[string]string, columns []insider.Column) (user map[string]string, shadowed []string) {
	for name, k := range defaultAttributes {
		if _, taken := fields[name]; !taken && !attributeAliases[name] {
			fields[name] = fieldSchema(kindSchemas[k], defaultDescription(name, "attribute"))
		}
	}
	for _, col := range columns {
		name, ok := col.CustomName()
		if !ok {
			continue
		}
		if _, taken := fields[name]; taken || name == "custom" {
			shadowed = append(shadowed, name)
			continue
		}
		fields[name] = fieldSchema(columnSchema(col), columnDescription(col, name))
	}
	return fields, shadowed
}

// columnSchema is the JSON schema of a custom attribute of Insider's type; any value for a type
// this destination does not know.
func columnSchema(col insider.Column) string {
	if schema, known := metadataSchemas[strings.ToLower(col.Type)]; known {
		return schema
	}
	return `{}`
}

func columnDescription(col insider.Column, name string) string {
	if col.DisplayName != "" && col.DisplayName != name {
		return "Custom attribute " + col.DisplayName + " (attributes.custom), of Insider type " + col.Type + "."
	}
	return "Custom attribute (attributes.custom), of Insider type " + col.Type + "."
}

// eventFields adds to the identifier fields of an event's user event_name, timestamp and
// Insider's default event parameters, with their types.
func eventFields(fields map[string]string) map[string]string {
	fields[fieldEventName] = fieldSchema(`{"type":"string"}`, fieldDescriptions[fieldEventName])
	fields[fieldTimestamp] = fieldSchema(kindSchemas[convert.Date], fieldDescriptions[fieldTimestamp])
	for name, k := range defaultEventParams {
		if _, taken := fields[name]; !taken {
			fields[name] = fieldSchema(kindSchemas[k], defaultDescription(name, "event parameter"))
		}
	}
	return fields
}

// customIdentifierNames returns the custom identifier names of the config's identifier
// mappings, in config order, each once.
func customIdentifierNames(cfg *Config) []string {
	var out []string
	for _, m := range cfg.IdentifierMappings {
		if name := strings.TrimSpace(m.CustomName); m.Identifier == "custom" && name != "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

func defaultDescription(name, what string) string {
	if d, ok := fieldDescriptions[name]; ok {
		return d
	}
	return "Insider default " + what + "."
}

// fieldSchema returns schema (a JSON object) with a description added.
func fieldSchema(schema, description string) string {
	if description == "" {
		return schema
	}
	d, _ := json.Marshal(description) // a string always encodes
	if schema == `{}` {
		return `{"description":` + string(d) + `}`
	}
	return schema[:len(schema)-1] + `,"description":` + string(d) + `}`
}

// objectSchema returns the JSON schema of an object with these properties (sorted by name),
// required fields, and further properties allowed or not (additional).
func objectSchema(props map[string]string, required []string, additional bool) json.RawMessage {
	var b strings.Builder
	b.WriteString(`{"type":"object","additionalProperties":` + strconv.FormatBool(additional))
	if len(required) > 0 {
		r, _ := json.Marshal(required)
		b.WriteString(`,"required":`)
		b.Write(r)
	}
	b.WriteString(`,"properties":{`)
	for i, name := range slices.Sorted(maps.Keys(props)) {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(name)
		b.Write(k)
		b.WriteByte(':')
		b.WriteString(props[name])
	}
	b.WriteString(`}}`)
	return json.RawMessage(b.String())
}
