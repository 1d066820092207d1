package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// Stream names and cursors (the streams are listed in docs/source-hubspot.md).
const (
	contactsStream    = "contacts"
	eventStreamPrefix = "event_"
	contactsCursor    = "lastmodifieddate"
	eventsCursor      = "occurredAt"
)

// propertyKind is how a property value is converted from HubSpot's string.
type propertyKind uint8

const (
	kindString propertyKind = iota
	kindBool
	kindNumber
	kindDate
	kindDateTime
	kindRaw // an object or array in the schema: the value is passed as given
)

// kindOfHubSpotType maps a HubSpot property type to a kind, which sets the JSON type of the
// property in the stream schema and how its values are converted.
func kindOfHubSpotType(t string) propertyKind {
	switch strings.ToLower(t) {
	case "bool", "boolean":
		return kindBool
	case "number":
		return kindNumber
	case "date":
		return kindDate
	case "datetime", "date-time":
		return kindDateTime
	}
	return kindString
}

// usefulHS is the subset of hs_ contact properties kept in the schema.
var usefulHS = map[string]bool{
	"hs_object_id": true, "hs_email_domain": true, "hs_language": true, "hs_analytics_source": true,
	"hs_analytics_source_data_1": true, "hs_analytics_source_data_2": true,
	"hs_analytics_first_timestamp": true, "hs_analytics_last_timestamp": true,
	"hs_latest_source": true, "hs_lead_status": true, "hs_persona": true, "hs_timezone": true,
	"hs_email_optout": true, "hs_marketable_status": true, "hs_whatsapp_phone_number": true,
	"hs_lifecyclestage_customer_date": true, "hs_lifecyclestage_lead_date": true,
	"hs_createdate": true, "hs_lastmodifieddate": true,
	mergedIDsProperty: true,
}

// mergedIDsProperty is HubSpot's ";"-separated list of the contact ids merged into a contact. It
// is always in the schema, so the destination can re-key merged profiles.
const mergedIDsProperty = "hs_merged_object_ids"

// keepContactProperty reports whether a contact property belongs in the schema.
func keepContactProperty(p hubspot.Property) bool {
	if p.Archived || p.Name == "" || isEnvelopeField(p.Name) {
		return false
	}
	return !strings.HasPrefix(p.Name, "hs_") || usefulHS[p.Name]
}

// isEnvelopeField names the record fields that do not come from properties.
func isEnvelopeField(name string) bool {
	switch name {
	case "id", "createdAt", "updatedAt", "archived", "archivedAt", previousValuesField, deletedPermanentlyField:
		return true
	}
	return false
}

// fieldSchema is the JSON schema of one nullable property.
func fieldSchema(k propertyKind, title string) json.RawMessage {
	var s string
	switch k {
	case kindBool:
		s = `{"type":["null","boolean"]`
	case kindNumber:
		s = `{"type":["null","number"]`
	case kindDate:
		s = `{"type":["null","string"],"format":"date"`
	case kindDateTime:
		s = `{"type":["null","string"],"format":"date-time"`
	default:
		s = `{"type":["null","string"]`
	}
	if title != "" {
		t, _ := json.Marshal(title)
		s += `,"title":` + string(t)
	}
	return json.RawMessage(s + "}")
}

// field is one named schema member, kept in order.
type field struct {
	name   string
	schema json.RawMessage
}

