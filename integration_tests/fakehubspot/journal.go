package fakehubspot

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"
)

// JournalOptions configure the webhooks journal (journal*.go). The zero value is usable.
type JournalOptions struct {
	// Versions are the dated versions the journal and subscription paths answer on. Default
	// 2026-03 and 2027-03-beta, the two HubSpot documents for the journal; it documents no
	// 2026-09 journal, so the fake answers that like any unknown path (404).
	Versions []string
	// Retention is how long a journal entry stays readable, by Clock. Default 72 h (HubSpot:
	// "changes that occurred for your subscriptions over the past 3 days").
	Retention time.Duration
	// URLTTL is how long the pre-signed URL of an entry stays valid, by Clock. Default 15 min
	// (guessed: HubSpot answers expiresAt without documenting the lifetime).
	URLTTL time.Duration
	// AppScopes are the scopes the app may request with the client-credentials grant. Default
	// JournalScopes plus crm.objects.contacts.read.
	AppScopes []string
	// AppID is the app's id in subscription answers. Default 4242.
	AppID int64
	// LegacyApp makes the client-credentials grant fail (400 unsupported_grant_type), as for an
	// app that is not on HubSpot's developer platform (guessed answer).
	LegacyApp bool
	// HidePermanentDeletes makes a permanent deletion record nothing under a subscription without
	// GDPR_DELETE. By default it records DELETE, the same action as an archive: whether HubSpot's
	// 2026-03 journal records permanent deletions, and how, is not documented (guessed).
	HidePermanentDeletes bool
	// DeleteOnMerge makes a merge also record DELETE for each merged-away id, as HubSpot's classic
	// webhooks fire contact.deletion for them (whether the journal does is not documented).
	DeleteOnMerge bool
	// Buffered holds recorded events back until PublishJournal writes them as one entry; by
	// default each change is its own entry at once.
	Buffered bool
}

// JournalScopes are the scopes of the journal and subscription APIs
// (https://developers.hubspot.com/docs/api-reference/latest/webhooks-journal/guide).
var JournalScopes = []string{
	"developer.webhooks_journal.read",
	"developer.webhooks_journal.subscriptions.read",
	"developer.webhooks_journal.subscriptions.write",
	"developer.webhooks_journal.snapshots.read",
	"developer.webhooks_journal.snapshots.write",
}

func (o *JournalOptions) defaults() {
	if o.Versions == nil {
		o.Versions = []string{"2026-03", "2027-03-beta"}
	}
	if o.Retention <= 0 {
		o.Retention = 72 * time.Hour
	}
	if o.URLTTL <= 0 {
		o.URLTTL = 15 * time.Minute
	}
	if o.AppScopes == nil {
		o.AppScopes = append(slices.Clone(JournalScopes), "crm.objects.contacts.read")
	}
	if o.AppID == 0 {
		o.AppID = 4242
	}
}

// JournalEvent is one event of the journal. On the wire (a journal page) it is {type: "OBJECT",
// portalId, occurredAt, objectTypeId: "0-1", objectId, action, propertyChanges,
// mergedObjectIds}; PropertyChanges holds the new values of the changed properties ("" for a
// cleared one, sent as null), MergedObjectIDs the ids a MERGE merged into ObjectID. Offset is the
// entry that holds it.
type JournalEvent struct {
	Action          string
	ObjectID        int64
	OccurredAt      time.Time
	PropertyChanges map[string]string
	MergedObjectIDs []int64
	Offset          string
}

// journalEntry is one published journal file.
type journalEntry struct {
	offset    string
	published time.Time
	events    []JournalEvent
}

// journal is the fake's webhooks journal, its subscriptions and its app tokens. Store changes
// reach it under the store's lock (record), so its order is the store's.
type journal struct {
	opts     *JournalOptions
	portalID int64
	now      func() time.Time
	key      []byte // signs the pre-signed URLs

	mu      sync.Mutex
	subs    []Subscription
	nextSub int64
	entries []journalEntry // oldest first
	seq     uint64
	pending []JournalEvent
	tokens  map[string]appToken
	issued  int
}

func (s *Server) initJournal() {
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	s.jr = &journal{opts: &s.opts.Journal, portalID: s.opts.PortalID, now: s.now, key: key, nextSub: 1,
		tokens: map[string]appToken{}}
	s.store.observe = s.jr.record
}

// record turns a store change into journal events for the portal's contact subscription, if
// any. It runs under the store's lock.
func (j *journal) record(c storeChange) {
	j.mu.Lock()
	defer j.mu.Unlock()
	sub := j.contactSubscription()
	if sub == nil || !sub.covers(c) {
		return
	}
	var evs []JournalEvent
	add := func(action string, id int64, props map[string]string, merged []int64) {
		if sub.has(action) {
			evs = append(evs, JournalEvent{Action: action, ObjectID: id, OccurredAt: c.at,
				PropertyChanges: props, MergedObjectIDs: merged})
		}
	}
	switch c.action {
	case ActionCreate:
		add(ActionCreate, c.id, sub.filter(c.props()), nil)
	case ActionUpdate:
		if props := sub.filter(c.changed); len(props) > 0 {
			add(ActionUpdate, c.id, props, nil)
		}
	case ActionDelete, ActionRestore:
		add(c.action, c.id, nil, nil)
	case ActionMerge:
		add(ActionMerge, c.id, nil, c.merged)
		if j.opts.DeleteOnMerge {
			for _, id := range c.merged {
				add(ActionDelete, id, nil, nil)
			}
		}
	case actionPermanentDelete:
		switch {
		case sub.has(ActionGDPRDelete):
			add(ActionGDPRDelete, c.id, nil, nil)
		case !j.opts.HidePermanentDeletes:
			add(ActionDelete, c.id, nil, nil)
		}
	}
	if len(evs) == 0 {
		return
	}
	j.pending = append(j.pending, evs...)
	if !j.opts.Buffered {
		j.publish()
	}
}

