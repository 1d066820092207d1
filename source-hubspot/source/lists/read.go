// Package lists reads the HubSpot source's list_memberships stream: one record per membership
// change of a contact list (a join or an exit), found by comparing each list's members with the
// snapshot its state keeps (state.go, members.go), each record with its contact.
package lists

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// reader reads the list_memberships stream of one run. HubSpot has no feed of membership
// changes, so every run reads the members of each contact list (but the unchanged ones it may
// skip, skip.go) and compares them with the snapshot in the state (diff.go).
//
// The order is fixed: first the lists of the snapshot that HubSpot no longer has (each one's
// members leave), then the others by ascending id. A list that emitted records is followed by a
// STATE holding its new snapshot, the others' old ones and the resume point, so a run killed
// after it goes on with the next list: nothing delivered comes again, nothing not delivered is
// lost (the lists not read yet are still compared with their old snapshot). A list without
// records changes the snapshot only by its stamps, which the next STATE carries. Lists whose
// exits go first also free their names before a list read later takes one over.
type reader struct {
	*stream.Run
	incremental bool
	state       State
	resumeAfter string    // lists up to this id in the snapshot were read by the run that stopped
	observed    time.Time // the membershipTimestamp of exits: when this run started
	contacts    *contactReader
	buf         []byte
	stats       runStats
}

// runStats counts what a run did, for its log line.
type runStats struct {
	read, skipped, resumed, gone, records, joins, exits, calls int
}

// Read reads the list_memberships stream cs of run r from its saved stream_state raw (nil or
// empty: none): incremental compares HubSpot's lists with the snapshot in it; full refresh
// delivers every current membership and starts a new snapshot. A saved state that is not valid
// is a config error.
func Read(ctx context.Context, r *stream.Run, cs *protocol.ConfiguredStream, raw json.RawMessage, incremental bool) error {
	in, err := ParseState(raw)
	if err != nil {
		return stream.ConfigError("the saved state of stream " + cs.Stream.Name + " is not valid: " + err.Error() +
			"; fix or clear the state (clearing it delivers every list's members again, as joins)")
	}
	contacts, err := newContactReader(r, cs)
	if err != nil {
		return err
	}
	lr := &reader{Run: r, incremental: incremental, contacts: contacts,
		observed: r.Now.Truncate(time.Millisecond),
		state:    State{MembershipTimestamp: in.MembershipTimestamp, Lists: maps.Clone(in.Lists), Resume: in.Resume}}
	if !incremental || lr.state.Lists == nil {
		lr.state = State{Lists: map[string]*Snapshot{}}
	}
	if lr.state.Resume != nil {
		lr.resumeAfter = lr.state.Resume.AfterList
	}
	defer lr.reportBadValues(ctx)
	lists, err := lr.searchAll(ctx)
	if err != nil {
		return err
	}
	if incremental {
		if lists, err = lr.leaveGone(ctx, lists); err != nil {
			return err
		}
	}
	for i := range lists {
		if err := lr.list(ctx, &lists[i]); err != nil {
			return err
		}
	}
	lr.state.Resume = nil
	s := lr.stats
	zerolog.Ctx(ctx).Info().Str("stream", stream.Lists).Int("lists", len(lists)).Int("read", s.read).
		Int("skipped", s.skipped+s.resumed).Int("gone", s.gone).Int("records", s.records).Int("joins", s.joins).
		Int("exits", s.exits).Int("calls", s.calls+lr.contacts.reads).Msg("list memberships done")
	return lr.Out.State(stream.Lists, lr.state)
}

// searchAll returns every contact list, by ascending id. List search pages by offset, so a list
// created or deleted meanwhile may shift a list past a page: the ids are deduplicated, and a
// list of the snapshot that seems gone is checked one by one (leaveGone).
func (lr *reader) searchAll(ctx context.Context) ([]hubspot.List, error) {
	req := hubspot.ListSearchRequest{ObjectTypeID: hubspot.ContactObjectTypeID, Count: hubspot.MaxListSearchCount,
		AdditionalProperties: []string{hubspot.ListSizeProperty, hubspot.ListLastAddedProperty, hubspot.ListLastRemovedProperty}}
	seen := map[string]bool{}
	var out []hubspot.List
	for {
		p, err := lr.Client.SearchLists(ctx, req)
		lr.stats.calls++
		if err != nil {
			return nil, fmt.Errorf("search contact lists from offset %d: %w", req.Offset, err)
		}
		for _, l := range p.Lists {
			if !contactList(&l) || seen[l.ListID] {
				continue
			}
			if !canonicalID(l.ListID) {
				return nil, fmt.Errorf("HubSpot's list search answered a list id %q, which is not a number", l.ListID)
			}
			seen[l.ListID] = true
			out = append(out, l)
		}
		if !p.HasMore || len(p.Lists) == 0 || p.Offset <= req.Offset {
			break
		}
		req.Offset = p.Offset
	}
	slices.SortFunc(out, func(a, b hubspot.List) int { return compareIDs(a.ListID, b.ListID) })
	return out, nil
}

// contactList reports whether l is a contact list that is not deleted.
func contactList(l *hubspot.List) bool {
	return l.DeletedAt == "" && (l.ObjectTypeID == "" || l.ObjectTypeID == hubspot.ContactObjectTypeID)
}

// canonicalID reports whether s is a decimal id without leading zeros, as the state keys lists.
func canonicalID(s string) bool { return stream.IsID(s) && strconv.FormatUint(mustUint(s), 10) == s }

