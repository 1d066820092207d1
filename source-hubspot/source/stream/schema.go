package stream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// Kind is how a property value is converted from HubSpot's string (AppendValue).
type Kind uint8

// The kinds of property values.
const (
	KindString Kind = iota
	KindBool
	KindNumber
	KindDate
	KindDateTime
	KindRaw // an object or array in the schema: the value is passed as given
)

// KindOfHubSpotType maps a HubSpot property type to a kind, which sets the JSON type of the
// property in the stream schema and how its values are converted.
func KindOfHubSpotType(t string) Kind {
	switch strings.ToLower(t) {
	case "bool", "boolean":
		return KindBool
	case "number":
		return KindNumber
	case "date":
		return KindDate
	case "datetime", "date-time":
		return KindDateTime
	}
	return KindString
}

// FieldSchema is the JSON schema of one nullable property.
func FieldSchema(k Kind, title string) json.RawMessage {
	var s string
	switch k {
	case KindBool:
		s = `{"type":["null","boolean"]`
	case KindNumber:
		s = `{"type":["null","number"]`
	case KindDate:
		s = `{"type":["null","string"],"format":"date"`
	case KindDateTime:
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

// Field is one named schema member, kept in order.
type Field struct {
	Name   string
	Schema json.RawMessage
}

// ObjectSchema writes {"type":[..],"additionalProperties":true,"properties":{...}} in field order.
func ObjectSchema(typ string, fields []Field) json.RawMessage {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"type":%s,"additionalProperties":true,"properties":{`, typ)
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		n, _ := json.Marshal(f.Name)
		b.Write(n)
		b.WriteByte(':')
		b.Write(f.Schema)
	}
	b.WriteString("}}")
	return b.Bytes()
}

// PropertiesSchema is the nested schema of a set of properties (event properties, the contact of
// an event or list membership).
func PropertiesSchema(props []hubspot.Property) json.RawMessage {
	fields := make([]Field, 0, len(props))
	seen := map[string]bool{}
	for _, p := range props {
		if p.Name == "" || seen[p.Name] {
			continue
		}
		seen[p.Name] = true
		fields = append(fields, Field{Name: p.Name, Schema: FieldSchema(KindOfHubSpotType(p.Type), p.Label)})
	}
	sort.Slice(fields, func(i, j int) bool { return fields[i].Name < fields[j].Name })
	return ObjectSchema(`["null","object"]`, fields)
}

// Column is one property of a configured schema: its name and how to convert its values.
type Column struct {
	Name string
	Kind Kind
}

// schemaNode is the part of a JSON schema the reader needs.
type schemaNode struct {
	Type       json.RawMessage            `json:"type"`
	Format     string                     `json:"format"`
	Properties map[string]json.RawMessage `json:"properties"`
}

// kindOfSchema reads a property's kind back from its JSON schema (a user may have edited it).
func kindOfSchema(raw json.RawMessage) Kind {
	var n schemaNode
	if json.Unmarshal(raw, &n) != nil {
		return KindString
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
		return KindDateTime
	case has("string") && n.Format == "date":
		return KindDate
	case has("string"):
		return KindString
	case has("boolean"):
		return KindBool
	case has("number"), has("integer"):
		return KindNumber
	case has("object"), has("array"):
		return KindRaw
	}
	return KindString
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

// SelectsEverything reports whether a configured json_schema lists no property (no properties
// object, or an empty one): it then selects every property of the stream.
func SelectsEverything(raw json.RawMessage) (bool, error) {
	n, err := parseSchema(raw)
	return len(n.Properties) == 0, err
}

// SchemaColumns lists the properties of an object schema with their kinds, sorted by name,
// leaving out the names skip reports. nested names a member whose own properties are wanted
// ("" for the top level).
func SchemaColumns(raw json.RawMessage, nested string, skip func(string) bool) ([]Column, error) {
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
	cols := make([]Column, 0, len(n.Properties))
	for name, s := range n.Properties {
		if skip != nil && skip(name) {
			continue
		}
		cols = append(cols, Column{Name: name, Kind: kindOfSchema(s)})
	}
	sort.Slice(cols, func(i, j int) bool { return cols[i].Name < cols[j].Name })
	return cols, nil
}
