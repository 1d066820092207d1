package profiles

import (
	"context"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/protocol"
)

// Under identity_changes follow, a contact whose email, phone number or custom identifier
// changed since the last sync (the source's previous_values) has each changed identifier
// re-keyed on its profile before its upsert, with Insider's identity API
// (https://academy.insiderone.com/docs/update-identifiers-api): Insider's upsert never changes
// an identifier a profile holds. An identifier that lost its value is removed from the
// contact's own profile (https://academy.insiderone.com/docs/api-reference-delete-identifiers)
// when the profile can be found by the contact's id and holds that value.

// rekey moves one identifier of the contact from its old value to its new one. Insider having
// no profile with the old value leaves nothing to do; a refusal is counted and logged; the old
// value, once free, goes to the contact of this run that claimed it. False when a call failed
// for good (the record is held back).
func (o *Ops) rekey(ctx context.Context, c *Change, ch mapping.IdentityChange) bool {
	return o.rekeyFrom(ctx, c, ch, true)
}

// rekeyFrom is rekey; read says that the contact's own profile is read when no profile holds
// the old value (rekeyFromProfile).
func (o *Ops) rekeyFrom(ctx context.Context, c *Change, ch mapping.IdentityChange, read bool) bool {
	out, st, err := o.calls.ChangeIdentity(ctx, ch.Old, ch.New)
	o.report.CountCall(st)
	switch {
	case err != nil:
		return o.identityError(ctx, c, ch.Identifier, "identity", err)
	case out == insider.Taken:
		return o.rekeyTaken(ctx, c, ch)
	case out == insider.Done:
		return o.rekeyed(ctx, c, ch)
	case read:
		return o.rekeyFromProfile(ctx, c, ch)
	default:
		o.report.Counts.Add(func(s *settle.Summary) { s.RekeyNoProfile++ })
	}
	return true
}

// rekeyFromProfile handles a re-key no profile holds the old value of. The contact's own
// profile, found by its id, may hold another value: one an earlier sync wrote that
// previous_values does not name (the source takes the previous value at the start of its
// window, which reaches back before the last sync's end by its lookback, so a contact changed
// twice around a sync's end names a value older than the one Insider holds). That value is
// re-keyed to the new one. With no such value (or no identifier mapped from the contact id, or
// a custom identifier, which a profile read does not return) the upsert adds the new value.
func (o *Ops) rekeyFromProfile(ctx context.Context, c *Change, ch mapping.IdentityChange) bool {
	held, ok := o.ownValue(ctx, c, ch.Identifier)
	if !ok {
		return false
	}
	if held == "" || held == string(ch.New) || held == string(ch.Old) {
		o.report.Counts.Add(func(s *settle.Summary) { s.RekeyNoProfile++ })
		return true
	}
	return o.rekeyFrom(ctx, c, mapping.IdentityChange{Identifier: ch.Identifier, Old: []byte(held), New: ch.New}, false)
}

// ownValue reads the contact's own profile (found by its id) and returns the value of
// identifier (email or phone_number) it holds, encoded as a one-identifier object; "" when it
// holds none, has no profile, or cannot be read so (no identifier mapped from the contact id, a
// custom identifier, a refused or unavailable read). ok is false when the read failed for good
// (the record is held back).
func (o *Ops) ownValue(ctx context.Context, c *Change, identifier string) (string, bool) {
	if c.Own == nil || (identifier != "email" && identifier != "phone_number") {
		return "", true
	}
	h, out, st, err := o.calls.ReadIdentifiers(ctx, c.Own)
	o.report.CountCall(st)
	switch {
	case err != nil && !refusedUser(err) && insider.KindOf(err) != insider.KindUnavailable:
		o.report.CallFailed(ctx, []protocol.RecordRef{c.Ref}, "profile read", err)
		return "", false
	case err != nil || out != insider.Done:
		return "", true
	}
	v := h.Email
	if identifier == "phone_number" {
		v = h.Phone
	}
	if v == "" {
		return "", true
	}
	return oneID(identifier, v), true
}

