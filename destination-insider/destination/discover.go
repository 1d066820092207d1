package destination

import (
	"context"
	"encoding/json"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/protocol"
)

var _ protocol.DestinationDiscoverer = (*Destination)(nil)

// Discover answers Airbyte's data-activation discover: the Insider objects a stream can be
// mapped onto (mapping.Catalog). The custom attributes Insider's metadata declares are listed
// with their types; when the metadata cannot be read the catalog still comes, with the default
// attributes only, and a WARN says why.
func (d *Destination) Discover(ctx context.Context, raw json.RawMessage) (*protocol.DestinationCatalog, error) {
	cfg, err := parseConfig(raw)
	if err != nil {
		return nil, err
	}
	log := zerolog.Ctx(ctx)
	c := d.client(ctx, cfg, d.interactiveAttempts())
	cols, err := c.ContactColumns(ctx)
	c.CloseIdleConnections()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		cols = nil
		log.Warn().Err(err).Msg("could not read Insider's attribute metadata: the catalog lists Insider's default attributes only; " +
			"custom attributes can still be mapped by name (run check to test the credentials)")
	}
	cat, shadowed := mapping.Catalog(&cfg.Config, cols)
	for _, name := range shadowed {
		log.Warn().Str("attribute", name).Msg("Insider declares a custom attribute with the name of a default attribute or identifier; " +
			"it is not offered in the catalog, since a field of that name is sent as the default")
	}
	return cat, nil
}
