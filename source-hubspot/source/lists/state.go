package lists

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/insider-hubspot/connectors/internal/jsontext"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// State is the list_memberships stream_state:
//
//	{"membershipTimestamp": "2026-03-01T12:00:00.000Z",
//	 "lists": {"12": {"name": "Newsletter", "processingType": "MANUAL", "listVersion": 3,
//	                  "updatedAt": "2026-02-27T10:00:00.000Z", "hs_list_size": "2",
//	                  "hs_last_record_added_at": "1772186400000", "hs_last_record_removed_at": "",
//	                  "readAt": "2026-03-01T12:00:00.000Z", "count": 2, "members": "AQIB..."}},
//	 "resume": {"after_list": "12"}}
//
// lists is the snapshot the next incremental run compares HubSpot's lists with: for each contact
// list the stream has delivered, its name and the member ids delivered (count of them, encoded
// by encodeMembers), with the list's definition and member stamps as HubSpot last reported them
// (to skip a list that did not change) and when its members were last read in full.
// membershipTimestamp is the cursor: the latest membershipTimestamp of a record delivered.
// resume is present only in a STATE written during a run: every list whose id is at most
// after_list and that is in lists was read by that run, and a run resuming from the STATE
// goes on with the next one.
type State struct {
	MembershipTimestamp time.Time
	Lists               map[string]*Snapshot
	Resume              *Resume
}

// Snapshot is one list as the stream last delivered it.
type Snapshot struct {
	Name           string
	ProcessingType string
	Version        int64
	// UpdatedAt, Size, LastAddedAt and LastRemovedAt are the list's updatedAt, hs_list_size,
	// hs_last_record_added_at and hs_last_record_removed_at as HubSpot sent them ("" when it
	// left them out, or when the list was still processing when it was read).
	UpdatedAt, Size, LastAddedAt, LastRemovedAt string
	// ReadAt is when the members were last read in full.
	ReadAt time.Time
	// Count is the number of members; Members encodes their ids (encodeMembers).
	Count   int
	Members string
}

// Resume is where a run stopped: after the list AfterList (in numeric id order).
type Resume struct {
	AfterList string
}

type snapshotJSON struct {
	Name           string `json:"name"`
	ProcessingType string `json:"processingType"`
	Version        int64  `json:"listVersion"`
	UpdatedAt      string `json:"updatedAt,omitempty"`
	Size           string `json:"hs_list_size,omitempty"`
	LastAddedAt    string `json:"hs_last_record_added_at,omitempty"`
	LastRemovedAt  string `json:"hs_last_record_removed_at,omitempty"`
	ReadAt         string `json:"readAt,omitempty"`
	Count          int    `json:"count"`
	Members        string `json:"members"`
}

type resumeJSON struct {
	AfterList string `json:"after_list"`
}

// sortedListIDs returns the ids of lists in numeric order.
func sortedListIDs[V any](lists map[string]V) []string {
	ids := make([]string, 0, len(lists))
	for id := range lists {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, compareIDs)
	return ids
}

// compareIDs orders decimal ids numerically.
func compareIDs(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return bytes.Compare([]byte(a), []byte(b))
}

// MarshalJSON writes the documented shape, lists in numeric id order. The members strings are
// copied as they are, so a STATE after each list costs a copy of the snapshot, not an encoding.
func (s State) MarshalJSON() ([]byte, error) {
	b := append([]byte(nil), `{"membershipTimestamp":`...)
	b = jsontext.AppendString(b, stream.FormatTime(s.MembershipTimestamp))
	b = append(b, `,"lists":{`...)
	for i, id := range sortedListIDs(s.Lists) {
		l := s.Lists[id]
		j := snapshotJSON{Name: l.Name, ProcessingType: l.ProcessingType, Version: l.Version, UpdatedAt: l.UpdatedAt,
			Size: l.Size, LastAddedAt: l.LastAddedAt, LastRemovedAt: l.LastRemovedAt, Count: l.Count, Members: l.Members}
		if !l.ReadAt.IsZero() {
			j.ReadAt = stream.FormatTime(l.ReadAt)
		}
		v, err := json.Marshal(j)
		if err != nil {
			return nil, fmt.Errorf("encode list %s: %w", id, err)
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = jsontext.AppendString(b, id)
		b = append(b, ':')
		b = append(b, v...)
	}
	b = append(b, '}')
	if s.Resume != nil {
		b = append(b, `,"resume":{"after_list":`...)
		b = jsontext.AppendString(b, s.Resume.AfterList)
		b = append(b, '}')
	}
	return append(b, '}'), nil
}

// ParseState reads a list_memberships stream_state. No state (nil, null, {}) gives an
// empty one: the next run is a first run. Every list's members are decoded to check them, so a
// damaged state is an error naming the list, never a silent first run.
func ParseState(raw json.RawMessage) (State, error) {
	s := State{Lists: map[string]*Snapshot{}}
	obj, err := stream.StateObject(raw)
	if err != nil || len(obj) == 0 {
		return s, err
	}
	if c, ok := obj["membershipTimestamp"]; ok && !stream.IsNull(c) {
		if s.MembershipTimestamp, err = stream.ParseCursor(c); err != nil {
			return s, fmt.Errorf("list_memberships state membershipTimestamp: %w", err)
		}
		if s.MembershipTimestamp.Equal(time.Unix(0, 0)) {
			s.MembershipTimestamp = time.Time{}
		}
	}
	if l, ok := obj["lists"]; ok && !stream.IsNull(l) {
		var lists map[string]snapshotJSON
		if err := json.Unmarshal(l, &lists); err != nil {
			return s, fmt.Errorf("list_memberships state lists: %w", err)
		}
		for id, j := range lists {
			snap, err := parseSnapshot(id, j)
			if err != nil {
				return s, fmt.Errorf("list_memberships state lists.%s: %w", strconv.Quote(id), err)
			}
			s.Lists[id] = snap
		}
	}
	if r, ok := obj["resume"]; ok && !stream.IsNull(r) {
		var rj resumeJSON
		if err := json.Unmarshal(r, &rj); err != nil {
			return s, fmt.Errorf("list_memberships state resume: %w", err)
		}
		if !stream.IsID(rj.AfterList) || strconv.FormatUint(mustUint(rj.AfterList), 10) != rj.AfterList {
			return s, fmt.Errorf("list_memberships state resume.after_list %q is not a list id", rj.AfterList)
		}
		s.Resume = &Resume{AfterList: rj.AfterList}
	}
	return s, nil
}

func parseSnapshot(id string, j snapshotJSON) (*Snapshot, error) {
	if !stream.IsID(id) || strconv.FormatUint(mustUint(id), 10) != id {
		return nil, fmt.Errorf("%q is not a list id", id)
	}
	snap := &Snapshot{Name: j.Name, ProcessingType: j.ProcessingType, Version: j.Version, UpdatedAt: j.UpdatedAt,
		Size: j.Size, LastAddedAt: j.LastAddedAt, LastRemovedAt: j.LastRemovedAt, Count: j.Count, Members: j.Members}
	if j.ReadAt != "" {
		t, err := stream.ParseTime(j.ReadAt)
		if err != nil {
			return nil, fmt.Errorf("readAt: %w", err)
		}
		snap.ReadAt = t
	}
	ids, err := decodeMembers(j.Members)
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	if len(ids) != j.Count {
		return nil, fmt.Errorf("count is %d but members holds %d ids", j.Count, len(ids))
	}
	return snap, nil
}

// mustUint is the value of a string stream.IsID accepted.
func mustUint(s string) uint64 {
	n, _ := strconv.ParseUint(s, 10, 64)
	return n
}
