// Package history finds the previous_values of the contacts records an incremental window of the
// HubSpot source's contacts stream delivers: the value each identity property had at the
// window's start, where it changed since, from HubSpot's property history.
package history

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/internal/jsontext"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// Field is the record member that holds, for each identity property that changed
// inside an incremental window, the value it had at the window's start.
const Field = "previous_values"

// historyCacheMax bounds how many contacts' values at a window start a run keeps, so that a
// contact read twice in one run (modified again while the run goes on) costs one history read.
const historyCacheMax = 100_000

// Lookup finds the previous_values of the contacts an incremental window delivers: for
// each identity property (identity_properties, among the properties the stream selects), the
// value it had at the window's start when that differs from the value delivered. It reads
// HubSpot's property history with one batch read per MaxHistoryBatch contacts, and only for
// contacts that existed at the window's start: a contact created inside the window has no value
// to re-key from. Safe for concurrent use.
type Lookup struct {
	client *hubspot.Client
	props  []string // identity properties the stream selects, in identity_properties order

	mu    sync.Mutex
	cache map[historyKey]map[string]string // a contact's non-empty values at a window start

	calls    atomic.Int64 // history batch reads made
	read     atomic.Int64 // contacts whose history was read
	changed  atomic.Int64 // records delivered with previous_values
	skipped  atomic.Int64 // contacts created inside their window: nothing read
	fromHits atomic.Int64 // contacts answered from the cache
}

type historyKey struct {
	id    string
	since int64 // window start, epoch ms
}

// New returns the lookup of the identity properties identity among the properties the stream
// selects (by name), or nil when none is selected (or identity is empty).
func New(c *hubspot.Client, identity []string, selected map[string]stream.Kind) *Lookup {
	var props []string
	for _, p := range identity {
		if _, ok := selected[p]; ok {
			props = append(props, p)
		}
	}
	if len(props) == 0 {
		return nil
	}
	return &Lookup{client: c, props: props, cache: map[historyKey]map[string]string{}}
}

// PreviousValues returns, by contact id, the ,"previous_values":{...} member of each record of
// objs whose identity properties changed since since.
func (h *Lookup) PreviousValues(ctx context.Context, objs []hubspot.Object, since time.Time) (map[string][]byte, error) {
	at := make(map[string]map[string]string, len(objs)) // values at since, by id
	var want []string
	for i := range objs {
		o := &objs[i]
		if created, err := stream.ParseTime(o.CreatedAt); err == nil && !created.Before(since) {
			h.skipped.Add(1)
			continue
		}
		if v, ok := h.cached(o.ID, since); ok {
			at[o.ID] = v
			h.fromHits.Add(1)
			continue
		}
		want = append(want, o.ID)
	}
	for len(want) > 0 {
		n := min(len(want), hubspot.MaxHistoryBatch)
		hist, err := h.client.ContactHistories(ctx, want[:n], h.props)
		if err != nil {
			return nil, fmt.Errorf("read the history of %v of %d contacts (identity_properties): %w", h.props, n, err)
		}
		h.calls.Add(1)
		h.read.Add(int64(n))
		for k := range hist {
			v := valuesAt(hist[k].History, h.props, since)
			at[hist[k].ID] = v
			h.remember(hist[k].ID, since, v)
		}
		want = want[n:]
	}
	out := map[string][]byte{}
	for i := range objs {
		o := &objs[i]
		old := at[o.ID]
		if len(old) == 0 {
			continue
		}
		if b := h.member(o, old); b != nil {
			out[o.ID] = b
			h.changed.Add(1)
		}
	}
	return out, nil
}

// valuesAt returns the non-empty value each property had just before since: the latest version
// set before it. A property without such a version had no value then.
func valuesAt(hist map[string][]hubspot.PropertyVersion, props []string, since time.Time) map[string]string {
	out := map[string]string{}
	for _, p := range props {
		var best time.Time
		found := false
		value := ""
		for _, v := range hist[p] {
			t, err := stream.ParseTime(v.Timestamp)
			if err != nil || !t.Before(since) || (found && !t.After(best)) {
				continue
			}
			best, found, value = t, true, v.Value
		}
		if value != "" {
			out[p] = value
		}
	}
	return out
}

// member writes ,"previous_values":{...} for the properties whose value at the window's start
// (old) differs from the value o carries, or returns nil when none does. A property o does not
// carry is left out: a destination has no new value to re-key it to.
func (h *Lookup) member(o *hubspot.Object, old map[string]string) []byte {
	cur := map[string]string{}
	has := map[string]bool{}
	_ = hubspot.ScanProperties(o.Properties, func(name, value []byte, isNull bool) error {
		n := string(name)
		if _, ok := old[n]; ok {
			has[n] = true
			if !isNull {
				cur[n] = string(value)
			}
		}
		return nil
	})
	var b []byte
	for _, p := range h.props {
		v, ok := old[p]
		if !ok || !has[p] || cur[p] == v {
			continue
		}
		if b == nil {
			b = append(b, `,"`+Field+`":{`...)
		} else {
			b = append(b, ',')
		}
		b = jsontext.AppendString(b, p)
		b = append(b, ':')
		b = jsontext.AppendString(b, v)
	}
	if b == nil {
		return nil
	}
	return append(b, '}')
}

func (h *Lookup) cached(id string, since time.Time) (map[string]string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	v, ok := h.cache[historyKey{id, since.UnixMilli()}]
	return v, ok
}

func (h *Lookup) remember(id string, since time.Time, v map[string]string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.cache) < historyCacheMax {
		h.cache[historyKey{id, since.UnixMilli()}] = v
	}
}

// Report logs what the lookups cost; a nil lookup logs nothing.
func (h *Lookup) Report(ctx context.Context) {
	if h == nil || h.calls.Load()+h.skipped.Load()+h.fromHits.Load() == 0 {
		return
	}
	zerolog.Ctx(ctx).Info().Str("stream", stream.Contacts).Strs("identity_properties", h.props).
		Int64("history_reads", h.calls.Load()).Int64("contacts_read", h.read.Load()).
		Int64("created_in_window", h.skipped.Load()).Int64("cached", h.fromHits.Load()).
		Int64("with_previous_values", h.changed.Load()).Msg("identity property history read")
}
