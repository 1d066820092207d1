package settle

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/destination-insider/mapping"
)

// Summary counts what one write did. Alerting and the demo read it
// through destination.WithSummary.
type Summary struct {
	DryRun        bool
	RecordsRead   int64            // RECORD messages read
	Ignored       int64            // records of streams neither contacts nor mapped
	Undecodable   int64            // stdin lines that were not Airbyte messages
	SourceErrors  int64            // TRACE ERROR messages of a source piped straight into the input
	UsersUpserted int64            // records Insider accepted, each a user or an event in one (in a dry run: would have been sent)
	EventsSent    int64            // events in those users
	Rejected      map[string]int64 // records skipped, by reason (the Reason* constants here and in mapping)
	Requests      int64            // HTTP requests sent (in a dry run: that would be sent)
	Retries       int64            // of which retries
	HeldBack      int64            // records not delivered, to be retried by the next run
	DroppedIDs    int64            // invalid identifiers left out of records still sent
	DroppedValues int64            // attribute or parameter values that could not be converted
	DroppedBy     map[string]int64 // of which, by attribute or parameter name
	StatesEchoed  int64            // STATE messages echoed
	// Archived, permanently deleted and merged contacts (deletion_mode, permanent_deletion_mode,
	// merge_mode), and records of soft_delete streams (in a dry run: what would be done).
	Deleted               int64 // profiles of archived contacts or of soft_delete records deleted
	Anonymized            int64 // profiles of archived contacts or of soft_delete records anonymized
	SoftDeleteNoProfile   int64 // soft_delete records whose profile Insider did not have: nothing to do
	DeletedPermanently    int64 // profiles of contacts deleted permanently, deleted
	AnonymizedPermanently int64 // profiles of contacts deleted permanently, anonymized
	MergedAwayRemoved     int64 // profiles keyed by ids merged into a deleted contact, deleted or anonymized
	MergedRecords         int64 // merged contacts whose merged-away profiles were handled
	IdentityChanges       int64 // merged-away profiles re-keyed to the survivor's id
	MergedDeleted         int64 // merged-away profiles deleted because the survivor had one
	MergeRefused          int64 // identity changes or deletes of merged-away profiles Insider refused
	// Changed identifiers and emptied values (identity_changes, clear_empty_values).
	Rekeyed            int64            // identifiers re-keyed from their old value to their new one
	RekeyRefused       map[string]int64 // identity changes refused or not made, by reason
	RekeyNoProfile     int64            // identity changes with no profile holding the old value: nothing to do
	IdentifiersRemoved int64            // identifiers that lost their value, removed from the contact's profile
	IdentifiersKept    int64            // identifiers that lost their value, left on the profile
	Cleared            int64            // contacts whose empty attributes were cleared
	ClearRefused       int64            // clears Insider refused
	Reclaimed          int64            // contacts upserted again to take an identifier a deleted or re-keyed profile released
	Duration           time.Duration
	// AlertWebhookURL and AlertRejectRatio are copied from the config.
	AlertWebhookURL  string
	AlertRejectRatio float64

	// List memberships (audience_attribute; in a dry run: what would be sent).
	AudienceRecords   int64 // list_memberships records delivered
	AudienceAdded     int64 // list names added to profiles' audience attribute
	AudienceRemoved   int64 // list names removed from it
	AudienceNoProfile int64 // users of exits Insider has no profile for: nothing to remove
	ProfileLookups    int64 // update_only: Get User Profiles calls that asked whether a user exists
}

// RejectedRecords is the total of Rejected.
func (s Summary) RejectedRecords() int64 { return sum(s.Rejected) }

// AddRefused counts n identity changes refused for reason (a Refusal constant).
func (s *Summary) AddRefused(reason string, n int) {
	if s.RekeyRefused == nil {
		s.RekeyRefused = map[string]int64{}
	}
	s.RekeyRefused[reason] += int64(n)
}

// sum is the total of counts.
func sum(counts map[string]int64) int64 {
	var n int64
	for _, v := range counts {
		n += v
	}
	return n
}

// RejectRatio is the share of handled records (ignored ones excluded) that
// were rejected; 0 when there were none. Archived contacts skipped by
// deletion_mode ignore (or deleted permanently under permanent_deletion_mode ignore), or with no
// profile to anonymize, and records of contacts Insider does not know under update_only, are
// left out of both sides: they are not bad data.
func (s Summary) RejectRatio() float64 {
	expected := s.Rejected[ReasonArchived] + s.Rejected[ReasonNoSuchUser] + s.Rejected[ReasonDeletedPermanently] +
		s.Rejected[ReasonNotInInsider]
	handled := s.RecordsRead - s.Ignored - expected
	if handled <= 0 {
		return 0
	}
	return float64(s.RejectedRecords()-expected) / float64(handled)
}