// publish writes the pending events as one entry. Caller holds mu.
func (j *journal) publish() {
	if len(j.pending) == 0 {
		return
	}
	now := j.now()
	j.prune(now)
	j.seq++
	off := j.offset(j.seq, now)
	for k := range j.pending {
		j.pending[k].Offset = off
	}
	j.entries = append(j.entries, journalEntry{offset: off, published: now, events: j.pending})
	j.pending = nil
}

// offset makes the opaque offset of entry seq: UUID-shaped, as HubSpot's currentOffset is, and
// ordered like the entries when compared as strings (the sequence number leads). Caller holds mu.
func (j *journal) offset(seq uint64, now time.Time) string {
	return fmt.Sprintf("%08x-%04x-7%03x-8%03x-%012x", seq>>16, seq&0xffff, j.portalID&0xfff,
		(j.portalID>>12)&0xfff, uint64(now.UnixMilli())&0xffffffffffff)
}

// prune drops the entries older than the retention. Caller holds mu.
func (j *journal) prune(now time.Time) {
	cut := 0
	for cut < len(j.entries) && !j.entries[cut].published.After(now.Add(-j.opts.Retention)) {
		cut++
	}
	j.entries = j.entries[cut:]
}

// find returns the position of the entry at offset, if it is still retained. Caller holds mu.
func (j *journal) find(offset string) (int, bool) {
	return slices.BinarySearchFunc(j.entries, offset, func(e journalEntry, o string) int {
		switch {
		case e.offset < o:
			return -1
		case e.offset > o:
			return 1
		}
		return 0
	})
}

// PublishJournal writes the events recorded since the last publish as one journal entry (with
// JournalOptions.Buffered; without it every change is published at once).
func (s *Server) PublishJournal() {
	s.jr.mu.Lock()
	defer s.jr.mu.Unlock()
	s.jr.publish()
}

// JournalEvents returns the events of the entries still retained (by Clock), oldest first.
func (s *Server) JournalEvents() []JournalEvent {
	s.jr.mu.Lock()
	defer s.jr.mu.Unlock()
	s.jr.prune(s.now())
	var out []JournalEvent
	for _, e := range s.jr.entries {
		out = append(out, e.events...)
	}
	return out
}

// Endpoints of the journal: subscriptions, journal reads and the pre-signed entry downloads.
const (
	EndpointJournalSubscriptions Endpoint = "journal_subscriptions"
	EndpointJournal              Endpoint = "journal"
	EndpointJournalFile          Endpoint = "journal_file"
)

var journalEndpoints = []Endpoint{EndpointJournalSubscriptions, EndpointJournal, EndpointJournalFile}

// journalRoutes registers the journal's paths: the dated ones on JournalOptions.Versions (any
// other version is an unknown path) and the downloads, which take no authentication.
func (s *Server) journalRoutes(mux *http.ServeMux) {
	versioned := func(fn http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if !slices.Contains(s.opts.Journal.Versions, r.PathValue("version")) {
				s.handleUnknown(w, r)
				return
			}
			fn(w, r)
		}
	}
	handle := func(pattern string, ep Endpoint, fn http.HandlerFunc) {
		mux.Handle(pattern, s.wrap(ep, false, versioned(fn)))
	}
	const subs = "/webhooks-journal/subscriptions/{version}"
	handle("GET "+subs, EndpointJournalSubscriptions, s.handleSubscriptions)
	handle("POST "+subs, EndpointJournalSubscriptions, s.handleCreateSubscription)
	handle("DELETE "+subs+"/{id}", EndpointJournalSubscriptions, s.handleDeleteSubscription)
	handle("DELETE "+subs+"/portals/{portalId}", EndpointJournalSubscriptions, s.handleDeletePortalSubscriptions)
	for _, variant := range []string{"journal", "journal-local"} {
		base := "/webhooks-journal/" + variant + "/{version}"
		handle("GET "+base+"/earliest", EndpointJournal, s.handleJournalEarliest)
		handle("GET "+base+"/latest", EndpointJournal, s.handleJournalLatest)
		handle("GET "+base+"/offset/{offset}/next", EndpointJournal, s.handleJournalNext)
		handle("GET "+base+"/batch/earliest/{count}", EndpointJournal, s.handleJournalBatch(false))
		handle("GET "+base+"/batch/latest/{count}", EndpointJournal, s.handleJournalBatch(true))
		handle("POST "+base+"/batch/read", EndpointJournal, s.handleJournalBatchRead)
	}
	mux.Handle("GET "+journalFilesPath+"{file}", s.wrap(EndpointJournalFile, false, s.handleJournalFile))
}
