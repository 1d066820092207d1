package source

import (
	"fmt"
	"time"
)

// A saved cursor later than the clock is refused, never clamped. Such a state was written by a
// host whose clock ran fast, or edited by hand; the run that wrote it read HubSpot at some
// earlier, unknown, real time. Kept, it would hide every change until the clock passes it (the
// stream would look frozen); clamped to now minus the lookback, it would skip the changes made
// between that real time and then. Neither is safe, so the run stops with a config_error that
// names the value, the clock and the fix.

// checkContactsState refuses a contacts state whose watermarks or resume windows (of modified
// or of archived contacts) lie ahead of now.
func checkContactsState(st ContactsState, now time.Time) error {
	if err := notAhead("contacts", "lastmodifieddate", st.LastModified, now); err != nil {
		return err
	}
	if st.Resume != nil {
		if err := notAhead("contacts", "resume.end", st.Resume.End, now); err != nil {
			return err
		}
	}
	if err := notAhead("contacts", "archivedAt", st.ArchivedAt, now); err != nil {
		return err
	}
	if st.ArchivedResume != nil {
		return notAhead("contacts", "archived_resume.end", st.ArchivedResume.End, now)
	}
	return nil
}

// checkEventsState refuses an event state whose cursor lies ahead of now.
func checkEventsState(stream string, st EventsState, now time.Time) error {
	return notAhead(stream, "occurredAt", st.OccurredAt, now)
}

func notAhead(stream, field string, t, now time.Time) error {
	if !t.After(now) {
		return nil
	}
	return configErr(fmt.Sprintf("the saved state of stream %s has %s %s, which is later than the current time %s: "+
		"it was written by a host whose clock ran fast, or edited by hand, and kept as it is it would hide every change "+
		"made until then. Check the clock of the host running the source (NTP), then set %s in the state to the time "+
		"of the last sync that ran with a correct clock, or reset the stream to read everything again",
		stream, field, formatTime(t), formatTime(now), field), nil)
}