// rekeyTaken handles a re-key Insider refused because another profile holds the new value: the
// value is claimed, so that the profile letting go of it later in the run hands it over, and
// the re-key is tried once more, in case that profile let go of it between the refusal and the
// claim (it then found no claim). Only a second refusal counts.
func (o *Ops) rekeyTaken(ctx context.Context, c *Change, ch mapping.IdentityChange) bool {
	o.book.claimChange(c.Key, c.User, ch)
	out, st, err := o.calls.ChangeIdentity(ctx, ch.Old, ch.New)
	o.report.CountCall(st)
	switch {
	case err != nil:
		return o.identityError(ctx, c, ch.Identifier, "identity", err)
	case out == insider.Taken:
		o.refused(c, ch.Identifier, settle.RefusalTaken, "the new value already belongs to another profile")
	case out == insider.Done:
		o.book.drop(string(ch.New), c.Key)
		return o.rekeyed(ctx, c, ch)
	}
	return true
}

// rekeyed counts a done re-key and hands the old value, now free, to the contact of this run
// that claimed it. False when a call failed for good (the record is held back).
func (o *Ops) rekeyed(ctx context.Context, c *Change, ch mapping.IdentityChange) bool {
	o.report.Counts.Add(func(s *settle.Summary) { s.Rekeyed++ })
	o.report.CountOn(c.Ref, settle.StatRekeyed, 1)
	return o.reclaim(ctx, c.Ref, []string{c.Key}, []string{string(ch.Old)})
}

// removeIdentifier removes an identifier that lost its value from the contact's own profile:
// the profile found by the contact's id is read, and the identifier is removed only when that
// profile holds the old value (another profile holding it would be another contact's). Without
// an identifier mapped from the contact id, or for a custom identifier (which a profile read
// does not return), the identifier is kept and counted.
func (o *Ops) removeIdentifier(ctx context.Context, c *Change, ch mapping.IdentityChange) bool {
	held, ok := o.ownValue(ctx, c, ch.Identifier)
	if !ok {
		return false
	}
	if held != string(ch.Old) {
		o.report.Counts.Add(func(s *settle.Summary) { s.IdentifiersKept++ })
		return true
	}
	out, st, err := o.calls.DeleteIdentifier(ctx, ch.Old)
	o.report.CountCall(st)
	switch {
	case err != nil:
		return o.identityError(ctx, c, ch.Identifier, "identifier delete", err)
	case out == insider.Done:
		o.report.Counts.Add(func(s *settle.Summary) { s.IdentifiersRemoved++ })
		o.report.CountOn(c.Ref, settle.StatIdentifierRemoved, 1)
		return o.reclaim(ctx, c.Ref, []string{c.Key}, []string{string(ch.Old)})
	}
	return true
}

// identityError handles the error of an identity call (call names it): Insider refusing the
// change of identifier is counted and logged, and the run goes on; any other error is a call
// failed for good, reported, and false (the record is held back).
func (o *Ops) identityError(ctx context.Context, c *Change, identifier, call string, err error) bool {
	if !refusedUser(err) {
		o.report.CallFailed(ctx, []protocol.RecordRef{c.Ref}, call, err)
		return false
	}
	o.refused(c, identifier, refusalReason(err), err.Error())
	return true
}

// refused counts and logs an identity change Insider refused, or that removes nothing.
func (o *Ops) refused(c *Change, identifier, reason, detail string) {
	o.report.Counts.Add(func(s *settle.Summary) { s.AddRefused(reason, 1) })
	o.report.CountOn(c.Ref, settle.StatRekeyRefused, 1)
	if o.report.LineDue() {
		o.report.Log.Warn().Str("key", c.Key).Str("identifier", identifier).Str("reason", reason).Str("detail", settle.MaskMessages([]string{detail})).
			Msg("Insider refused to change an identifier of a contact (counted in identity_changes_refused; the run goes on)")
	}
}
