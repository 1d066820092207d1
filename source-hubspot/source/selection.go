package source

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// alwaysRead are the contact properties every contacts read requests, whatever the configured
// schema selects: the cursor (the watermark a destination and the next run rely on) and the
// record id HubSpot keeps as a property, typed as discover types them.
var alwaysRead = []stream.Column{
	{Name: contactsCursor, Kind: stream.KindDateTime},
	{Name: "hs_object_id", Kind: stream.KindNumber},
}

// contactColumns returns the contact properties the configured contacts stream selects, with
// their kinds: the ones its json_schema lists or, when it lists none (no properties object or
// an empty one, as runners such as airbyte-local-cli send), every property discover lists, read
// from the Properties API. The cursor and hs_object_id are always among them, so a contacts
// read never selects nothing.
func (r *readRun) contactColumns(ctx context.Context, schema json.RawMessage) ([]stream.Column, error) {
	all, err := stream.SelectsEverything(schema)
	if err != nil {
		return nil, configErr("stream contacts: "+err.Error(), nil)
	}
	if all {
		props, err := r.Client.ContactProperties(ctx)
		if err != nil {
			return nil, fmt.Errorf("list the contact properties for a json_schema that selects every property: %w", err)
		}
		schema = contactsSchema(props)
	}
	cols, err := stream.SchemaColumns(schema, "", isEnvelopeField)
	if err != nil {
		return nil, configErr("stream contacts: "+err.Error(), nil)
	}
	if all {
		zerolog.Ctx(ctx).Info().Int("properties", len(cols)).
			Msg("the configured contacts stream lists no property in its json_schema: reading every property discover lists")
	}
	return withAlwaysRead(cols), nil
}

// withAlwaysRead adds the alwaysRead properties cols lacks, keeping cols sorted by name.
func withAlwaysRead(cols []stream.Column) []stream.Column {
	have := make(map[string]bool, len(cols))
	for _, c := range cols {
		have[c.Name] = true
	}
	added := false
	for _, c := range alwaysRead {
		if !have[c.Name] {
			cols = append(cols, c)
			added = true
		}
	}
	if added {
		sort.Slice(cols, func(i, j int) bool { return cols[i].Name < cols[j].Name })
	}
	return cols
}
