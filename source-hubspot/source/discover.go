package source

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/events"
	"github.com/insider-hubspot/connectors/source-hubspot/source/lists"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// Discover lists the contacts stream, typed from the Properties API, one stream per custom
// behavioral event definition, and list_memberships. When the account may not read event
// definitions (tier or scopes), or lists (scope), those streams are left out and a WARN says why.
func (s *Source) Discover(ctx context.Context, raw json.RawMessage) (*protocol.Catalog, error) {
	cfg, c, err := s.open(ctx, raw)
	if err != nil {
		return nil, err
	}
	props, err := c.ContactProperties(ctx)
	if err != nil {
		return nil, classify(err)
	}
	cat := &protocol.Catalog{Streams: []protocol.Stream{contactsCatalogStream(props)}}
	contactProps := eventContactProperties(cfg.EventContactProperties, props)
	defs, err := c.EventDefinitions(ctx)
	switch {
	case stream.IsStatus(err, http.StatusForbidden, http.StatusNotFound, http.StatusPaymentRequired):
		zerolog.Ctx(ctx).Warn().Err(err).Msg("custom behavioral events are not available to this connection " +
			"(they need an Enterprise tier and the behavioral_events.event_definitions.read_write scope); discovering no event streams")
	case err != nil:
		return nil, classify(err)
	}
	for _, d := range defs {
		if d.Archived || d.FullyQualifiedName == "" {
			continue
		}
		cat.Streams = append(cat.Streams, events.CatalogStream(d, contactProps))
	}
	memberships, err := lists.CatalogStream(ctx, c, contactProps)
	if err != nil {
		return nil, classify(err)
	}
	if memberships != nil {
		cat.Streams = append(cat.Streams, *memberships)
	}
	return cat, nil
}

func contactsCatalogStream(props []hubspot.Property) protocol.Stream {
	return protocol.Stream{
		Name:                    stream.Contacts,
		JSONSchema:              contactsSchema(props),
		SupportedSyncModes:      []protocol.SyncMode{protocol.SyncModeFullRefresh, protocol.SyncModeIncremental},
		SourceDefinedCursor:     true,
		DefaultCursorField:      []string{contactsCursor},
		SourceDefinedPrimaryKey: [][]string{{"id"}},
		IsResumable:             true,
	}
}

// eventContactProperties returns the configured event contact properties with their types from
// the contact Properties API (string when unknown).
func eventContactProperties(names []string, props []hubspot.Property) []hubspot.Property {
	byName := make(map[string]hubspot.Property, len(props))
	for _, p := range props {
		byName[p.Name] = p
	}
	out := make([]hubspot.Property, 0, len(names))
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		p, ok := byName[n]
		if !ok {
			p = hubspot.Property{Name: n, Type: "string"}
		}
		out = append(out, p)
	}
	return out
}
