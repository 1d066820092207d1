package events

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/insider-hubspot/connectors/internal/jsontext"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// loadContacts fetches the contacts of a page's events with one batch read per 100 distinct ids,
// filed under every id each answer resolves (stream.ReadResolved): the events of a contact merged
// away get the contact it was merged into. Contacts that no longer exist are absent, leaving the
// event's contact null.
func (er *reader) loadContacts(ctx context.Context, evs []hubspot.Event) error {
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
		found, err := stream.ReadEncoded(ctx, er.Client, ids[:n], er.names, er.contact)
		if err != nil {
			return fmt.Errorf("read contacts of %s events: %w", er.fqn, err)
		}
		maps.Copy(er.contacts, found)
		ids = ids[n:]
	}
	return nil
}

// emit writes one event record.
func (er *reader) emit(ev *hubspot.Event) error {
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
func (er *reader) checkpoint(ctx context.Context, t, pos time.Time, done bool) error {
	if t.Before(er.state.OccurredAt) {
		t = er.state.OccurredAt
	}
	er.state = State{OccurredAt: t}
	if er.late != nil {
		er.state.Delivered = er.late.checkpoint(ctx, er.stream, t, pos, done)
	}
	er.fresh = 0
	return er.Out.State(er.stream, er.state)
}
