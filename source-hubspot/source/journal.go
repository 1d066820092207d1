package source

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// Permanent deletions (permanent_deletions): a contact HubSpot deletes for good (a GDPR delete)
// leaves its API at once, so no read of contacts, archived ones included, can see it. HubSpot's
// webhooks journal records it: each incremental contacts read also reads the portal's journal
// from the saved journal_offset, after the contacts and archived contacts, and delivers each
// contact deleted permanently once, as {"id", "archived": true, "archivedAt",
// "deleted_permanently": true}. See journal_verify.go for how a permanent deletion is told from
// a restorable one, and journal_setup.go for the app token and the subscription.

// journalRetention is how long HubSpot keeps journal entries ("over the past 3 days").
const journalRetention = 72 * time.Hour

// journalFlushEvery is how many deletions, or entries, a read collects before it verifies and
// delivers them and saves its journal position.
const journalFlushEvery = 200

// journalGapTrace is the type of the TRACE ANALYTICS message that names a period whose permanent
// deletions may be missing.
const journalGapTrace = "source-hubspot-permanent-deletions-gap"

// initJournalState gives an incremental contacts read with permanent_deletions a journal
// position when its state has none: the journal's earliest entry, taken now. Every STATE of the
// stream carries it from then on.
func (cr *contactsReader) initJournalState() {
	if cr.cfg.PermanentDeletions.Enabled && cr.state.Journal == nil {
		cr.state.Journal = &JournalState{At: cr.Now}
		cr.journalNew = true
	}
}

// journalRead is one read of the journal.
type journalRead struct {
	cr     *contactsReader
	j      *hubspot.Journal
	portal int64
	pos    JournalState // the last entry read (its deletions are delivered at the next flush)
	saved  JournalState // the position of the last STATE

	pending   map[string]deletion // candidates not verified yet, by contact id
	entries   int                 // entries read since the last flush
	merges    *mergeMap           // the MERGE events of this run
	delivered map[string]bool     // contacts delivered as deleted permanently by this run
	read      int                 // entries read in all
	calls     int                 // verification batch reads
}

// deletion is a journal DELETE (or GDPR_DELETE) of one contact id.
type deletion struct {
	at   time.Time
	gdpr bool // GDPR_DELETE: HubSpot says it is permanent
}

// permanentDeletions reads the journal from the saved position to its newest entry and delivers
// the contacts deleted permanently, checkpointing its position after each batch it delivered.
func (cr *contactsReader) permanentDeletions(ctx context.Context) error {
	if !cr.cfg.PermanentDeletions.Enabled {
		return nil
	}
	jr, err := cr.openJournal(ctx)
	if err != nil {
		return err
	}
	if err := jr.run(ctx); err != nil {
		return fmt.Errorf("read permanent deletions from HubSpot's webhooks journal: %w", err)
	}
	zerolog.Ctx(ctx).Info().Str("stream", stream.Contacts).Int("entries", jr.read).Int("deleted_permanently", len(jr.delivered)).
		Int("checks", jr.calls).Str("journal_offset", jr.saved.Offset).Msg("permanent deletions read from the webhooks journal")
	return nil
}

// run reads every entry after the saved position.
func (jr *journalRead) run(ctx context.Context) error {
	ref, refetch, err := jr.first(ctx)
	if err != nil {
		return err
	}
	for ref != nil {
		entry, err := jr.download(ctx, ref, refetch)
		if err != nil {
			return err
		}
		jr.add(entry)
		at := entry.PublishedAt
		if at.IsZero() {
			at = jr.cr.Out.Now()
		}
		jr.pos = JournalState{Offset: ref.CurrentOffset, At: at.UTC()}
		if len(jr.pending) >= journalFlushEvery || jr.entries >= journalFlushEvery {
			if err := jr.flush(ctx); err != nil {
				return err
			}
		}
		prev := ref.CurrentOffset
		refetch = func() (*hubspot.JournalRef, error) { return jr.j.Next(ctx, jr.portal, prev) }
		if ref, err = refetch(); err != nil {
			var oe *hubspot.OffsetExpiredError
			if !errors.As(err, &oe) {
				return err
			}
			// The entry just read expired meanwhile: whatever came after it may be gone too.
			if err := jr.flush(ctx); err != nil {
				return err
			}
			if ref, refetch, err = jr.afterGap(ctx); err != nil {
				return err
			}
		}
	}
	return jr.flush(ctx)
}

// first returns the first entry to read after the saved position (nil when there is none), and
// how to ask for it again. A saved offset HubSpot no longer has is a gap (reportGap).
func (jr *journalRead) first(ctx context.Context) (*hubspot.JournalRef, func() (*hubspot.JournalRef, error), error) {
	if jr.pos.Offset == "" {
		if age := jr.cr.Now.Sub(jr.pos.At); age > journalRetention {
			// Nothing was read since the position was taken, longer ago than the journal keeps.
			return jr.afterGap(ctx)
		}
		return jr.earliest(ctx)
	}
	refetch := func() (*hubspot.JournalRef, error) { return jr.j.Next(ctx, jr.portal, jr.pos.Offset) }
	ref, err := refetch()
	var oe *hubspot.OffsetExpiredError
	if errors.As(err, &oe) {
		return jr.afterGap(ctx)
	}
	return ref, refetch, err
}

