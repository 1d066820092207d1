// Package events reads the HubSpot source's custom behavioral event streams (event_<name>): the
// occurrences of one event type, oldest first, each with its contact; the late-arrival
// bookkeeping of their states (late.go, delivered.go); their catalog streams (discover.go); and
// the warning for a stream whose definition is gone (gone.go).
package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// Streams reads the custom behavioral event streams of one read. They share the run, the event
// lookback and the event definitions, read at most once (gone.go). It is safe for concurrent
// use: the source reads several event streams at once.
type Streams struct {
	run      *stream.Run
	lookback time.Duration // event_lookback_minutes (0: off)
	defs     definitions
}

// NewStreams returns the event streams of the read r, which look back lookback for late
// occurrences (late.go; 0: not at all).
func NewStreams(r *stream.Run, lookback time.Duration) *Streams {
	return &Streams{run: r, lookback: lookback}
}

// reader reads one custom behavioral event stream of one run.
type reader struct {
	*stream.Run
	stream   string
	fqn      string
	props    *stream.PropertyEncoder // event properties
	contact  *stream.PropertyEncoder // the contact's event_contact_properties
	names    []string                // contact properties requested from batch read
	buf      []byte
	contacts map[string][]byte // encoded contacts of the current page, by id
	state    State
	late     *lateGuard // nil when event_lookback_minutes is 0
	records  int
	skipped  int       // occurrences read again and not delivered again
	fresh    int       // records since the last STATE
	pos      time.Time // every occurrence up to it was read (zero: unknown)
	pages    int
}

// Read reads the event stream cs from its saved stream_state raw (nil or empty: none):
// occurrences of one event type, oldest first, in [watermark - lookback (or start_date), run
// end], attaching each occurrence's contact from one batch read per page. With an event
// lookback (late.go) it reads from further back, down to what its state remembers, and delivers
// only the occurrences it did not deliver before. A saved state that is not valid, or whose
// cursor lies ahead of the run's clock, is a config error.
func (s *Streams) Read(ctx context.Context, cs *protocol.ConfiguredStream, raw json.RawMessage, incremental bool) error {
	r, name := s.run, cs.Stream.Name
	in, err := ParseState(raw)
	if err != nil {
		return stream.ConfigError("the saved state of stream " + name + " is not valid: " + err.Error() + "; fix or clear the state")
	}
	if incremental {
		if err := stream.NotAhead(name, cursor, in.OccurredAt, r.Now); err != nil {
			return err
		}
	}
	propCols, err := stream.SchemaColumns(cs.Stream.JSONSchema, "properties", nil)
	if err != nil {
		return stream.ConfigError("stream " + name + ": " + err.Error())
	}
	cols, names, err := r.ContactColumns(cs)
	if err != nil {
		return err
	}
	er := &reader{
		Run: r, stream: name, fqn: strings.TrimPrefix(name, stream.EventPrefix),
		props: stream.NewPropertyEncoder(propCols, len(propCols) == 0), contact: stream.NewPropertyEncoder(cols, false),
		names: names, contacts: map[string][]byte{}, state: in,
	}
	if !incremental {
		er.state = State{}
	}
	lo := r.LowerBound(er.state.OccurredAt)
	if s.lookback > 0 {
		lo = readFrom(lo, r.Start, er.state.Delivered)
		er.late = newLateGuard(er.state, s.lookback, lo)
	}
	read := lo.IsZero() || lo.Before(r.End)
	if read {
		if err := er.read(ctx, lo); err != nil {
			return er.saveDelivered(ctx, err)
		}
	}
	zerolog.Ctx(ctx).Info().Str("stream", name).Int("records", er.records).Int("already_delivered", er.skipped).
		Msg("events done")
	if er.records == 0 {
		s.warnIfDefinitionGone(ctx, name, er.fqn)
	}
	return er.checkpoint(ctx, r.End, r.End, read)
}

