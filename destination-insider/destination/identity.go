package destination

import (
	"context"
	"strings"

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

// Reasons Insider refuses, or the connector does not make, an identity change, as the summary
// counts them (identity_changes_refused).
const (
	// refusalTaken: the new value already belongs to another profile.
	refusalTaken = "taken"
	// refusalNotInIR: the identifier type is not enabled in Insider's Identity Resolution.
	refusalNotInIR = "not_in_identity_resolution"
	// refusalSole: the identifier to remove is the profile's only one.
	refusalSole = "sole_identifier"
	// refusalInvalidOld: the previous value is not a valid identifier; no call is made.
	refusalInvalidOld = "invalid_old_value"
	// refusalOther: another refusal; its message is logged.
	refusalOther = "refused"
)

// refusalReason classifies Insider's refusal of an identity call by its message.
func refusalReason(err error) string {
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "no valid identifier"):
		return refusalNotInIR
	case strings.Contains(msg, "already has a user assigned"):
		return refusalTaken
	case strings.Contains(msg, "sole identifier"):
		return refusalSole
	}
	return refusalOther
}

// rekey moves one identifier of the contact from its old value to its new one. Insider having
// no profile with the old value leaves nothing to do; a refusal is counted and logged; the old
// value, once free, goes to the contact of this run that claimed it. False when a call failed
// for good (the record is held back).
func (s *insiderSender) rekey(ctx context.Context, c *profileCall, ch mapping.IdentityChange) bool {
	out, st, err := s.ops.ChangeIdentity(ctx, ch.Old, ch.New)
	s.report.countCall(st)
	switch {
	case err != nil && !refusedUser(err):
		s.report.callFailed(ctx, []protocol.RecordRef{c.ref}, "identity", err)
		return false
	case err != nil:
		s.refused(c, ch.Identifier, refusalReason(err), err.Error())
	case out == insider.Taken:
		return s.rekeyTaken(ctx, c, ch)
	case out == insider.Done:
		s.report.count.add(func(s *Summary) { s.Rekeyed++ })
		s.report.countOn(c.ref, statRekeyed, 1)
		return s.reclaim(ctx, c.ref, []string{c.key}, []string{string(ch.Old)})
	default: // no profile holds the old value: the upsert adds the new one
		s.report.count.add(func(s *Summary) { s.RekeyNoProfile++ })
	}
	return true
}

// rekeyTaken handles a re-key Insider refused because another profile holds the new value: the
// value is claimed, so that the profile letting go of it later in the run hands it over, and
// the re-key is tried once more, in case that profile let go of it between the refusal and the
// claim (it then found no claim). Only a second refusal counts.
func (s *insiderSender) rekeyTaken(ctx context.Context, c *profileCall, ch mapping.IdentityChange) bool {
	s.book.claimChange(c.key, c.user, ch)
	out, st, err := s.ops.ChangeIdentity(ctx, ch.Old, ch.New)
	s.report.countCall(st)
	switch {
	case err != nil && !refusedUser(err):
		s.report.callFailed(ctx, []protocol.RecordRef{c.ref}, "identity", err)
		return false
	case err != nil:
		s.refused(c, ch.Identifier, refusalReason(err), err.Error())
	case out == insider.Taken:
		s.refused(c, ch.Identifier, refusalTaken, "the new value already belongs to another profile")
	case out == insider.Done:
		s.book.drop(string(ch.New), c.key)
		s.report.count.add(func(s *Summary) { s.Rekeyed++ })
		s.report.countOn(c.ref, statRekeyed, 1)
		return s.reclaim(ctx, c.ref, []string{c.key}, []string{string(ch.Old)})
	}
	return true
}

// removeIdentifier removes an identifier that lost its value from the contact's own profile:
// the profile found by the contact's id is read, and the identifier is removed only when that
// profile holds the old value (another profile holding it would be another contact's). Without
// an identifier mapped from the contact id, or for a custom identifier (which a profile read
// does not return), the identifier is kept and counted.
func (s *insiderSender) removeIdentifier(ctx context.Context, c *profileCall, ch mapping.IdentityChange) bool {
	if c.own == nil || (ch.Identifier != "email" && ch.Identifier != "phone_number") {
		s.report.count.add(func(s *Summary) { s.IdentifiersKept++ })
		return true
	}
	held, out, st, err := s.ops.ReadIdentifiers(ctx, c.own)
	s.report.countCall(st)
	switch {
	case err != nil && !refusedUser(err) && insider.KindOf(err) != insider.KindUnavailable:
		s.report.callFailed(ctx, []protocol.RecordRef{c.ref}, "profile read", err)
		return false
	case err != nil || out != insider.Done || !holds(held, ch):
		s.report.count.add(func(s *Summary) { s.IdentifiersKept++ })
		return true
	}
	out, st, err = s.ops.DeleteIdentifier(ctx, ch.Old)
	s.report.countCall(st)
	switch {
	case err != nil && !refusedUser(err):
		s.report.callFailed(ctx, []protocol.RecordRef{c.ref}, "identifier delete", err)
		return false
	case err != nil:
		s.refused(c, ch.Identifier, refusalReason(err), err.Error())
	case out == insider.Done:
		s.report.count.add(func(s *Summary) { s.IdentifiersRemoved++ })
		s.report.countOn(c.ref, statIdentifierRemoved, 1)
		return s.reclaim(ctx, c.ref, []string{c.key}, []string{string(ch.Old)})
	}
	return true
}

// holds reports whether the profile read as h holds the old value of ch.
func holds(h insider.Held, ch mapping.IdentityChange) bool {
	v := h.Email
	if ch.Identifier == "phone_number" {
		v = h.Phone
	}
	return v != "" && oneID(ch.Identifier, v) == string(ch.Old)
}

// refused counts and logs an identity change Insider refused, or that removes nothing.
func (s *insiderSender) refused(c *profileCall, identifier, reason, detail string) {
	s.report.count.add(func(s *Summary) { s.addRefused(reason, 1) })
	s.report.countOn(c.ref, statRekeyRefused, 1)
	if s.report.lineDue() {
		s.report.log.Warn().Str("key", c.key).Str("identifier", identifier).Str("reason", reason).Str("detail", maskMessages([]string{detail})).
			Msg("Insider refused to change an identifier of a contact (counted in identity_changes_refused; the run goes on)")
	}
}
