// Package journal reads the contacts deleted permanently from HubSpot's webhooks journal, for
// the contacts stream's permanent_deletions: the journal position kept in the contacts state
// (state.go), the app token and the subscription (setup.go), the reading of entries from the
// saved position (read.go) and the telling of a permanent deletion from a restorable one
// (verify.go). It delivers through the contacts stream's output (Output).
package journal

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
// "deleted_permanently": true}. See verify.go for how a permanent deletion is told from a
// restorable one, and setup.go for the app token and the subscription.

// retention is how long HubSpot keeps journal entries ("over the past 3 days").
const retention = 72 * time.Hour

// FlushEvery is how many deletions, or entries, a read collects before it verifies and delivers
// them and saves its journal position.
const FlushEvery = 200

// GapTrace is the type of the TRACE ANALYTICS message that names a period whose permanent
// deletions may be missing.
const GapTrace = "source-hubspot-permanent-deletions-gap"

// DeletedPermanentlyField marks the record of a contact deleted permanently.
const DeletedPermanentlyField = "deleted_permanently"

// Settings are the permanent_deletions settings a journal read takes: the developer-platform
// app's client credentials and the dated version of the journal, subscription and account
// information APIs.
type Settings struct {
	ClientID, ClientSecret, APIVersion string
}

// Output is where a journal read delivers: the contacts stream's output. A read calls it from
// one goroutine, but the contacts stream may write through it from others.
type Output interface {
	// Record writes the contacts record data of a contact deleted permanently.
	Record(data []byte) error
	// Checkpoint emits a STATE of the contacts stream with pos as its journal position; every
	// record of the deletions read up to pos was written before it.
	Checkpoint(pos State) error
}

// reader is one read of the journal.
type reader struct {
	*stream.Run
	sink   Output
	j      *hubspot.Journal
	portal int64
	pos    State // the last entry read (its deletions are delivered at the next flush)
	saved  State // the position of the last STATE

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

// Read reads the journal from the saved position pos to its newest entry and delivers the
// contacts deleted permanently through out, checkpointing its position after each batch it
// delivered. fresh says pos was taken by this run (State.At is the run's clock and no entry
// was read): without a subscription HubSpot recorded nothing since, which is no gap then.
func Read(ctx context.Context, r *stream.Run, s Settings, pos State, fresh bool, out Output) error {
	jr, err := open(ctx, r, s, pos, fresh, out)
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
func (jr *reader) run(ctx context.Context) error {
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
			at = jr.Out.Now()
		}
		jr.pos = State{Offset: ref.CurrentOffset, At: at.UTC()}
		if len(jr.pending) >= FlushEvery || jr.entries >= FlushEvery {
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
func (jr *reader) first(ctx context.Context) (*hubspot.JournalRef, func() (*hubspot.JournalRef, error), error) {
	if jr.pos.Offset == "" {
		if age := jr.Now.Sub(jr.pos.At); age > retention {
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

func (jr *reader) earliest(ctx context.Context) (*hubspot.JournalRef, func() (*hubspot.JournalRef, error), error) {
	refetch := func() (*hubspot.JournalRef, error) { return jr.j.Earliest(ctx, jr.portal) }
	ref, err := refetch()
	return ref, refetch, err
}

// afterGap reports the period since the last position read as one that may have missed
// deletions and goes on from the journal's earliest entry.
func (jr *reader) afterGap(ctx context.Context) (*hubspot.JournalRef, func() (*hubspot.JournalRef, error), error) {
	ref, refetch, err := jr.earliest(ctx)
	if err != nil {
		return nil, nil, err
	}
	jr.reportGap(ctx, ref)
	// Reported once: from here the position is the earliest entry, taken now.
	jr.pos = State{At: jr.Out.Now().UTC()}
	return ref, refetch, nil
}

// download fetches an entry; a download link that expired before it was used is asked for again,
// once.
func (jr *reader) download(ctx context.Context, ref *hubspot.JournalRef, refetch func() (*hubspot.JournalRef, error)) (*hubspot.JournalEntry, error) {
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
func (jr *reader) add(e *hubspot.JournalEntry) {
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
func (jr *reader) flush(ctx context.Context) error {
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
	if err := jr.sink.Checkpoint(jr.pos); err != nil {
		return err
	}
	jr.saved = jr.pos
	return nil
}

// reportGap says, in a WARN, an alert and a TRACE ANALYTICS message, that the journal no longer
// holds what followed the last position read, so contacts deleted permanently in between may not
// have been delivered. next is the journal's earliest entry now (nil when it is empty).
func (jr *reader) reportGap(ctx context.Context, next *hubspot.JournalRef) {
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
	jr.Notify.Send("permanent-deletions-gap", text)
	if err := jr.Out.Analytics(GapTrace, text); err != nil {
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
