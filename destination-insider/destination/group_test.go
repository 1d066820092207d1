package destination

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// signup is an event record of the contact with that email, at a second.
func signup(email string, sec int, page string) string {
	return recordLine("event_signup", fmt.Sprintf(
		`{"id":"e%s%d","occurredAt":"2026-01-02T03:04:%02dZ","properties":{"page":%q},"contact":{"email":%q}}`, email, sec, sec, page, email))
}

// TestWriteOneUserPerContact: several events of one contact in one batch
// travel as one user object with several events; contacts and other
// contacts' events stay separate users, and every record keeps its own
// outcome in the echoed states.
func TestWriteOneUserPerContact(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		batchSize  int
		in         []string
		wantUsers  []int // events per user object, in request order
		wantStates []echoed
	}{
		{name: "three events of one contact, one of another",
			batchSize: 10,
			in: []string{signup("a@x.io", 1, "p1"), signup("b@x.io", 2, "p2"), signup("a@x.io", 3, "p3"), signup("a@x.io", 4, "p4"),
				stateLine("event_signup", 1)},
			wantUsers:  []int{3, 1},
			wantStates: []echoed{{"event_signup", 1, 4, 0}}},
		{name: "a contact record is its own user",
			batchSize: 10,
			in: []string{contact(1), signup("user1@example.com", 1, "p1"), signup("user1@example.com", 2, "p2"),
				stateLine("contacts", 1), stateLine("event_signup", 1)},
			wantUsers:  []int{0, 2},
			wantStates: []echoed{{"contacts", 1, 1, 0}, {"event_signup", 1, 2, 0}}},
		{name: "events of one contact that fill no new user never split a batch",
			batchSize: 2,
			in: []string{signup("a@x.io", 1, "p1"), signup("a@x.io", 2, "p2"), signup("b@x.io", 3, "p3"), signup("a@x.io", 4, "p4"),
				signup("c@x.io", 5, "p5"), stateLine("event_signup", 1)},
			wantUsers:  []int{3, 1, 1},
			wantStates: []echoed{{"event_signup", 1, 5, 0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newInsider(t, fakeinsider.Options{})
			r := runCmd(t, "write", baseConfig(f.URL, func(c map[string]any) {
				c["batch_size"] = tc.batchSize
				c["max_concurrent_requests"] = 1 // requests arrive in batch order
			}), tc.in)
			if r.code != 0 {
				t.Fatalf("exit %d: %v", r.code, r.traces)
			}
			var got []int
			for _, u := range f.users() {
				got = append(got, len(u.Events))
			}
			if diff := cmp.Diff(tc.wantUsers, got); diff != "" {
				t.Errorf("events per user (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantStates, echoes(r)); diff != "" {
				t.Errorf("echoed states (-want +got):\n%s", diff)
			}
			events := 0
			for _, n := range tc.wantUsers {
				events += n
			}
			records := 0
			for _, l := range tc.in {
				if strings.Contains(l, `"type":"RECORD"`) {
					records++
				}
			}
			if r.summary.EventsSent != int64(events) || r.summary.UsersUpserted != int64(records) {
				t.Errorf("summary events %d accepted %d, want %d and %d", r.summary.EventsSent, r.summary.UsersUpserted, events, records)
			}
		})
	}
}

// TestWriteGroupedEventRejected: Insider rejects a whole user object when one
// of its events is invalid; the other events of that contact were refused
// only for travelling with it, so they are sent again on their own and
// delivered, and only the blamed record counts as rejected.
func TestWriteGroupedEventRejected(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	// Insider rejects the user holding the event whose url is "bad", blaming that event.
	f.RejectUserBytes(`"url":"bad"`, "event_params.url.url", "not a url: bad")
	in := []string{signup("a@x.io", 1, "p1"), signup("a@x.io", 2, "bad"), signup("a@x.io", 3, "p3"), signup("b@x.io", 4, "p4"),
		stateLine("event_signup", 1)}
	r := runCmd(t, "write", baseConfig(f.URL, nil), in)
	if r.code != 0 {
		t.Fatalf("exit %d: %v", r.code, r.traces)
	}
	if diff := cmp.Diff([]echoed{{"event_signup", 1, 3, 1}}, echoes(r)); diff != "" {
		t.Errorf("echoed states (-want +got):\n%s", diff)
	}
	if n := len(f.bodies()); n != 2 {
		t.Errorf("%d requests, want 2 (the batch, then the innocent events)", n)
	}
	resent := f.users()[2:]
	if len(resent) != 1 || len(resent[0].Events) != 2 || resent[0].Identifiers["email"] != "a@x.io" {
		t.Errorf("resent users %+v", resent)
	}
	if r.summary.Rejected[settle.ReasonInsider] != 1 || r.summary.EventsSent != 3 {
		t.Errorf("summary %+v", *r.summary)
	}
}
