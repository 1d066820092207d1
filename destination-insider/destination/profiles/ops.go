// Package profiles makes the calls a write of the destination makes on Insider's profiles
// beside its batched upserts: the deletes and anonymizations of deleted contacts (Archive), the
// changes of a contact's profile before its upsert (Change: merges, identity changes, removed
// identifiers), the clears of emptied values (Clear), the hand-over of identifiers a deleted or
// re-keyed profile releases to the contact of the run that claimed them, and update_only's
// lookups of which users Insider has (Upsert). It settles the records it handles through the
// run's settle.Report. The destination's read loop and batch senders call it; it reaches back
// only through Options.Drain, to send the batch being filled before a call on its contacts.
package profiles

import (
	"context"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/insider"
)

// Options are what the profile calls of a run need.
type Options struct {
	Client *insider.Client
	Report *settle.Report
	// Calls says that a mode makes one-user calls (deletion_mode, permanent_deletion_mode,
	// merge_mode update_identity, identity_changes follow): the calls are ordered with the
	// upserts of their contacts, and the identifiers the run upserted are claimed.
	Calls bool
	// UpdateOnly upserts only users Insider already has a profile for (lookups.go).
	UpdateOnly bool
	// Lookups says that some users of the run, those Upsert is told of, are upserted only when
	// Insider already has a profile for them (a data-activation stream's update operation).
	Lookups bool
	// NewBatch returns an empty upsert body with the run's request-level fields (skip_hook,
	// error_callback_endpoint).
	NewBatch func() *insider.Batch
	// Drain sends the batch being filled and waits for every batch in flight; a call waits for
	// it when the upsert of one of its contacts may still be pending.
	Drain func(context.Context) error
}

// Ops makes the profile calls of one run. Upserting, Archive and Change are the read loop's;
// Upsert and Clear are safe for concurrent use by the batch senders. The calls Archive and
// Change start run in goroutines of their own, ordered per contact; Wait waits for them.
type Ops struct {
	client   *insider.Client
	calls    *insider.UserOps // the one-user calls and lookups; nil when no mode makes any
	known    *knownUsers      // update_only or Lookups: which users Insider has; nil without them
	all      bool             // update_only: every upsert is looked up
	lane     *opLane          // orders those calls and the upserts of each contact
	report   *settle.Report
	book     *claimBook // who claimed which identifier in this run; nil when no mode releases one
	newBatch func() *insider.Batch
	drain    func(context.Context) error
}

// New returns the profile calls of a run.
func New(opt Options) *Ops {
	o := &Ops{client: opt.Client, report: opt.Report, newBatch: opt.NewBatch, drain: opt.Drain, lane: newOpLane(opConcurrency, opt.Calls),
		all: opt.UpdateOnly}
	lookups := opt.UpdateOnly || opt.Lookups
	if opt.Calls || lookups {
		o.calls = insider.NewUserOps(opt.Client, insider.DefaultOpLimits())
	}
	if opt.Calls {
		o.book = newClaimBook(maxClaimBytes)
	}
	if lookups {
		o.known = newKnownUsers(o.calls, opt.Report)
	}
	return o
}

// Upserting tells, before the record of contact key joins the batch being filled, that an
// upsert of the contact is coming, as user (nil: only values to clear) with the email and phone
// identifiers given; it waits for a call on the contact still under way.
func (o *Ops) Upserting(key string, user []byte, email, phone string) {
	o.lane.awaitKey(key) // an earlier call on this contact goes first
	o.lane.track(key)
	if user != nil {
		o.book.claim(key, user, email, phone)
	}
}

// Wait blocks until the calls Archive and Change started are done.
func (o *Ops) Wait() { o.lane.wait() }
