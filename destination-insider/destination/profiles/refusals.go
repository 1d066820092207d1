package profiles

import (
	"strings"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/insider"
)

// This file reads Insider's refusals of a one-user call: which ones reject the record (or count a
// refused change) while the run goes on, and why.

// refusedUser reports whether a one-user call (delete, anonymize, identity) failed because
// Insider refused the request for this user: its record is rejected, and the run goes on.
func refusedUser(err error) bool {
	switch insider.KindOf(err) {
	case insider.KindRefused, insider.KindTooLarge:
		return true
	}
	return false
}

// refusalReason classifies Insider's refusal of an identity call by its message.
func refusalReason(err error) string {
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "no valid identifier"):
		return settle.RefusalNotInIR
	case strings.Contains(msg, "already has a user assigned"):
		return settle.RefusalTaken
	case strings.Contains(msg, "sole identifier"):
		return settle.RefusalSole
	}
	return settle.RefusalOther
}
