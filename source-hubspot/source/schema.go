package source

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/history"
	"github.com/insider-hubspot/connectors/source-hubspot/source/journal"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// contactsCursor is the contacts stream's cursor field.
const contactsCursor = "lastmodifieddate"

// usefulHS is the subset of hs_ contact properties kept in the schema.
var usefulHS = map[string]bool{
	"hs_object_id": true, "hs_email_domain": true, "hs_language": true, "hs_analytics_source": true,
	"hs_analytics_source_data_1": true, "hs_analytics_source_data_2": true,
	"hs_analytics_first_timestamp": true, "hs_analytics_last_timestamp": true,
	"hs_latest_source": true, "hs_lead_status": true, "hs_persona": true, "hs_timezone": true,
	"hs_email_optout": true, "hs_marketable_status": true, "hs_whatsapp_phone_number": true,
	"hs_lifecyclestage_customer_date": true, "hs_lifecyclestage_lead_date": true,
	"hs_createdate": true, "hs_lastmodifieddate": true,
	stream.MergedIDsProperty: true,
}

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
	case "id", "createdAt", "updatedAt", "archived", "archivedAt", history.Field, journal.DeletedPermanentlyField:
		return true
	}
	return false
}

// contactsSchema builds the contacts stream schema from the Properties API answer.
func contactsSchema(props []hubspot.Property) json.RawMessage {
	fields := []stream.Field{
		{Name: "id", Schema: json.RawMessage(`{"type":"string"}`)},
		{Name: "createdAt", Schema: json.RawMessage(`{"type":["null","string"],"format":"date-time"}`)},
		{Name: "updatedAt", Schema: json.RawMessage(`{"type":["null","string"],"format":"date-time"}`)},
		{Name: "archived", Schema: json.RawMessage(`{"type":["null","boolean"]}`)},
		{Name: "archivedAt", Schema: json.RawMessage(`{"type":["null","string"],"format":"date-time"}`)},
		// Set only on some records: previous_values on records of incremental windows whose
		// identity properties changed (source/history), deleted_permanently on contacts deleted
		// for good (contacts_journal.go).
		{Name: history.Field, Schema: json.RawMessage(`{"type":["null","object"],"additionalProperties":true}`)},
		{Name: journal.DeletedPermanentlyField, Schema: json.RawMessage(`{"type":["null","boolean"]}`)},
	}
	kept := make([]hubspot.Property, 0, len(props)+1)
	merged := false
	for _, p := range props {
		if keepContactProperty(p) {
			kept = append(kept, p)
			merged = merged || p.Name == stream.MergedIDsProperty
		}
	}
	if !merged {
		// A portal's Properties API may not list it; HubSpot still returns it for merged contacts.
		kept = append(kept, hubspot.Property{Name: stream.MergedIDsProperty, Label: "Merged record IDs", Type: "string"})
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].Name < kept[j].Name })
	for i, p := range kept {
		if i > 0 && p.Name == kept[i-1].Name {
			continue
		}
		fields = append(fields, stream.Field{Name: p.Name, Schema: stream.FieldSchema(stream.KindOfHubSpotType(p.Type), p.Label)})
	}
	return stream.ObjectSchema(`"object"`, fields)
}
