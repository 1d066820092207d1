package profiles

import (
	"context"
	"strconv"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/protocol"
)

// This file releases the identifiers a deleted or re-keyed profile held to the contacts of the
// run that claimed them (claims.go).

// userCall is one of UserOps' calls on a profile found by an identifiers object.
type userCall func(ctx context.Context, identifiers []byte) (insider.Outcome, insider.Stats, error)

// release makes call (a delete or anonymization, named what) on the profile ids finds and hands
// the email and phone number that profile held to the contacts of this run that claimed them.
// self are the contacts whose profiles these are, which claim nothing from them. ok is false
// when a call failed for good: ref is held back, and the failure reported. refusal is Insider
// refusing the call for this profile.
func (o *Ops) release(ctx context.Context, ref protocol.RecordRef, self []string, ids []byte, what string, call userCall) (ok bool, out insider.Outcome, refusal error) {
	var freed []string
	if !o.book.empty() {
		held, read, st, err := o.calls.ReadIdentifiers(ctx, ids)
		o.report.CountCall(st)
		switch k := insider.KindOf(err); {
		case err != nil && !refusedUser(err) && k != insider.KindUnavailable:
			o.report.CallFailed(ctx, []protocol.RecordRef{ref}, "profile read", err)
			return false, insider.Refused, nil
		case err == nil && read == insider.Done:
			freed = heldValues(held)
		}
		// A read Insider refuses or does not offer only leaves the freed values unknown.
	}
	out, st, err := call(ctx, ids)
	o.report.CountCall(st)
	if err != nil {
		if refusedUser(err) {
			return true, out, err
		}
		o.report.CallFailed(ctx, []protocol.RecordRef{ref}, what, err)
		return false, out, nil
	}
	if out == insider.Done && !o.reclaim(ctx, ref, self, freed) {
		return false, out, nil
	}
	return true, out, nil
}

// reclaim hands each freed identifier value (an encoded identifiers object) to the contact of
// this run that claimed it: a re-key Insider refused for it is made again, and the contact is
// upserted again. False when a call failed for good (ref is held back).
func (o *Ops) reclaim(ctx context.Context, ref protocol.RecordRef, self []string, freed []string) bool {
	for _, v := range freed {
		c, lost := o.book.take(v, self)
		if lost {
			o.report.Log.Warn().Msg("a deleted or re-keyed profile released an identifier that a contact upserted earlier in this run may lack; " +
				"the run upserted more contacts than it remembers (" + strconv.Itoa(maxClaimBytes>>20) + " MB), so that contact keeps its profile without it until it changes again")
		}
		if c == nil {
			continue
		}
		if c.change != nil {
			out, st, err := o.calls.ChangeIdentity(ctx, c.change.Old, c.change.New)
			o.report.CountCall(st)
			switch {
			case err != nil && !refusedUser(err):
				o.report.CallFailed(ctx, []protocol.RecordRef{ref}, "identity", err)
				return false
			case err == nil && out == insider.Done:
				o.report.Counts.Add(func(s *settle.Summary) { s.Rekeyed++ })
			}
		}
		if len(c.user) == 0 {
			continue
		}
		rejected, unknown, err := o.upsertOne(ctx, c.user)
		if err != nil {
			o.report.CallFailed(ctx, []protocol.RecordRef{ref}, "upsert", err)
			return false
		}
		if rejected == nil && !unknown {
			o.report.Counts.Add(func(s *settle.Summary) { s.Reclaimed++ })
		}
	}
	return true
}