// leaveGone delivers the exits of every list of the snapshot that HubSpot no longer has
// (deleted, or purged 90 days later) and drops it from the snapshot, with a STATE after each.
// A list the search did not answer but HubSpot still has is added to lists, which it returns.
func (lr *reader) leaveGone(ctx context.Context, lists []hubspot.List) ([]hubspot.List, error) {
	live := map[string]bool{}
	for _, l := range lists {
		live[l.ListID] = true
	}
	for _, id := range sortedListIDs(lr.state.Lists) {
		if live[id] {
			continue
		}
		l, err := lr.Client.GetList(ctx, id)
		lr.stats.calls++
		switch {
		case stream.IsStatus(err, http.StatusNotFound):
		case err != nil:
			return nil, fmt.Errorf("get list %s, which list search no longer answers: %w", id, err)
		case contactList(l) && l.ListID == id:
			zerolog.Ctx(ctx).Info().Str("stream", stream.Lists).Str("list", id).
				Msg("list search missed a list HubSpot still has (lists changed while it paged); reading it")
			lists = append(lists, *l)
			continue
		}
		old := lr.state.Lists[id]
		ids, err := decodeMembers(old.Members)
		if err != nil {
			return nil, fmt.Errorf("list %s in the state: %w", id, err)
		}
		recs := make([]listRecord, len(ids))
		for i, m := range ids {
			recs[i] = listRecord{id: m, exit: true}
		}
		if err := lr.emit(ctx, listHead{id: id, name: old.Name, ptype: old.ProcessingType}, recs); err != nil {
			return nil, err
		}
		delete(lr.state.Lists, id)
		lr.stats.gone++
		if err := lr.Out.State(stream.Lists, lr.state); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(lists, func(a, b hubspot.List) int { return compareIDs(a.ListID, b.ListID) })
	return lists, nil
}

// list reads one list, delivers what changed since its snapshot (every member for a list new
// to the snapshot or a full refresh) and takes its new snapshot.
func (lr *reader) list(ctx context.Context, l *hubspot.List) error {
	id := l.ListID
	old := lr.state.Lists[id]
	log := zerolog.Ctx(ctx).With().Str("stream", stream.Lists).Str("list", id).Logger()
	if lr.incremental && old != nil {
		if lr.resumeAfter != "" && compareIDs(id, lr.resumeAfter) <= 0 {
			lr.stats.resumed++
			return nil
		}
		if why, ok := unchangedSince(old, l, lr.Now); ok {
			log.Debug().Msg("list skipped: " + why)
			lr.stats.skipped++
			return nil
		}
	}
	members, err := lr.members(ctx, id)
	if stream.IsStatus(err, http.StatusNotFound) {
		// Deleted since the search: the next run finds it gone and delivers its exits.
		log.Warn().Msg("list deleted while the run read it; its members leave in the next run")
		return nil
	}
	if err != nil {
		return err
	}
	lr.stats.read++
	var before []uint64
	if lr.incremental && old != nil {
		if before, err = decodeMembers(old.Members); err != nil {
			return fmt.Errorf("list %s in the state: %w", id, err)
		}
	}
	head := listHead{id: id, name: l.Name, ptype: l.ProcessingType}
	if old != nil && lr.incremental && old.Name != l.Name {
		head.previous, head.renamed = old.Name, true
	}
	recs := diffMembers(before, members, head.renamed || old == nil || !lr.incremental)
	if err := lr.emit(ctx, head, recs); err != nil {
		return err
	}
	ids := make([]uint64, len(members))
	for i, m := range members {
		ids[i] = m.id
	}
	lr.state.Lists[id] = snapshotOf(l, ids, lr.Now)
	lr.state.Resume = &Resume{AfterList: id}
	log.Debug().Int("members", len(ids)).Int("records", len(recs)).Msg("list read")
	if len(recs) == 0 {
		return nil // nothing delivered: the next STATE carries the new name and stamps
	}
	return lr.Out.State(stream.Lists, lr.state)
}

// members reads every member of a list, 250 a call, sorted by record id.
func (lr *reader) members(ctx context.Context, listID string) ([]listMember, error) {
	req := hubspot.MembershipsRequest{ListID: listID, Limit: hubspot.MaxMembershipsPage}
	var out []listMember
	for {
		p, err := lr.Client.ListMemberships(ctx, req)
		lr.stats.calls++
		if err != nil {
			return nil, fmt.Errorf("memberships of list %s after %q: %w", listID, req.After, err)
		}
		for _, m := range p.Results {
			id, err := strconv.ParseUint(string(m.RecordID), 10, 64)
			if err != nil || id == 0 {
				return nil, fmt.Errorf("list %s: member record id %q is not a contact id", listID, m.RecordID)
			}
			at := int64(-1)
			if t, err := stream.ParseTime(m.MembershipTimestamp); err == nil {
				at = t.UnixMilli()
			}
			out = append(out, listMember{id: id, at: at})
		}
		if p.NextAfter == "" || len(p.Results) == 0 || p.NextAfter == req.After {
			break
		}
		req.After = p.NextAfter
	}
	slices.SortStableFunc(out, func(a, b listMember) int { return cmp.Compare(a.id, b.id) })
	return slices.CompactFunc(out, func(a, b listMember) bool { return a.id == b.id }), nil
}

// reportBadValues logs, once per contact property, how many values did not convert to its type.
func (lr *reader) reportBadValues(ctx context.Context) {
	for name, n := range lr.contacts.enc.Bad() {
		zerolog.Ctx(ctx).Warn().Str("stream", stream.Lists).Str("property", name).Int("values", n).
			Msg("contact property values that do not match the property's type were written as null")
	}
}
