package events

import (
	"encoding/json"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// cursor is the event streams' cursor field.
const cursor = "occurredAt"

// CatalogStream is the catalog stream of the event definition d; its records' contact holds
// contactProps, the event_contact_properties.
func CatalogStream(d hubspot.EventDefinition, contactProps []hubspot.Property) protocol.Stream {
	return protocol.Stream{
		Name:                    stream.EventPrefix + d.FullyQualifiedName,
		JSONSchema:              schema(d, contactProps),
		SupportedSyncModes:      []protocol.SyncMode{protocol.SyncModeFullRefresh, protocol.SyncModeIncremental},
		SourceDefinedCursor:     true,
		DefaultCursorField:      []string{cursor},
		SourceDefinedPrimaryKey: [][]string{{"id"}},
		IsResumable:             true,
	}
}

// schema builds the schema of one event stream.
func schema(def hubspot.EventDefinition, contactProps []hubspot.Property) json.RawMessage {
	return stream.ObjectSchema(`"object"`, []stream.Field{
		{Name: "id", Schema: json.RawMessage(`{"type":"string"}`)},
		{Name: "eventType", Schema: json.RawMessage(`{"type":["null","string"]}`)},
		{Name: "occurredAt", Schema: json.RawMessage(`{"type":["null","string"],"format":"date-time"}`)},
		{Name: "objectType", Schema: json.RawMessage(`{"type":["null","string"]}`)},
		{Name: "objectId", Schema: json.RawMessage(`{"type":["null","string"]}`)},
		{Name: "properties", Schema: stream.PropertiesSchema(def.Properties)},
		{Name: "contact", Schema: stream.PropertiesSchema(contactProps)},
	})
}
