package source

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/protocol"
)

// TestGetContact reads one contact by id or by a unique property, and refuses a contact that
// does not exist with a config_error naming it.
func TestGetContact(t *testing.T) {
	for _, tc := range []struct {
		name, id, idProperty, wantID string
	}{
		{"by id", "1002", "", "1002"},
		{"by email", "c1003@example.com", "email", "1003"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.fake.addContacts(1000, 5, t0.Add(-time.Hour))
			e.cfg["sync_target"] = map[string]any{"mode": "get_contact", "contact_id": tc.id, "id_property": tc.idProperty}
			res := e.read(e.catalog(protocol.SyncModeIncremental, "contacts"), nil)
			if res.code != 0 {
				t.Fatalf("exit %d: %v", res.code, res.traceErrors())
			}
			if diff := cmp.Diff([]string{tc.wantID}, ids(t, res.records("contacts"))); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			if len(res.states("contacts")) != 1 {
				t.Errorf("want one STATE")
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		e := newEnv(t)
		e.cfg["sync_target"] = map[string]any{"mode": "get_contact", "contact_id": "nobody@example.com", "id_property": "email"}
		res := e.read(e.catalog(protocol.SyncModeIncremental, "contacts"), nil)
		errs := res.traceErrors()
		if res.code == 0 || len(errs) != 1 || errs[0].Trace.Error.FailureType != "config_error" ||
			!strings.Contains(errs[0].Trace.Error.Message, "nobody@example.com") {
			t.Fatalf("exit %d, errors %+v; want one config_error naming the contact", res.code, errs)
		}
		if diff := cmp.Diff([]string{"STARTED", "INCOMPLETE"}, res.statuses()); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}
	})
}
