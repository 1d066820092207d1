package source

import (
	"context"
	"strconv"
	"time"

	"github.com/insider-hubspot/connectors/internal/jsontext"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// emit writes the records of one list in order, each with its contact: the records are taken in
// chunks holding at most hubspot.MaxBatchRead contacts not read yet, one batch read a chunk, so
// a list of a million members never holds a million contacts in memory.
func (lr *listsReader) emit(ctx context.Context, head listHead, recs []listRecord) error {
	for start := 0; start < len(recs); {
		end, fresh := start, map[uint64]bool{}
		for end < len(recs) {
			id := recs[end].id
			if !lr.contacts.cached(id) && !fresh[id] {
				if len(fresh) == hubspot.MaxBatchRead {
					break
				}
				fresh[id] = true
			}
			end++
		}
		ids := make([]uint64, 0, end-start)
		for _, rec := range recs[start:end] {
			ids = append(ids, rec.id)
		}
		found, err := lr.contacts.load(ctx, ids)
		if err != nil {
			return err
		}
		for _, rec := range recs[start:end] {
			if err := lr.record(head, rec, found[rec.id]); err != nil {
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
// left); previousListName is set on the members of a renamed list.
func (lr *listsReader) record(head listHead, rec listRecord, contact []byte) error {
	b := append(lr.buf[:0], `{"listId":`...)
	b = jsontext.AppendString(b, head.id)
	b = append(b, `,"listName":`...)
	b = jsontext.AppendString(b, head.name)
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
		b = jsontext.AppendString(b, formatTime(at))
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
	return lr.out.Record(listsStream, b)
}

// appendNullable appends s as a JSON string, or null when empty.
func appendNullable(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return jsontext.AppendString(b, s)
}
