package lists

import (
	"context"
	"strconv"
	"time"

	"github.com/insider-hubspot/connectors/internal/jsontext"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// emitChunk is how many contacts not read yet a list's records may need before they are
// written: a list needing fewer has every contact read (100 a call) before its first record is
// written, so a run stopped by a failed read (the daily limit, say) delivers none of its records
// and the next run delivers each once. A larger list is written in chunks of that many contacts,
// so a list of a million members never holds a million contacts in memory; stopped midway, it
// delivers its first chunks again in the next run.
const emitChunk = 100 * hubspot.MaxBatchRead

// emit writes the records of one list in order, each with its contact.
func (lr *reader) emit(ctx context.Context, head listHead, recs []listRecord) error {
	for start := 0; start < len(recs); {
		end, fresh := start, map[uint64]bool{}
		var ids []uint64
		for end < len(recs) {
			id := recs[end].id
			if !lr.contacts.cached(id) && !fresh[id] {
				if len(fresh) == emitChunk {
					break
				}
				fresh[id] = true
				ids = append(ids, id)
			}
			end++
		}
		found := make(map[uint64][]byte, len(ids))
		for len(ids) > 0 {
			n := min(len(ids), hubspot.MaxBatchRead)
			got, err := lr.contacts.load(ctx, ids[:n])
			if err != nil {
				return err
			}
			for id, b := range got {
				found[id] = b
			}
			ids = ids[n:]
		}
		for _, rec := range recs[start:end] {
			contact, ok := found[rec.id]
			if !ok {
				contact = lr.contacts.cache[rec.id]
			}
			if err := lr.record(head, rec, contact); err != nil {
				return err
			}
		}
		start = end
	}
	return nil
}

// record writes one list_memberships record:
//
//	{"listId","listName","processingType","recordId","member","membershipTimestamp",
//	 "previousListName","contact"}
//
// An exit's membershipTimestamp is when the run started (HubSpot does not say when a member
// left). Of a renamed list, an exit carries the old name, and a member the new one with the old
// one as previousListName.
func (lr *reader) record(head listHead, rec listRecord, contact []byte) error {
	name := head.name
	if rec.exit && head.renamed {
		name = head.previous // an exit carries the name the list had
	}
	b := append(lr.buf[:0], `{"listId":`...)
	b = jsontext.AppendString(b, head.id)
	b = append(b, `,"listName":`...)
	b = jsontext.AppendString(b, name)
	b = append(b, `,"processingType":`...)
	b = appendNullable(b, head.ptype)
	b = append(b, `,"recordId":"`...)
	b = strconv.AppendUint(b, rec.id, 10)
	b = append(b, `","member":`...)
	b = strconv.AppendBool(b, !rec.exit)
	b = append(b, `,"membershipTimestamp":`...)
	at := time.Time{}
	switch {
	case rec.exit:
		at = lr.observed
	case rec.at >= 0:
		at = time.UnixMilli(rec.at).UTC()
	}
	if at.IsZero() {
		b = append(b, "null"...)
	} else {
		b = jsontext.AppendString(b, stream.FormatTime(at))
		if at.After(lr.state.MembershipTimestamp) {
			lr.state.MembershipTimestamp = at
		}
	}
	b = append(b, `,"previousListName":`...)
	if head.renamed && !rec.exit {
		b = jsontext.AppendString(b, head.previous)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"contact":`...)
	if contact != nil {
		b = append(b, contact...)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, '}')
	lr.buf = b
	lr.stats.records++
	if rec.exit {
		lr.stats.exits++
	} else {
		lr.stats.joins++
	}
	return lr.Out.Record(stream.Lists, b)
}

// appendNullable appends s as a JSON string, or null when empty.
func appendNullable(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return jsontext.AppendString(b, s)
}
