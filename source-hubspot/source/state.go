package source

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/insider-hubspot/connectors/source-hubspot/source/journal"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// ContactsState is the contacts stream_state:
//
//	{"lastmodifieddate": "2026-01-02T03:04:05.678Z",
//	 "resume": {"method": "search", "start": "...", "end": "...", "after_id": "1234",
//	            "ranges": [{"after_id": "1234", "up_to_id": "5000"}, {"after_id": "7410"}]}}
//
// lastmodifieddate is the watermark: every contact modified at or before it was delivered by a
// finished run. resume is present only while a window is being read: the run that wrote it was
// reading [start, end] (search, ordered by id) and had delivered every contact of the window with
// an id at or below after_id; or, when it searched id ranges at once, ranges lists what is left
// of each unfinished range (ids above after_id, up to up_to_id when set); or (list) it had
// delivered every page before the paging token after; or (backfill: a first sync or full refresh
// read by search and list at once) ranges lists every id range not read yet, with no date bound.
// A resumed run finishes that window first,
// then goes on from end.
//
// archivedAt is the archive watermark: every contact archived at or before it was delivered as
// an archived record. archived_resume {"end": "...", "after": "<token>"} is present only while
// the archived contacts of (archivedAt, end] are being listed: every page before the list
// endpoint's paging token after was delivered.
type ContactsState struct {
	LastModified time.Time
	Resume       *Resume
	// ArchivedAt is the archive watermark (zero: no archived contact delivered yet).
	ArchivedAt time.Time
	// ArchivedResume is the resume point of an unfinished archived pass.
	ArchivedResume *ArchivedResume
	// Journal is how far the webhooks journal was read (journal.State); nil when
	// permanent_deletions never ran.
	Journal *journal.State
}

// ArchivedResume is where an archived pass over (ArchivedAt, End] stopped.
type ArchivedResume struct {
	End   time.Time
	After string // the list endpoint's opaque paging token
}

type archivedResumeJSON struct {
	End   string `json:"end"`
	After string `json:"after"`
}

// Resume is a mid-window resume point.
type Resume struct {
	// Method is "search" (a lastmodifieddate window, ordered by id), "list" (every contact) or
	// "backfill" (every contact, Ranges read by search and list at once; see backfill.go).
	Method string
	// Start and End bound the window (Start is zero for list, or for search from the beginning).
	Start, End time.Time
	// AfterID is the last contact id delivered (search).
	AfterID string
	// ListAfter is the list endpoint's paging token (list).
	ListAfter string
	// Ranges, when set, are the unfinished id ranges of a concurrent search (they replace AfterID).
	Ranges []IDRange
}

// IDRange is the contact ids above AfterID, up to and including UpToID ("" for no upper bound).
type IDRange struct {
	AfterID string `json:"after_id"`
	UpToID  string `json:"up_to_id,omitempty"`
}

// Resume methods.
const (
	methodSearch   = "search"
	methodList     = "list"
	methodBackfill = "backfill"
)

type resumeJSON struct {
	Method  string    `json:"method"`
	Start   string    `json:"start,omitempty"`
	End     string    `json:"end"`
	AfterID string    `json:"after_id,omitempty"`
	After   string    `json:"after,omitempty"`
	Ranges  []IDRange `json:"ranges,omitempty"`
}

type contactsStateJSON struct {
	LastModified   string              `json:"lastmodifieddate"`
	Resume         *resumeJSON         `json:"resume,omitempty"`
	ArchivedAt     string              `json:"archivedAt,omitempty"`
	ArchivedResume *archivedResumeJSON `json:"archived_resume,omitempty"`
	JournalOffset  *string             `json:"journal_offset,omitempty"`
	JournalAt      string              `json:"journal_offset_at,omitempty"`
}

// MarshalJSON writes the documented shape.
func (s ContactsState) MarshalJSON() ([]byte, error) {
	j := contactsStateJSON{LastModified: stream.FormatTime(s.LastModified)}
	if r := s.Resume; r != nil {
		j.Resume = &resumeJSON{Method: r.Method, End: stream.FormatTime(r.End), AfterID: r.AfterID, After: r.ListAfter, Ranges: r.Ranges}
		if !r.Start.IsZero() {
			j.Resume.Start = stream.FormatTime(r.Start)
		}
	}
	if !s.ArchivedAt.IsZero() {
		j.ArchivedAt = stream.FormatTime(s.ArchivedAt)
	}
	if r := s.ArchivedResume; r != nil {
		j.ArchivedResume = &archivedResumeJSON{End: stream.FormatTime(r.End), After: r.After}
	}
	if js := s.Journal; js != nil {
		j.JournalOffset, j.JournalAt = &js.Offset, stream.FormatTime(js.At)
	}
	return json.Marshal(j)
}