func (jr *journalRead) earliest(ctx context.Context) (*hubspot.JournalRef, func() (*hubspot.JournalRef, error), error) {
	refetch := func() (*hubspot.JournalRef, error) { return jr.j.Earliest(ctx, jr.portal) }
	ref, err := refetch()
	return ref, refetch, err
}

// afterGap reports the period since the last position read as one that may have missed
// deletions and goes on from the journal's earliest entry.
func (jr *journalRead) afterGap(ctx context.Context) (*hubspot.JournalRef, func() (*hubspot.JournalRef, error), error) {
	ref, refetch, err := jr.earliest(ctx)
	if err != nil {
		return nil, nil, err
	}
	jr.reportGap(ctx, ref)
	// Reported once: from here the position is the earliest entry, taken now.
	jr.pos = JournalState{At: jr.cr.Out.Now().UTC()}
	return ref, refetch, nil
}

// download fetches an entry; a download link that expired before it was used is asked for again,
// once.
func (jr *journalRead) download(ctx context.Context, ref *hubspot.JournalRef, refetch func() (*hubspot.JournalRef, error)) (*hubspot.JournalEntry, error) {
	e, err := jr.j.Download(ctx, ref)
	var ue *hubspot.JournalURLExpiredError
	if !errors.As(err, &ue) {
		return e, err
	}
	again, err := refetch()
	if err != nil {
		return nil, err
	}
	if again == nil || again.CurrentOffset != ref.CurrentOffset {
		return nil, fmt.Errorf("journal entry %s: its download link expired and HubSpot no longer offers it; "+
			"the next sync reads on from the saved journal_offset", ref.CurrentOffset)
	}
	e, err = jr.j.Download(ctx, again)
	if errors.As(err, &ue) {
		return nil, fmt.Errorf("journal entry %s: the new download link HubSpot gave was refused too (a proxy that rewrites "+
			"the link's query string does this: let it pass HubSpot's download links unchanged); the next sync reads the entry "+
			"again from the saved journal_offset: %w", ref.CurrentOffset, err)
	}
	return e, err
}

// add collects an entry's contact deletions and merges.
func (jr *journalRead) add(e *hubspot.JournalEntry) {
	jr.read++
	jr.entries++
	for _, ev := range e.Events {
		if ev.ObjectTypeID != "" && ev.ObjectTypeID != hubspot.ContactObjectTypeID || ev.ObjectID == "" {
			continue
		}
		at := ev.OccurredAt
		if at.IsZero() {
			at = e.PublishedAt
		}
		switch ev.Action {
		case actionMerge:
			jr.merges.add(ev.ObjectID, ev.MergedObjectIDs)
		case actionDelete, actionGDPRDelete:
			d := jr.pending[ev.ObjectID]
			if at.After(d.at) {
				d.at = at
			}
			d.gdpr = d.gdpr || ev.Action == actionGDPRDelete
			jr.pending[ev.ObjectID] = d
		}
	}
}

// flush verifies and delivers the pending deletions, then saves the position of the last entry
// read: the records come before the STATE that moves past them.
func (jr *journalRead) flush(ctx context.Context) error {
	if len(jr.pending) > 0 {
		if err := jr.deliver(ctx, jr.pending); err != nil {
			return err
		}
		jr.pending = map[string]deletion{}
	}
	jr.entries = 0
	if jr.pos == jr.saved {
		return nil
	}
	if err := jr.cr.checkpointJournal(jr.pos); err != nil {
		return err
	}
	jr.saved = jr.pos
	return nil
}

// checkpointJournal emits a STATE with the journal position.
func (cr *contactsReader) checkpointJournal(pos JournalState) error {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	cr.state.Journal = &pos
	cr.sinceCkpt = 0
	return cr.Out.State(stream.Contacts, cr.state)
}

// reportGap says, in a WARN, an alert and a TRACE ANALYTICS message, that the journal no longer
// holds what followed the last position read, so contacts deleted permanently in between may not
// have been delivered. next is the journal's earliest entry now (nil when it is empty).
func (jr *journalRead) reportGap(ctx context.Context, next *hubspot.JournalRef) {
	until := "now"
	if next != nil {
		until = "the earliest entry HubSpot still keeps (offset " + next.CurrentOffset + ")"
	}
	text := fmt.Sprintf("HubSpot's webhooks journal no longer holds the entries after %s (journal_offset %q; HubSpot keeps 3 days): "+
		"contacts deleted permanently between %s and %s may not have been delivered, and their profiles may remain in the "+
		"destination. Reading on from the earliest entry. Sync at least every 2 days; to reconcile, compare the contact ids "+
		"in the destination with a full refresh of contacts and remove those HubSpot no longer has.",
		stream.FormatTime(jr.pos.At), jr.pos.Offset, stream.FormatTime(jr.pos.At), until)
	zerolog.Ctx(ctx).Warn().Str("stream", stream.Contacts).Str("since", stream.FormatTime(jr.pos.At)).Msg(text)
	jr.cr.Notify.Send("permanent-deletions-gap", text)
	if err := jr.cr.Out.Analytics(journalGapTrace, text); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("could not emit the TRACE message of the journal gap")
	}
}

// Journal actions the reader acts on.
const (
	actionDelete     = "DELETE"
	actionGDPRDelete = "GDPR_DELETE"
	actionMerge      = "MERGE"
	actionRestore    = "RESTORE"
)
