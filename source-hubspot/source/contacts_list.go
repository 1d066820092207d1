package source

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// listCursor says how the list endpoint's `after` parameter behaves. HubSpot documents it as an
// opaque paging token; in practice it is a contact id. The backfill starts list cursors at ids
// of its choosing only after probeListAfter has seen the API honour that at run time.
type listCursor int

const (
	listOpaque    listCursor = iota // after is not usable as an id: search alone
	listInclusive                   // after=N answers ids >= N (HubSpot's next token is last id + 1)
	listExclusive                   // after=N answers ids > N
)

// afterFor is the `after` that makes the list answer ids above id, in id order.
func (m listCursor) afterFor(id uint64) string {
	if m == listInclusive {
		return strconv.FormatUint(id+1, 10)
	}
	return strconv.FormatUint(id, 10)
}

// probeListAfter asks the list endpoint for three contacts above from, then for one contact
// "after" the second of them. If that answer starts at the second (after is the next id) or the
// third (after is the last id delivered), `after` is an id and cursors can start at chosen ids;
// anything else, a 400 included, means it is opaque. first is the lowest contact id above from
// (0 when the probe fails or fewer than three contacts remain).
func (cr *contactsReader) probeListAfter(ctx context.Context, from uint64) (m listCursor, first uint64, err error) {
	req := hubspot.ListRequest{Properties: []string{"hs_object_id"}, Limit: 3}
	if from > 0 {
		req.After = strconv.FormatUint(from, 10)
	}
	p, err := cr.client.ListContacts(ctx, req)
	if err != nil {
		return listOpaque, 0, probeErr(ctx, err)
	}
	if len(p.Results) < 3 {
		return listOpaque, 0, nil
	}
	var ids [3]uint64
	for i := range ids {
		if ids[i], err = strconv.ParseUint(p.Results[i].ID, 10, 64); err != nil || (i > 0 && ids[i] <= ids[i-1]) {
			zerolog.Ctx(ctx).Info().Msg("the contacts list endpoint does not answer numeric ids in order; searching alone")
			return listOpaque, 0, nil
		}
	}
	q, err := cr.client.ListContacts(ctx, hubspot.ListRequest{Properties: []string{"hs_object_id"}, Limit: 1,
		After: strconv.FormatUint(ids[1], 10)})
	if err != nil {
		return listOpaque, 0, probeErr(ctx, err)
	}
	switch {
	case len(q.Results) == 1 && q.Results[0].ID == p.Results[1].ID:
		m = listInclusive
	case len(q.Results) == 1 && q.Results[0].ID == p.Results[2].ID:
		m = listExclusive
	default:
		zerolog.Ctx(ctx).Info().Msg("the contacts list endpoint's after token is not a contact id; searching alone")
		return listOpaque, 0, nil
	}
	return m, ids[0], nil
}

// probeErr lets a probe answered with a 4xx fall back to search alone (the token was refused);
// anything else (an outage, the daily limit, a cancelled run) stops the read.
func probeErr(ctx context.Context, err error) error {
	var he *hubspot.APIError
	if errors.As(err, &he) && he.StatusCode >= 400 && he.StatusCode < 500 && he.StatusCode != 429 && he.StatusCode != 401 && he.StatusCode != 403 {
		zerolog.Ctx(ctx).Info().Err(err).Msg("the contacts list endpoint refused an id as its after token; searching alone")
		return nil
	}
	return err
}

// listChunk delivers every contact with an id in r (AfterID, UpToID], "" UpToID unbounded, by
// the list endpoint started at r.AfterID, in id order, calling onPage with the last id of every
// page. The list answers the current values of every contact, whatever its modification date.
// stop is asked before each call; when it says so, listChunk returns the part of r not read yet
// (nil when r is finished).
func (bf *backfill) listChunk(ctx context.Context, enc *contactEncoder, r IDRange, onPage pageFunc, stop func() bool) (*IDRange, error) {
	cr := bf.cr
	lo, err := strconv.ParseUint(r.AfterID, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("list range %+v: %w", r, err)
	}
	var hi uint64
	if r.UpToID != "" {
		if hi, err = strconv.ParseUint(r.UpToID, 10, 64); err != nil {
			return nil, fmt.Errorf("list range %+v: %w", r, err)
		}
	}
	after, last := bf.cursor.afterFor(lo), lo
	names := enc.names
	if !bf.start.IsZero() && !slices.Contains(names, contactsCursor) {
		names = append(slices.Clone(names), contactsCursor)
	}
	for {
		if stop() {
			return &IDRange{AfterID: strconv.FormatUint(last, 10), UpToID: r.UpToID}, nil
		}
		p, err := cr.client.ListContacts(ctx, hubspot.ListRequest{Properties: names, Limit: hubspot.MaxListLimit, After: after})
		if err != nil {
			return nil, fmt.Errorf("list contacts after id %d: %w", last, err)
		}
		n, keep, beyond, prev := len(p.Results), p.Results[:0], false, last
		for _, o := range p.Results {
			id, err := strconv.ParseUint(o.ID, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("list after id %d answered id %q, which is not a contact id", last, o.ID)
			}
			if id <= lo {
				continue // below the range: a lower range delivers it
			}
			if id <= prev {
				return nil, fmt.Errorf("list after id %d answered id %d after id %d: not in id order", lo, id, prev)
			}
			prev = id
			if hi > 0 && id > hi {
				beyond = true // the next range's: this one is done
				break
			}
			last = id
			if bf.before(&o) {
				continue // modified before the window: not one of its contacts
			}
			keep = append(keep, o)
		}
		p.Results = keep
		if err := cr.emitWindowPage(ctx, enc, p, bf.start); err != nil {
			return nil, err
		}
		done := beyond || p.NextAfter == "" || n == 0
		if err := onPage(strconv.FormatUint(last, 10)); err != nil || done {
			return nil, err
		}
		after = p.NextAfter
	}
}

// before reports whether a listed contact's lastmodifieddate lies before the window start (a
// missing or unreadable date counts as inside, so nothing is dropped by mistake).
func (bf *backfill) before(o *hubspot.Object) bool {
	if bf.start.IsZero() {
		return false
	}
	var at time.Time
	_ = hubspot.ScanProperties(o.Properties, func(name, value []byte, isNull bool) error {
		if !isNull && string(name) == contactsCursor {
			at, _ = parseCursorString(string(value))
		}
		return nil
	})
	return !at.IsZero() && at.Before(bf.start)
}
