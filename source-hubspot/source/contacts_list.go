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
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// listAll pages the list endpoint from the token after to the end, checkpointing with the token.
func (cr *contactsReader) listAll(ctx context.Context, end time.Time, after string) error {
	for {
		p, err := cr.Client.ListContacts(ctx, hubspot.ListRequest{Properties: cr.enc.names, Limit: hubspot.MaxListLimit, After: after})
		if err != nil {
			return fmt.Errorf("list contacts after %q: %w", after, err)
		}
		if err := cr.emitPage(ctx, cr.enc, p); err != nil {
			return err
		}
		if p.NextAfter == "" || len(p.Results) == 0 {
			return nil
		}
		after = p.NextAfter
		if err := cr.progress(&Resume{Method: methodList, End: end, ListAfter: after}); err != nil {
			return err
		}
	}
}

// afterMode says how the list endpoint's `after` parameter behaves. HubSpot documents it as an
// opaque paging token; in practice it is a contact id. The backfill starts list cursors at ids
// of its choosing only after probeListAfter has seen the API honour that at run time.
type afterMode int

const (
	listOpaque    afterMode = iota // after is not usable as an id: search alone
	listInclusive                  // after=N answers ids >= N (HubSpot's next token is last id + 1)
	listExclusive                  // after=N answers ids > N
)

// afterFor is the `after` that makes the list answer ids above id, in id order.
func (m afterMode) afterFor(id uint64) string {
	if m == listInclusive {
		return strconv.FormatUint(id+1, 10)
	}
	return strconv.FormatUint(id, 10)
}

// listProbe is what probeListAfter found.
type listProbe struct {
	mode  afterMode
	first uint64 // the lowest contact id above the id probed from
	err   error
}

// probeList sends the list probe from the contact id from.
func probeList(ctx context.Context, c *hubspot.Client, from uint64) *listProbe {
	p := &listProbe{}
	p.mode, p.first, p.err = probeListAfter(ctx, c, from)
	return p
}

// probeListAfter asks the list endpoint for three contacts above from, then for one contact
// "after" the second of them. If that answer starts at the second (after is the next id) or the
// third (after is the last id delivered), `after` is an id and cursors can start at chosen ids;
// anything else, a 400 included, means it is opaque. first is the lowest contact id above from
// (0 when the probe fails or fewer than three contacts remain).
func probeListAfter(ctx context.Context, c *hubspot.Client, from uint64) (m afterMode, first uint64, err error) {
	req := hubspot.ListRequest{Properties: []string{"hs_object_id"}, Limit: 3}
	if from > 0 {
		req.After = strconv.FormatUint(from, 10)
	}
	p, err := c.ListContacts(ctx, req)
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
	q, err := c.ListContacts(ctx, hubspot.ListRequest{Properties: []string{"hs_object_id"}, Limit: 1,
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

// listCursor pages the contacts with an id in (AfterID, UpToID] of a range ("" UpToID
// unbounded) by the list endpoint started at AfterID, in id order. The list answers the current
// values of every contact, whatever its modification date: those modified before the window
// start are dropped. Not safe for concurrent use.
type listCursor struct {
	client *hubspot.Client
	names  []string  // with lastmodifieddate when the window has a start
	start  time.Time // the window's lower date bound (zero: every contact)
	lo, hi uint64    // the range (hi 0: unbounded)
	upTo   string
	after  string // the next page's token
	last   uint64 // the last id of the range read (delivered or dropped)
	done   bool
}

// newListCursor starts a list cursor over r with the list's after mode, asking for names.
func newListCursor(c *hubspot.Client, mode afterMode, r IDRange, names []string, start time.Time) (*listCursor, error) {
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
	if !start.IsZero() && !slices.Contains(names, contactsCursor) {
		names = append(slices.Clone(names), contactsCursor)
	}
	return &listCursor{client: c, names: names, start: start, lo: lo, hi: hi, upTo: r.UpToID,
		after: mode.afterFor(lo), last: lo}, nil
}

// next reads the next page and returns the contacts of it that belong to the range and the
// window; call it only while the cursor is not done. It ends the range at a contact above it,
// at the list's end or at an empty page.
func (c *listCursor) next(ctx context.Context) (*hubspot.Page, error) {
	p, err := c.client.ListContacts(ctx, hubspot.ListRequest{Properties: c.names, Limit: hubspot.MaxListLimit, After: c.after})
	if err != nil {
		return nil, fmt.Errorf("list contacts after id %d: %w", c.last, err)
	}
	n, keep, beyond, prev := len(p.Results), p.Results[:0], false, c.last
	for _, o := range p.Results {
		id, err := strconv.ParseUint(o.ID, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("list after id %d answered id %q, which is not a contact id", c.last, o.ID)
		}
		if id <= c.lo {
			continue // below the range: a lower range delivers it
		}
		if id <= prev {
			return nil, fmt.Errorf("list after id %d answered id %d after id %d: not in id order", c.lo, id, prev)
		}
		prev = id
		if c.hi > 0 && id > c.hi {
			beyond = true // the next range's: this one is done
			break
		}
		c.last = id
		if c.before(&o) {
			continue // modified before the window: not one of its contacts
		}
		keep = append(keep, o)
	}
	p.Results = keep
	c.done = beyond || p.NextAfter == "" || n == 0
	c.after = p.NextAfter
	return p, nil
}

// lastID is the last id of the range read.
func (c *listCursor) lastID() string { return strconv.FormatUint(c.last, 10) }

// finished reports whether the range is read in full.
func (c *listCursor) finished() bool { return c.done }

// rest is the part of the range not read yet.
func (c *listCursor) rest() IDRange { return IDRange{AfterID: c.lastID(), UpToID: c.upTo} }

// before reports whether a listed contact's lastmodifieddate lies before the window start (a
// missing or unreadable date counts as inside, so nothing is dropped by mistake).
func (c *listCursor) before(o *hubspot.Object) bool {
	if c.start.IsZero() {
		return false
	}
	var at time.Time
	_ = hubspot.ScanProperties(o.Properties, func(name, value []byte, isNull bool) error {
		if !isNull && string(name) == contactsCursor {
			at, _ = stream.ParseTime(string(value))
		}
		return nil
	})
	return !at.IsZero() && at.Before(c.start)
}
