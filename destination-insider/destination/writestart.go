package destination

import (
	"context"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/protocol"
)

// writeStart is what a write learns from Insider before its first record.
type writeStart struct {
	mapper *mapping.Mapper // compiled with Insider's attribute types when it gave them
	// confirmed is true when Insider accepted the credentials; when false
	// the first batch is sent alone, so that a refusal stops the run
	// before any other batch goes out.
	confirmed bool
}

// startWrite reads Insider's attribute metadata, which also checks the
// credentials, and compiles the mapping. A refused partner name or key is a
// config error: the run stops before sending anything. When the metadata
// cannot be read for another reason the run goes on without attribute types.
// A catalog stream the config cannot map is a config error too.
func (d *Destination) startWrite(ctx context.Context, cfg *Config, catalog *protocol.ConfiguredCatalog, log *zerolog.Logger) (writeStart, error) {
	opts := []mapping.Option{mapping.WithEventCutoff(d.now(), time.Duration(cfg.EventRetentionDays)*24*time.Hour)}
	if cfg.ClearEmptyValues {
		opts = append(opts, mapping.WithClearEmpty())
	}
	confirmed, err := d.readTypes(ctx, cfg, log, &opts)
	if err != nil {
		return writeStart{}, err
	}
	m, err := mapping.Compile(&cfg.Config, catalog, opts...)
	return writeStart{mapper: m, confirmed: confirmed}, err
}

// readTypes adds Insider's attribute types to opts, and reports whether Insider accepted the
// credentials.
func (d *Destination) readTypes(ctx context.Context, cfg *Config, log *zerolog.Logger, opts *[]mapping.Option) (confirmed bool, err error) {
	if cfg.DryRun {
		// A dry run calls Insider not at all: custom attribute types are unknown there.
		return true, nil
	}
	c := d.client(ctx, cfg, d.maxAttempts)
	defer c.CloseIdleConnections()
	cols, err := c.ContactColumns(ctx)
	switch {
	case err == nil:
	case insider.KindOf(err) == insider.KindAuth:
		return false, authError(err)
	case ctx.Err() != nil:
		return false, ctx.Err()
	default:
		log.Warn().Err(err).Msg("could not read Insider's attribute metadata (POST " + insider.ColumnsPath +
			"): custom attribute types are unknown, so their values are sent as they come")
		return false, nil
	}
	types := mapping.NewTypes(cols)
	*opts = append(*opts, mapping.WithTypes(types))
	if unknown := cfg.UnknownAttributes(types); len(unknown) > 0 {
		log.Warn().Strs("attributes", unknown).Msg("Insider does not know these mapped custom attributes: " +
			strings.Join(unknown, ", ") + "; Insider does not store values of undefined attributes, so create them in InOne " +
			"(Attributes & Events, with a data type) or remove their mappings; their values are sent as they come")
	}
	for _, p := range cfg.FixedTypeProblems(types) {
		log.Warn().Msg(p + ": the value is left out")
	}
	return true, nil
}
