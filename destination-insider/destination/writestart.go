package destination

import (
	"context"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
)

// writeStart is what a write learns from Insider before its first record.
type writeStart struct {
	opts []mapperOption
	// confirmed is true when Insider accepted the credentials; when false
	// the first batch is sent alone, so that a refusal stops the run
	// before any other batch goes out.
	confirmed bool
}

// startWrite reads Insider's attribute metadata, which also checks the
// credentials. A refused partner name or key is a config error: the run
// stops before sending anything. When the metadata cannot be read for
// another reason the run goes on without attribute types.
func (d *Destination) startWrite(ctx context.Context, cfg *Config, log *zerolog.Logger) (writeStart, error) {
	st := writeStart{opts: []mapperOption{
		withEventCutoff(d.now(), time.Duration(cfg.EventRetentionDays)*24*time.Hour),
	}}
	if cfg.DryRun {
		// A dry run calls Insider not at all: custom attribute types are unknown there.
		st.confirmed = true
		return st, nil
	}
	c := d.client(ctx, cfg, d.maxAttempts)
	defer c.CloseIdleConnections()
	cols, err := c.ContactColumns(ctx)
	switch {
	case err == nil:
	case insider.IsAuth(err):
		return st, authError(err)
	case ctx.Err() != nil:
		return st, ctx.Err()
	default:
		log.Warn().Err(err).Msg("could not read Insider's attribute metadata (POST " + insider.ColumnsPath +
			"): custom attribute types are unknown, so their values are sent as they come")
		return st, nil
	}
	st.confirmed = true
	types := newAttrTypes(cols)
	st.opts = append(st.opts, withTypes(types))
	if unknown := cfg.unknownAttributes(types); len(unknown) > 0 {
		log.Warn().Strs("attributes", unknown).Msg("Insider does not know these mapped custom attributes: " +
			strings.Join(unknown, ", ") + "; Insider does not store values of undefined attributes, so create them in InOne " +
			"(Attributes & Events, with a data type) or remove their mappings; their values are sent as they come")
	}
	for _, p := range cfg.fixedTypeProblems(types) {
		log.Warn().Msg(p + ": the value is left out")
	}
	return st, nil
}

// abort ends a write that could not start: the senders are stopped and
// nothing is read, so no state is echoed.
func (w *writer) abort(err error) error {
	close(w.work)
	w.wg.Wait()
	return err
}

// awaitProbe waits, once, for the first batch to be answered when the
// credentials were not confirmed before the run.
func (w *writer) awaitProbe(ctx context.Context) error {
	if w.probe == nil || w.probed {
		return nil
	}
	w.probed = true
	select {
	case <-w.probe:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// probeAnswered tells a waiting awaitProbe that a batch was answered.
func (w *writer) probeAnswered() {
	if w.probe != nil {
		w.probeOnce.Do(func() { close(w.probe) })
	}
}