// objectSchema writes {"type":[..],"additionalProperties":true,"properties":{...}} in field order.
func objectSchema(typ string, fields []field) json.RawMessage {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"type":%s,"additionalProperties":true,"properties":{`, typ)
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		n, _ := json.Marshal(f.name)
		b.Write(n)
		b.WriteByte(':')
		b.Write(f.schema)
	}
	b.WriteString("}}")
	return b.Bytes()
}

// contactsSchema builds the contacts stream schema from the Properties API answer.
func contactsSchema(props []hubspot.Property) json.RawMessage {
	fields := []field{
		{"id", json.RawMessage(`{"type":"string"}`)},
		{"createdAt", json.RawMessage(`{"type":["null","string"],"format":"date-time"}`)},
		{"updatedAt", json.RawMessage(`{"type":["null","string"],"format":"date-time"}`)},
		{"archived", json.RawMessage(`{"type":["null","boolean"]}`)},
		{"archivedAt", json.RawMessage(`{"type":["null","string"],"format":"date-time"}`)},
		// Set only on some records: previous_values on records of incremental windows whose
		// identity properties changed (history.go), deleted_permanently on contacts deleted
		// for good (journal.go).
		{previousValuesField, json.RawMessage(`{"type":["null","object"],"additionalProperties":true}`)},
		{deletedPermanentlyField, json.RawMessage(`{"type":["null","boolean"]}`)},
	}
	kept := make([]hubspot.Property, 0, len(props)+1)
	merged := false
	for _, p := range props {
		if keepContactProperty(p) {
			kept = append(kept, p)
			merged = merged || p.Name == mergedIDsProperty
		}
	}
	if !merged {
		// A portal's Properties API may not list it; HubSpot still returns it for merged contacts.
		kept = append(kept, hubspot.Property{Name: mergedIDsProperty, Label: "Merged record IDs", Type: "string"})
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].Name < kept[j].Name })
	for i, p := range kept {
		if i > 0 && p.Name == kept[i-1].Name {
			continue
		}
		fields = append(fields, field{p.Name, fieldSchema(kindOfHubSpotType(p.Type), p.Label)})
	}
	return objectSchema(`"object"`, fields)
}

// propertiesSchema is the nested schema of a set of properties (event properties, event contact).
func propertiesSchema(props []hubspot.Property) json.RawMessage {
	fields := make([]field, 0, len(props))
	seen := map[string]bool{}
	for _, p := range props {
		if p.Name == "" || seen[p.Name] {
			continue
		}
		seen[p.Name] = true
		fields = append(fields, field{p.Name, fieldSchema(kindOfHubSpotType(p.Type), p.Label)})
	}
	sort.Slice(fields, func(i, j int) bool { return fields[i].name < fields[j].name })
	return objectSchema(`["null","object"]`, fields)
}

// eventSchema builds the schema of one event stream.
func eventSchema(def hubspot.EventDefinition, contactProps []hubspot.Property) json.RawMessage {
	return objectSchema(`"object"`, []field{
		{"id", json.RawMessage(`{"type":"string"}`)},
		{"eventType", json.RawMessage(`{"type":["null","string"]}`)},
		{"occurredAt", json.RawMessage(`{"type":["null","string"],"format":"date-time"}`)},
		{"objectType", json.RawMessage(`{"type":["null","string"]}`)},
		{"objectId", json.RawMessage(`{"type":["null","string"]}`)},
		{"properties", propertiesSchema(def.Properties)},
		{"contact", propertiesSchema(contactProps)},
	})
}

// column is one property of a configured schema: its name and how to convert its values.
type column struct {
	name string
	kind propertyKind
}

// schemaNode is the part of a JSON schema the reader needs.
type schemaNode struct {
	Type       json.RawMessage            `json:"type"`
	Format     string                     `json:"format"`
	Properties map[string]json.RawMessage `json:"properties"`
}

// kindOfSchema reads a property's kind back from its JSON schema (a user may have edited it).
func kindOfSchema(raw json.RawMessage) propertyKind {
	var n schemaNode
	if json.Unmarshal(raw, &n) != nil {
		return kindString
	}
	var types []string
	if json.Unmarshal(n.Type, &types) != nil {
		var t string
		if json.Unmarshal(n.Type, &t) == nil {
			types = []string{t}
		}
	}
	has := func(t string) bool {
		for _, x := range types {
			if x == t {
				return true
			}
		}
		return false
	}
	switch {
	case has("string") && n.Format == "date-time":
		return kindDateTime
	case has("string") && n.Format == "date":
		return kindDate
	case has("string"):
		return kindString
	case has("boolean"):
		return kindBool
	case has("number"), has("integer"):
		return kindNumber
	case has("object"), has("array"):
		return kindRaw
	}
	return kindString
}

// parseSchema decodes a configured json_schema; an absent or null one is the empty schema.
func parseSchema(raw json.RawMessage) (schemaNode, error) {
	var n schemaNode
	if raw = bytes.TrimSpace(raw); len(raw) == 0 {
		return n, nil
	}
	if err := json.Unmarshal(raw, &n); err != nil {
		return n, fmt.Errorf("json_schema is not a JSON schema object: %w", err)
	}
	return n, nil
}

// selectsEverything reports whether a configured json_schema lists no property (no properties
// object, or an empty one): it then selects every property of the stream.
func selectsEverything(raw json.RawMessage) (bool, error) {
	n, err := parseSchema(raw)
	return len(n.Properties) == 0, err
}

// schemaColumns lists the properties of an object schema with their kinds, sorted by name,
// leaving out the names skip reports. nested names a member whose own properties are wanted
// ("" for the top level).
func schemaColumns(raw json.RawMessage, nested string, skip func(string) bool) ([]column, error) {
	n, err := parseSchema(raw)
	if err != nil {
		return nil, err
	}
	if nested != "" {
		sub, ok := n.Properties[nested]
		if !ok {
			return nil, nil
		}
		n = schemaNode{}
		if err := json.Unmarshal(sub, &n); err != nil {
			return nil, fmt.Errorf("json_schema.properties.%s: %w", nested, err)
		}
	}
	cols := make([]column, 0, len(n.Properties))
	for name, s := range n.Properties {
		if skip != nil && skip(name) {
			continue
		}
		cols = append(cols, column{name: name, kind: kindOfSchema(s)})
	}
	sort.Slice(cols, func(i, j int) bool { return cols[i].name < cols[j].name })
	return cols, nil
}