// Log writes the summary as one LOG INFO message.
func (s Summary) Log(l *zerolog.Logger) {
	e := l.Info().
		Bool("dry_run", s.DryRun).
		Int64("records_read", s.RecordsRead).
		Int64("users_upserted", s.UsersUpserted).
		Int64("events_sent", s.EventsSent).
		Int64("rejected", s.RejectedRecords()).
		Str("rejected_by_reason", joinCounts(s.Rejected)).
		Int64("ignored", s.Ignored).
		Int64("undecodable_lines", s.Undecodable).
		Int64("source_errors", s.SourceErrors).
		Int64("requests", s.Requests).
		Int64("retries", s.Retries).
		Int64("held_back", s.HeldBack).
		Int64("dropped_identifiers", s.DroppedIDs).
		Int64("dropped_values", s.DroppedValues).
		Str("dropped_values_by_name", joinCounts(s.DroppedBy)).
		Int64("events_past_retention", s.Rejected[mapping.ReasonPastRetention]).
		Int64("states_echoed", s.StatesEchoed).
		Int64("profiles_deleted", s.Deleted).
		Int64("profiles_anonymized", s.Anonymized).
		Int64("soft_deletes_without_profile", s.SoftDeleteNoProfile).
		Int64("merged_contacts", s.MergedRecords).
		Int64("merge_identity_changes", s.IdentityChanges).
		Int64("merge_profiles_deleted", s.MergedDeleted).
		Int64("merge_refused", s.MergeRefused).
		Int64("profiles_deleted_permanently", s.DeletedPermanently).
		Int64("profiles_anonymized_permanently", s.AnonymizedPermanently).
		Int64("merged_away_profiles_removed", s.MergedAwayRemoved).
		Int64("identifiers_changed", s.Rekeyed).
		Int64("identity_changes_refused", sum(s.RekeyRefused)).
		Str("identity_changes_refused_by_reason", joinCounts(s.RekeyRefused)).
		Int64("identity_changes_without_profile", s.RekeyNoProfile).
		Int64("identifiers_removed", s.IdentifiersRemoved).
		Int64("identifiers_kept", s.IdentifiersKept).
		Int64("profiles_cleared", s.Cleared).
		Int64("clears_refused", s.ClearRefused).
		Int64("contacts_upserted_again", s.Reclaimed).
		Int64("list_memberships_delivered", s.AudienceRecords).
		Int64("audience_names_added", s.AudienceAdded).
		Int64("audience_names_removed", s.AudienceRemoved).
		Int64("audience_exits_without_profile", s.AudienceNoProfile).
		Int64("not_in_insider", s.Rejected[ReasonNotInInsider]).
		Int64("profile_lookups", s.ProfileLookups).
		Str("duration", s.Duration.Round(time.Millisecond).String())
	if s.DryRun {
		e.Msg("dry run summary: nothing was sent to Insider and no state was saved")
		return
	}
	e.Msg("write summary")
}

// joinCounts writes counts as "a=1, b=2", sorted by name.
func joinCounts(counts map[string]int64) string {
	var b strings.Builder
	for i, k := range slices.Sorted(maps.Keys(counts)) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteString("=")
		b.WriteString(itoa(counts[k]))
	}
	return b.String()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Counts is the mutable form of Summary, shared by the read loop and the senders. It is safe
// for concurrent use.
type Counts struct {
	mu sync.Mutex
	s  Summary
}

// NewCounts returns counts that start from s: a summary with only the fields a write copies
// from its config.
func NewCounts(s Summary) *Counts { return &Counts{s: s} }

// Add changes the counts with f, which must not keep s.
func (c *Counts) Add(f func(s *Summary)) {
	c.mu.Lock()
	f(&c.s)
	c.mu.Unlock()
}

func (c *Counts) reject(reason string) {
	c.Add(func(s *Summary) {
		if s.Rejected == nil {
			s.Rejected = map[string]int64{}
		}
		s.Rejected[reason]++
	})
}

// Snapshot returns the counts so far.
func (c *Counts) Snapshot() Summary {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.s
	s.Rejected = maps.Clone(c.s.Rejected)
	if s.Rejected == nil {
		s.Rejected = map[string]int64{}
	}
	s.RekeyRefused = maps.Clone(c.s.RekeyRefused)
	return s
}
