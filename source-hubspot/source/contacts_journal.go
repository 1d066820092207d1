package source

import (
	"context"

	"github.com/insider-hubspot/connectors/source-hubspot/source/journal"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// Permanent deletions (permanent_deletions): each incremental contacts read also reads HubSpot's
// webhooks journal from the journal position in its state, after the contacts and archived
// contacts, and delivers each contact deleted permanently once (source/journal). The records
// and the journal position go through the contacts stream's output (journalOut).

// initJournalState gives an incremental contacts read with permanent_deletions a journal
// position when its state has none: the journal's earliest entry, taken now. Every STATE of the
// stream carries it from then on.
func (cr *contactsReader) initJournalState() {
	if cr.cfg.PermanentDeletions.Enabled && cr.state.Journal == nil {
		cr.state.Journal = &journal.State{At: cr.Now}
		cr.journalNew = true
	}
}

// permanentDeletions reads the journal from the saved position to its newest entry and delivers
// the contacts deleted permanently, checkpointing its position after each batch it delivered.
func (cr *contactsReader) permanentDeletions(ctx context.Context) error {
	if !cr.cfg.PermanentDeletions.Enabled {
		return nil
	}
	var pos journal.State
	if cr.state.Journal != nil {
		pos = *cr.state.Journal
	}
	return journal.Read(ctx, cr.Run, cr.cfg.PermanentDeletions.settings(), pos, cr.journalNew, journalOut{cr.contactsOut})
}

// journalOut is the contacts stream's output as a journal read writes to it.
type journalOut struct{ o *contactsOut }

// Record writes the record of a contact deleted permanently.
func (j journalOut) Record(data []byte) error {
	o := j.o
	if err := o.msgs.Record(stream.Contacts, data); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.records++
	o.sinceCkpt++
	return nil
}

// Checkpoint emits a STATE with the journal position pos.
func (j journalOut) Checkpoint(pos journal.State) error {
	o := j.o
	o.mu.Lock()
	defer o.mu.Unlock()
	o.state.Journal = &pos
	o.sinceCkpt = 0
	return o.msgs.State(stream.Contacts, o.state)
}