// saveDelivered returns the error readErr that stopped the read, after saving what was delivered
// since the last STATE, so the next run does not deliver it again (a STATE is written only every
// CheckpointEvery records).
func (er *reader) saveDelivered(ctx context.Context, readErr error) error {
	if er.pos.IsZero() || er.fresh == 0 {
		return readErr
	}
	if err := er.checkpoint(ctx, er.pos, er.pos, false); err != nil {
		return errors.Join(readErr, err)
	}
	return readErr
}

// read reads the occurrences from lo (zero: from the beginning) to the run's end, page after
// page, checkpointing as it goes.
func (er *reader) read(ctx context.Context, lo time.Time) error {
	req := hubspot.EventsRequest{EventType: er.fqn, ObjectType: "contact", OccurredBefore: stream.FormatTime(er.End), Limit: hubspot.MaxEventsLimit}
	if !lo.IsZero() {
		req.OccurredAfter = stream.FormatTime(lo)
	}
	ordered := true
	var last time.Time
	for {
		p, err := er.Client.Events(ctx, req)
		if err != nil {
			return fmt.Errorf("events %s after %q: %w", er.fqn, req.After, err)
		}
		if err := er.deliver(ctx, p.Results, &last, &ordered); err != nil {
			return err
		}
		if p.NextAfter == "" || len(p.Results) == 0 || p.NextAfter == req.After {
			return nil
		}
		req.After = p.NextAfter
		if err := er.advance(ctx, last, ordered); err != nil {
			return err
		}
	}
}

// deliver writes the occurrences of a page not delivered before, each with its contact, and
// moves last and ordered on (see unseen).
func (er *reader) deliver(ctx context.Context, page []hubspot.Event, last *time.Time, ordered *bool) error {
	evs, keys := er.unseen(page, last, ordered)
	if err := er.loadContacts(ctx, evs); err != nil {
		return err
	}
	for i := range evs {
		if err := er.emit(&evs[i]); err != nil {
			return err
		}
		if er.late != nil && keys[i] != nil {
			er.late.note(*keys[i])
		}
	}
	er.pages++
	if er.pages%stream.ProgressEvery == 0 {
		zerolog.Ctx(ctx).Info().Str("stream", er.stream).Int("records", er.records).Msg("reading events")
	}
	return nil
}

// advance moves the position after a page that more follow. Occurrences come oldest first:
// everything before the last one seen (last) is delivered (others at the same instant may
// follow, hence one millisecond less); out of order, the position is unknown. A state that
// remembers delivered occurrences is larger: it is written every CheckpointEvery records.
func (er *reader) advance(ctx context.Context, last time.Time, ordered bool) error {
	switch {
	case !ordered:
		er.pos = time.Time{}
	case !last.IsZero():
		er.pos = last.Add(-time.Millisecond)
		if er.late == nil || er.fresh >= er.CheckpointEvery {
			return er.checkpoint(ctx, er.pos, er.pos, false)
		}
	}
	return nil
}

// unseen returns the occurrences of a page not delivered before, with their keys (nil for an
// occurrence whose occurredAt is not a date-time: it cannot be looked up, so it is delivered),
// and moves last (the latest occurredAt read) and ordered (whether they came oldest first) on.
func (er *reader) unseen(page []hubspot.Event, last *time.Time, ordered *bool) ([]hubspot.Event, []*occKey) {
	evs, keys := page[:0], make([]*occKey, 0, len(page))
	for _, ev := range page {
		t, err := stream.ParseTime(ev.OccurredAt)
		if err == nil {
			if t.Before(*last) {
				*ordered = false
			}
			*last = t
		}
		var k *occKey
		if er.late != nil && err == nil {
			key := keyOf(ev.ID, t)
			if er.late.delivered(key) {
				er.skipped++
				continue
			}
			k = &key
		}
		evs, keys = append(evs, ev), append(keys, k)
	}
	return evs, keys
}
