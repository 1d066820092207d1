package journal

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/insider-hubspot/connectors/internal/jsontext"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// Telling a permanent deletion from a restorable one. The 2026-03 journal records both as
// DELETE (2027-03-beta adds GDPR_DELETE for the permanent kind), and a contact deleted and then
// restored, or merged away, shows a DELETE too. So HubSpot is asked where each deleted contact is
// now: a batch read finds it live (restored, or merged into a live contact: nothing to deliver),
// a batch read with archived=true finds it in the recycle bin (a restorable deletion, delivered
// by the archived contacts read: nothing to deliver here), and a contact found in neither was
// deleted permanently. Ids merged away are followed to the contact they were merged into (the
// MERGE events of the journal), so the contact deleted permanently is delivered once, under the
// id it ended with, with every id merged into it in hs_merged_object_ids: a destination then
// removes the profiles of all of them. Cost: at most two batch reads per 100 deleted contacts
// (none for GDPR_DELETE, which HubSpot marks permanent).

// mergeMap is what the journal's MERGE events of one run say: which id each merged-away id went
// into, and which ids each contact took in.
type mergeMap struct {
	into   map[string]string
	merged map[string][]string
}

func newMergeMap() *mergeMap {
	return &mergeMap{into: map[string]string{}, merged: map[string][]string{}}
}

// add notes that ids were merged into survivor (and what had been merged into them, with them).
func (m *mergeMap) add(survivor string, ids []string) {
	for _, id := range ids {
		if id == survivor || id == "" {
			continue
		}
		m.into[id] = survivor
		for _, x := range append([]string{id}, m.merged[id]...) {
			if !slices.Contains(m.merged[survivor], x) {
				m.merged[survivor] = append(m.merged[survivor], x)
			}
		}
	}
}

// final follows merges from id to the contact it ended in.
func (m *mergeMap) final(id string) string {
	for range 64 {
		to, ok := m.into[id]
		if !ok {
			break
		}
		id = to
	}
	return id
}

// mergedIDs returns the ids merged into id, in ascending numeric order, as HubSpot's
// ";"-separated hs_merged_object_ids ("" when none).
func (m *mergeMap) mergedIDs(id string) string {
	ids := slices.Clone(m.merged[id])
	sortIDs(ids)
	return strings.Join(ids, ";")
}

// sortIDs sorts contact ids in ascending numeric order.
func sortIDs(ids []string) {
	slices.SortFunc(ids, func(a, b string) int {
		x, _ := strconv.ParseUint(a, 10, 64)
		y, _ := strconv.ParseUint(b, 10, 64)
		return cmp.Compare(x, y)
	})
}

// deliver verifies the deletions and delivers, once per run, each contact deleted permanently.
func (jr *reader) deliver(ctx context.Context, dels map[string]deletion) error {
	targets := map[string]deletion{} // by the id each deleted contact ended with
	for id, d := range dels {
		t := jr.merges.final(id)
		if jr.delivered[t] {
			continue
		}
		cur := targets[t]
		if d.at.After(cur.at) {
			cur.at = d.at
		}
		cur.gdpr = cur.gdpr || (d.gdpr && t == id)
		targets[t] = cur
	}
	var ask []string
	for id, d := range targets {
		if !d.gdpr {
			ask = append(ask, id)
		}
	}
	sortIDs(ask)
	gone, err := jr.notInHubSpot(ctx, ask)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(targets))
	for id, d := range targets {
		if d.gdpr || gone[id] {
			ids = append(ids, id)
		}
	}
	sortIDs(ids)
	for _, id := range ids {
		if err := jr.emit(id, targets[id].at); err != nil {
			return err
		}
		jr.delivered[id] = true
	}
	return nil
}

// notInHubSpot returns which of ids HubSpot has neither live nor archived.
func (jr *reader) notInHubSpot(ctx context.Context, ids []string) (map[string]bool, error) {
	gone := map[string]bool{}
	for len(ids) > 0 {
		n := min(len(ids), hubspot.MaxBatchRead)
		chunk := ids[:n]
		ids = ids[n:]
		live, err := stream.ReadResolved(ctx, jr.Client, chunk, []string{"hs_object_id"})
		if err != nil {
			return nil, fmt.Errorf("ask HubSpot whether %d deleted contacts are live: %w", len(chunk), err)
		}
		jr.calls++
		var rest []string
		for _, id := range chunk {
			if live[id] == nil {
				rest = append(rest, id)
			}
		}
		if len(rest) == 0 {
			continue
		}
		archived, err := jr.Client.BatchReadArchivedContacts(ctx, rest, []string{"hs_object_id"})
		if err != nil {
			return nil, fmt.Errorf("ask HubSpot whether %d deleted contacts are archived: %w", len(rest), err)
		}
		jr.calls++
		inBin := map[string]bool{}
		for i := range archived {
			inBin[archived[i].ID] = true
		}
		for _, id := range rest {
			if !inBin[id] {
				gone[id] = true
			}
		}
	}
	return gone, nil
}

// emit writes the record of a contact deleted permanently at `at`: {"id", "archived": true,
// "archivedAt", "deleted_permanently": true, "hs_object_id"}, and hs_merged_object_ids when ids
// were merged into it.
func (jr *reader) emit(id string, at time.Time) error {
	b := append([]byte(`{"id":`), jsontext.AppendString(nil, id)...)
	b = append(b, `,"archived":true,"archivedAt":`...)
	if at.IsZero() {
		b = append(b, "null"...)
	} else {
		b = jsontext.AppendString(b, at.UTC().Format(stream.TimeLayout))
	}
	b = append(b, `,"`+DeletedPermanentlyField+`":true`...)
	if _, err := strconv.ParseUint(id, 10, 64); err == nil {
		b = append(b, `,"hs_object_id":`+id...)
	}
	if m := jr.merges.mergedIDs(id); m != "" {
		b = append(b, `,"`+stream.MergedIDsProperty+`":`...)
		b = jsontext.AppendString(b, m)
	}
	b = append(b, '}')
	return jr.sink.Record(b)
}