// ParseContactsState reads a contacts stream_state. Besides its own shape it accepts a bare
// {"lastmodifieddate": ...} and Airbyte's HubSpot {"updatedAt": ...}, with RFC 3339 or epoch
// milliseconds. No state (nil, null, {}) gives a zero state; anything else that is not a valid
// state is an error naming the problem.
func ParseContactsState(raw json.RawMessage) (ContactsState, error) {
	var s ContactsState
	obj, err := stream.StateObject(raw)
	if err != nil || len(obj) == 0 {
		return s, err
	}
	found := false
	for _, read := range []func(map[string]json.RawMessage, *ContactsState) (bool, error){
		readWatermark, readResume, readArchivedAt, readArchivedResume, readJournal,
	} {
		ok, err := read(obj, &s)
		if err != nil {
			return s, err
		}
		found = found || ok
	}
	if !found {
		return s, errors.New("contacts state has neither lastmodifieddate nor updatedAt")
	}
	return s, nil
}

// readWatermark reads the watermark: lastmodifieddate, or the legacy cursor updatedAt of
// Airbyte's HubSpot source. It reports whether the state has one.
func readWatermark(obj map[string]json.RawMessage, s *ContactsState) (bool, error) {
	cursor, ok := obj["lastmodifieddate"]
	if !ok {
		cursor, ok = obj["updatedAt"]
	}
	if !ok {
		return false, nil
	}
	var err error
	if s.LastModified, err = stream.ParseCursor(cursor); err != nil {
		return true, fmt.Errorf("contacts state lastmodifieddate: %w", err)
	}
	return true, nil
}

// readResume reads the resume point of an unfinished window. It reports whether the state has
// one.
func readResume(obj map[string]json.RawMessage, s *ContactsState) (bool, error) {
	r, has := obj["resume"]
	if !has || stream.IsNull(r) {
		return false, nil
	}
	var rj resumeJSON
	if err := json.Unmarshal(r, &rj); err != nil {
		return true, fmt.Errorf("contacts state resume: %w", err)
	}
	res, err := rj.toResume()
	if err != nil {
		return true, err
	}
	s.Resume = res
	return true, nil
}

// toResume checks a saved resume point and converts it: its ranges hold contact ids, in order;
// its window's start is not after its end; its method is one the reader resumes.
func (rj *resumeJSON) toResume() (*Resume, error) {
	for _, r := range rj.Ranges {
		if !stream.IsID(r.AfterID) || (r.UpToID != "" && !stream.IsID(r.UpToID)) {
			return nil, fmt.Errorf("contacts state resume.ranges holds %+v, which are not contact ids", r)
		}
	}
	res := &Resume{Method: rj.Method, AfterID: rj.AfterID, ListAfter: rj.After, Ranges: rj.Ranges}
	var err error
	if res.End, err = stream.ParseTime(rj.End); err != nil {
		return nil, fmt.Errorf("contacts state resume.end: %w", err)
	}
	if rj.Start != "" {
		if res.Start, err = stream.ParseTime(rj.Start); err != nil {
			return nil, fmt.Errorf("contacts state resume.start: %w", err)
		}
		if res.Start.After(res.End) {
			return nil, fmt.Errorf("contacts state resume.start %s is after resume.end %s, a window that cannot have been read",
				stream.FormatTime(res.Start), stream.FormatTime(res.End))
		}
	}
	for _, r := range rj.Ranges {
		if r.UpToID != "" && idAbove(r.AfterID, r.UpToID) {
			return nil, fmt.Errorf("contacts state resume.ranges holds an inverted id range (after_id %s above up_to_id %s)",
				r.AfterID, r.UpToID)
		}
	}
	switch rj.Method {
	case methodSearch:
		if rj.AfterID != "" && !stream.IsID(rj.AfterID) {
			return nil, fmt.Errorf("contacts state resume.after_id %q is not a contact id", rj.AfterID)
		}
	case methodList, methodBackfill:
	default:
		return nil, fmt.Errorf("contacts state resume.method %q is not %s, %s or %s", rj.Method, methodSearch, methodList, methodBackfill)
	}
	return res, nil
}

// readArchivedAt reads the archive watermark. It reports whether the state has one.
func readArchivedAt(obj map[string]json.RawMessage, s *ContactsState) (bool, error) {
	a, has := obj["archivedAt"]
	if !has || stream.IsNull(a) {
		return false, nil
	}
	var err error
	if s.ArchivedAt, err = stream.ParseCursor(a); err != nil {
		return true, fmt.Errorf("contacts state archivedAt: %w", err)
	}
	return true, nil
}

// readArchivedResume reads the resume point of an unfinished archived pass. It reports whether
// the state has one.
func readArchivedResume(obj map[string]json.RawMessage, s *ContactsState) (bool, error) {
	r, has := obj["archived_resume"]
	if !has || stream.IsNull(r) {
		return false, nil
	}
	var rj archivedResumeJSON
	if err := json.Unmarshal(r, &rj); err != nil {
		return true, fmt.Errorf("contacts state archived_resume: %w", err)
	}
	end, err := stream.ParseTime(rj.End)
	if err != nil {
		return true, fmt.Errorf("contacts state archived_resume.end: %w", err)
	}
	if rj.After == "" {
		return true, errors.New("contacts state archived_resume has no after token")
	}
	s.ArchivedResume = &ArchivedResume{End: end, After: rj.After}
	return true, nil
}

// readJournal reads how far the webhooks journal was read (journal.ParseState). A journal
// position alone is no contacts state: it reports false.
func readJournal(obj map[string]json.RawMessage, s *ContactsState) (bool, error) {
	var err error
	s.Journal, err = journal.ParseState(obj)
	return false, err
}
