package source

import (
	"time"

	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// checkContactsState refuses a contacts state whose watermarks or resume windows (of modified
// or of archived contacts) lie ahead of now.
func checkContactsState(st ContactsState, now time.Time) error {
	if err := stream.NotAhead("contacts", "lastmodifieddate", st.LastModified, now); err != nil {
		return err
	}
	if st.Resume != nil {
		if err := stream.NotAhead("contacts", "resume.end", st.Resume.End, now); err != nil {
			return err
		}
	}
	if err := stream.NotAhead("contacts", "archivedAt", st.ArchivedAt, now); err != nil {
		return err
	}
	if st.ArchivedResume != nil {
		return stream.NotAhead("contacts", "archived_resume.end", st.ArchivedResume.End, now)
	}
	return nil
}
