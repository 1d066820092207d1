package lists

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// The list_memberships stream's cursor, and the scope it needs.
const (
	cursor = "membershipTimestamp"
	// Scope is the scope HubSpot's Lists API reads need (crm.segments.read works too).
	Scope = "crm.lists.read"
)

// CatalogStream probes whether the credentials can read lists, with a list search of one
// list, and returns the list_memberships stream when they can. Without the scope (403) the
// stream is left out with a WARN naming it, as event streams are without theirs; any other
// failure is returned, and fails discover.
func CatalogStream(ctx context.Context, c *hubspot.Client, contactProps []hubspot.Property) (*protocol.Stream, error) {
	_, err := c.SearchLists(ctx, hubspot.ListSearchRequest{ObjectTypeID: hubspot.ContactObjectTypeID, Count: 1})
	var ae *hubspot.APIError
	switch {
	case errors.As(err, &ae) && (ae.StatusCode == http.StatusForbidden || ae.StatusCode == http.StatusPaymentRequired):
		zerolog.Ctx(ctx).Warn().Str("stream", stream.Lists).Str("answer", ae.Summary()).
			Msg("HubSpot lists are not available to this connection: grant the " + Scope +
				" scope (or crm.segments.read) and re-authorize to sync list memberships; discovering without " + stream.Lists)
		return nil, nil
	case err != nil:
		return nil, err
	}
	return &protocol.Stream{
		Name:                    stream.Lists,
		JSONSchema:              schema(contactProps),
		SupportedSyncModes:      []protocol.SyncMode{protocol.SyncModeFullRefresh, protocol.SyncModeIncremental},
		SourceDefinedCursor:     true,
		DefaultCursorField:      []string{cursor},
		SourceDefinedPrimaryKey: [][]string{{"listId"}, {"recordId"}},
		IsResumable:             true,
	}, nil
}

// schema is the schema of list_memberships records; contact holds the
// event_contact_properties, typed as in event streams.
func schema(contactProps []hubspot.Property) json.RawMessage {
	return stream.ObjectSchema(`"object"`, []stream.Field{
		{Name: "listId", Schema: json.RawMessage(`{"type":"string"}`)},
		{Name: "listName", Schema: json.RawMessage(`{"type":["null","string"]}`)},
		{Name: "processingType", Schema: json.RawMessage(`{"type":["null","string"]}`)},
		{Name: "recordId", Schema: json.RawMessage(`{"type":"string"}`)},
		{Name: "member", Schema: json.RawMessage(`{"type":"boolean"}`)},
		{Name: "membershipTimestamp", Schema: json.RawMessage(`{"type":["null","string"],"format":"date-time"}`)},
		{Name: "previousListName", Schema: json.RawMessage(`{"type":["null","string"]}`)},
		{Name: "contact", Schema: stream.PropertiesSchema(contactProps)},
	})
}
