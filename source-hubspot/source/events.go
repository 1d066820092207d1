package source

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/internal/jsontext"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// eventsReader reads one custom behavioral event stream of one run.
type eventsReader struct {
	*readRun
	stream   string
	fqn      string
	props    *stream.PropertyEncoder // event properties
	contact  *stream.PropertyEncoder // the contact's event_contact_properties
	names    []string                // contact properties requested from batch read
	buf      []byte
	contacts map[string][]byte // encoded contacts of the current page, by id
	state    EventsState
	late     *lateGuard // nil when event_lookback_minutes is 0
	records  int
	skipped  int       // occurrences read again and not delivered again
	fresh    int       // records since the last STATE
	pos      time.Time // every occurrence up to it was read (zero: unknown)
	pages    int
}

// events reads occurrences of one event type, oldest first, in [watermark - lookback (or
// start_date), run end], attaching each occurrence's contact from one batch read per page. With
// an event lookback (events_late.go) it reads from further back, down to what its state
// remembers, and delivers only the occurrences it did not deliver before.
func (r *readRun) events(ctx context.Context, cs *protocol.ConfiguredStream, in EventsState, incremental bool) error {
	name := cs.Stream.Name
	propCols, err := stream.SchemaColumns(cs.Stream.JSONSchema, "properties", nil)
	if err != nil {
		return configErr("stream "+name+": "+err.Error(), nil)
	}
	cols, names, err := r.ContactColumns(cs)
	if err != nil {
		return err
	}
	er := &eventsReader{
		readRun: r, stream: name, fqn: strings.TrimPrefix(name, stream.EventPrefix),
		props: stream.NewPropertyEncoder(propCols, len(propCols) == 0), contact: stream.NewPropertyEncoder(cols, false),
		names: names, contacts: map[string][]byte{}, state: in,
	}
	if !incremental {
		er.state = EventsState{}
	}
	lo := r.LowerBound(er.state.OccurredAt)
	if lb := r.cfg.EventLookback(); lb > 0 {
		lo = readFrom(lo, r.cfg.Start(), er.state.Delivered)
		er.late = newLateGuard(er.state, lb, lo)
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
		r.warnIfDefinitionGone(ctx, name, er.fqn)
	}
	return er.checkpoint(ctx, r.End, r.End, read)
}

// saveDelivered returns the error readErr that stopped the read, after saving what was delivered
// since the last STATE, so the next run does not deliver it again (a STATE is written only every
// checkpointEvery records).
func (er *eventsReader) saveDelivered(ctx context.Context, readErr error) error {
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
func (er *eventsReader) read(ctx context.Context, lo time.Time) error {
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
func (er *eventsReader) deliver(ctx context.Context, page []hubspot.Event, last *time.Time, ordered *bool) error {
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
// remembers delivered occurrences is larger: it is written every checkpointEvery records.
func (er *eventsReader) advance(ctx context.Context, last time.Time, ordered bool) error {
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
func (er *eventsReader) unseen(page []hubspot.Event, last *time.Time, ordered *bool) ([]hubspot.Event, []*occKey) {
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

// loadContacts fetches the contacts of a page's events with one batch read per 100 distinct ids,
// filed under every id each answer resolves (stream.ReadResolved): the events of a contact merged
// away get the contact it was merged into. Contacts that no longer exist are absent, leaving the
// event's contact null.
func (er *eventsReader) loadContacts(ctx context.Context, evs []hubspot.Event) error {
	clear(er.contacts)
	var ids []string
	seen := map[string]bool{}
	for i := range evs {
		if id := evs[i].ObjectIDString(); id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for len(ids) > 0 {
		n := min(len(ids), hubspot.MaxBatchRead)
		found, err := stream.ReadResolved(ctx, er.Client, ids[:n], er.names)
		if err != nil {
			return fmt.Errorf("read contacts of %s events: %w", er.fqn, err)
		}
		encoded := map[*hubspot.Object][]byte{}
		for id, o := range found {
			b, ok := encoded[o]
			if !ok {
				if b, err = er.contact.AppendObject(nil, o.Properties); err != nil {
					return fmt.Errorf("contact %s: %w", o.ID, err)
				}
				encoded[o] = b
			}
			er.contacts[id] = b
		}
		ids = ids[n:]
	}
	return nil
}

// emit writes one event record.
func (er *eventsReader) emit(ev *hubspot.Event) error {
	b := append(er.buf[:0], `{"id":`...)
	b = jsontext.AppendString(b, ev.ID)
	b = append(b, `,"eventType":`...)
	b = jsontext.AppendString(b, ev.EventType)
	b = append(b, `,"occurredAt":`...)
	b, _ = stream.AppendValue(b, stream.KindDateTime, []byte(ev.OccurredAt), ev.OccurredAt == "")
	b = append(b, `,"objectType":`...)
	b = jsontext.AppendString(b, ev.ObjectType)
	b = append(b, `,"objectId":`...)
	oid := ev.ObjectIDString()
	b, _ = stream.AppendValue(b, stream.KindString, []byte(oid), oid == "")
	b = append(b, `,"properties":`...)
	var err error
	if b, err = er.props.AppendObject(b, ev.Properties); err != nil {
		return fmt.Errorf("event %s: %w", ev.ID, err)
	}
	b = append(b, `,"contact":`...)
	if c, ok := er.contacts[oid]; ok {
		b = append(b, c...)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, '}')
	er.buf = b
	er.records++
	er.fresh++
	return er.Out.Record(er.stream, b)
}

// checkpoint emits {"occurredAt": t} (never moving backwards) and, with an event lookback, the
// occurrences delivered inside it; pos is how far the read got, done whether it read all of
// its range.
func (er *eventsReader) checkpoint(ctx context.Context, t, pos time.Time, done bool) error {
	if t.Before(er.state.OccurredAt) {
		t = er.state.OccurredAt
	}
	er.state = EventsState{OccurredAt: t}
	if er.late != nil {
		er.state.Delivered = er.late.checkpoint(ctx, er.stream, t, pos, done)
	}
	er.fresh = 0
	return er.Out.State(er.stream, er.state)
}
