package destination

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// mappedCatalog is a configured catalog as Airbyte's platform writes it for a data-activation
// connection: json_schema regenerated from the mapped fields, the matching key renamed into
// primary_key, destination_object_name set.
func mappedCatalog(streams ...string) string {
	return `{"streams":[` + strings.Join(streams, ",") + `]}`
}

func mappedStream(name, object, mode, pk string) string {
	s := fmt.Sprintf(`{"stream":{"name":%q,"json_schema":{"type":"object","$schema":"http://json-schema.org/schema#","properties":{},"additionalProperties":true},"supported_sync_modes":["full_refresh","incremental"]},`+
		`"sync_mode":"incremental","destination_sync_mode":%q,"destination_object_name":%q,"generation_id":0,"minimum_generation_id":0,"sync_id":123`, name, mode, object)
	if pk != "" {
		s += `,"primary_key":` + pk
	}
	return s + "}"
}

// writeMapped runs a write of lines with the configured catalog cat against f; the run must
// exit 0 having sent Insider n users. It returns the result and those users.
func writeMapped(t *testing.T, f insiderFake, cfg map[string]any, cat string, n int, lines ...string) (cmdResult, []fakeUser) {
	t.Helper()
	r := runCmdCatalog(t, "write", cfg, cat, lines)
	if r.code != 0 {
		t.Fatalf("exit %d: %v", r.code, r.traces)
	}
	users := f.users()
	if len(users) != n {
		t.Fatalf("sent %d users, want %d: %+v", len(users), n, users)
	}
	return r, users
}

// wantRejections checks that the run's first echoed state counts accepted records and one
// rejected record for each of reasons, and that the summary has each reason once.
func wantRejections(t *testing.T, r cmdResult, accepted int, reasons ...string) {
	t.Helper()
	if _, _, committed, rejected := stateInfo(r.states[0]); committed != accepted || rejected != len(reasons) {
		t.Errorf("destinationStats = %d accepted, %d rejected; want %d and %d", committed, rejected, accepted, len(reasons))
	}
	for _, reason := range reasons {
		if r.summary.Rejected[reason] != 1 {
			t.Errorf("rejected[%s] = %d, want 1 (all: %v)", reason, r.summary.Rejected[reason], r.summary.Rejected)
		}
	}
}

func TestWriteMappedUserStream(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	rejectEmail(f, "reject@example.com")
	cfg := baseConfig(f.URL, func(c map[string]any) {
		c["identifier_mappings"] = []any{} // every stream is mapped by Airbyte
		c["phone"] = map[string]any{"default_region": "US"}
	})
	cat := mappedCatalog(mappedStream("contacts", "user", "append_dedup", `[["email"]]`))
	r, users := writeMapped(t, f, cfg, cat, 3,
		recordLine("contacts", `{"email":" Ann@Example.com ","name":"Ann","phone_number":"(415) 555-0123","uuid":"101","email_optin":"true",`+
			`"lifecycle_stage":"lead","vip":"false","score":7,"custom":{"tier":"gold"},"crm_source":"ignored","birthday":"1990-05-01"}`),
		recordLine("contacts", `{"email":"not-an-email","name":"Bob"}`),
		recordLine("contacts", `{"name":"No Key"}`),
		recordLine("contacts", `{"email":"reject@example.com","name":"Refused"}`),
		recordLine("contacts", `{"email":"only@example.com"}`),
		stateLine("contacts", 1),
	)
	want := fakeUser{
		Identifiers: map[string]any{"email": "ann@example.com"},
		Attributes: map[string]any{"name": "Ann", "phone_number": "+14155550123", "uuid": "101", "email_optin": true,
			"birthday": "1990-05-01T00:00:00Z",
			"custom":   map[string]any{"lifecycle_stage": "lead", "vip": false, "score": float64(7), "tier": "gold", "crm_source": "hubspot"}},
		NotAppend: true,
	}
	if d := cmp.Diff(want, users[0]); d != "" {
		t.Errorf("mapped user (-want +got):\n%s", d)
	}
	if len(r.states) != 1 {
		t.Fatalf("echoed %d states, want 1", len(r.states))
	}
	if got := users[2].Attributes; !cmp.Equal(got, map[string]any{"custom": map[string]any{"crm_source": "hubspot"}}) {
		t.Errorf("a user with only its matching key gets attributes %v, want the fixed one", got)
	}
	// Accepted: Ann and only@. Rejected: invalid email, no matching key, refused by Insider.
	wantRejections(t, r, 2, mapping.ReasonInvalidIdentifier, mapping.ReasonNoIdentifier, settle.ReasonInsider)
	for _, l := range r.logs {
		if strings.Contains(l, "reject@example.com") || strings.Contains(l, "not-an-email") {
			t.Errorf("a log line holds an identifier value: %s", l)
		}
	}
}

// rejectEmail makes Insider reject the users with this email identifier.
func rejectEmail(f insiderFake, email string) {
	f.RejectUserBytes(`"email":"`+email+`"`, `identifiers.*.regexp(^.+@.+\..+$)`, "not a valid email address: "+email)
}

func TestWriteMappedEventStream(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	cfg := baseConfig(f.URL, func(c map[string]any) {
		c["fixed_event_parameters"] = []any{map[string]any{"parameter": "source", "value": "hubspot"}}
		c["boolean_format"] = "string"
	})
	cat := mappedCatalog(mappedStream("event_pe1_signup", "event", "append", `[["uuid"],["crm_id"]]`))
	r, users := writeMapped(t, f, cfg, cat, 2,
		recordLine("event_pe1_signup", `{"uuid":42,"crm_id":"C-9","email":"a@example.com","event_name":"newsletter_signup",`+
			`"timestamp":"2026-01-02T04:04:05.678+01:00","url":"https://x.test/p","quantity":"3","campaign":"spring","first":"true","source":"record"}`),
		recordLine("event_pe1_signup", `{"email":"b@example.com","event_name":"signup","timestamp":1767323045678}`),
		recordLine("event_pe1_signup", `{"email":"c@example.com","timestamp":"2026-01-02T03:04:05Z"}`),
		recordLine("event_pe1_signup", `{"email":"d@example.com","event_name":"signup","timestamp":"yesterday"}`),
		recordLine("event_pe1_signup", `{"event_name":"signup","timestamp":"2026-01-02T03:04:05Z","url":"https://x.test"}`),
		stateLine("event_pe1_signup", 1),
	)
	want := fakeUser{
		Identifiers: map[string]any{"uuid": "42", "email": "a@example.com", "custom": map[string]any{"crm_id": "C-9"}},
		Events: []map[string]any{{"event_name": "newsletter_signup", "timestamp": "2026-01-02T03:04:05.678Z",
			"event_params": map[string]any{"url": "https://x.test/p", "quantity": float64(3),
				"custom": map[string]any{"campaign": "spring", "first": "true", "source": "hubspot"}}}},
		NotAppend: true,
	}
	if d := cmp.Diff(want, users[0]); d != "" {
		t.Errorf("mapped event (-want +got):\n%s", d)
	}
	if got := users[1].Events; len(got) != 1 || got[0]["timestamp"] != "2026-01-02T03:04:05.678Z" || got[0]["event_params"] == nil {
		t.Errorf("second event = %v, want epoch milliseconds as a date with its milliseconds and the fixed parameter", got)
	}
	wantRejections(t, r, 2, mapping.ReasonNoEventName, mapping.ReasonInvalidTimestamp, mapping.ReasonNoIdentifier)
}

// TestWriteMixedConnection: contacts mapped by the config, an event stream mapped by Airbyte,
// in one connection; each keeps its own rules.
func TestWriteMixedConnection(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	cfg := baseConfig(f.URL, nil)
	cat := mappedCatalog(
		configuredContacts,
		mappedStream("event_signup", "event", "append", `[["email"]]`))
	r, users := writeMapped(t, f, cfg, cat, 2,
		contact(1),
		recordLine("event_signup", `{"email":"user1@example.com","event_name":"signup","timestamp":"2026-01-02T03:04:05Z","url":"https://x.test","properties":{"page":"ignored"}}`),
		stateLine("contacts", 1),
		stateLine("event_signup", 2),
	)
	contactUser, eventUser := users[0], users[1]
	if len(contactUser.Events) != 0 {
		contactUser, eventUser = eventUser, contactUser
	}
	if contactUser.Identifiers["uuid"] != "1001" || contactUser.Attributes["name"] != "Ann" ||
		contactUser.Attributes["custom"].(map[string]any)["lifecycle_stage"] != "lead" {
		t.Errorf("config-mapped contact = %+v", contactUser)
	}
	ev := eventUser.Events[0]
	if ev["event_name"] != "signup" || eventUser.Identifiers["email"] != "user1@example.com" {
		t.Errorf("Airbyte-mapped event = %+v", eventUser)
	}
	params := ev["event_params"].(map[string]any)
	if params["url"] != "https://x.test" || params["custom"].(map[string]any)["properties"] == nil {
		t.Errorf("event params = %v: want the record's own fields, not the config's event_mappings", params)
	}
	if len(r.states) != 2 {
		t.Errorf("echoed %d states, want 2", len(r.states))
	}
}

func TestWriteMappedStreamConfigErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, catalog string
		noIDs         bool
		want          []string
	}{
		{"nested primary key", mappedCatalog(mappedStream("contacts", "user", "append_dedup", `[["contact","email"]]`)), false,
			[]string{"stream contacts", `[["contact","email"]]`, "nested", "matching keys"}},
		{"user without matching key", mappedCatalog(mappedStream("contacts", "user", "append_dedup", "")), false,
			[]string{"stream contacts", "without a matching key"}},
		{"unknown object", mappedCatalog(mappedStream("contacts", "profile", "append_dedup", `[["email"]]`)), false,
			[]string{`"profile"`, "user or event"}},
		{"event soft_delete", mappedCatalog(mappedStream("contacts", "event", "soft_delete", `[["email"]]`)), false,
			[]string{"stream contacts", `"soft_delete"`, "event object", "append for event"}},
		{"event update", mappedCatalog(mappedStream("contacts", "event", "update", `[["email"]]`)), false,
			[]string{"stream contacts", `"update"`, "event object"}},
		{"user overwrite", mappedCatalog(mappedStream("contacts", "user", "overwrite", `[["email"]]`)), false,
			[]string{"stream contacts", `"overwrite"`, "append_dedup, update and soft_delete for user"}},
		{"soft_delete on two keys", mappedCatalog(mappedStream("contacts", "user", "soft_delete", `[["email"],["uuid"]]`)), false,
			[]string{"stream contacts", "email+uuid", "one matching key"}},
		{"custom as key", mappedCatalog(mappedStream("contacts", "user", "append_dedup", `[["custom"]]`)), false,
			[]string{`"custom"`}},
		{"config-mapped stream without identifiers", mappedCatalog(configuredContacts, mappedStream("event_signup", "event", "append", "")), true,
			[]string{"stream contacts", "identifier_mappings is empty", "destination_object_name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newInsider(t, fakeinsider.Options{})
			cfg := baseConfig(f.URL, func(c map[string]any) {
				if tc.noIDs {
					c["identifier_mappings"] = []any{}
				}
			})
			r := runCmdCatalog(t, "write", cfg, tc.catalog, []string{contact(1), stateLine("contacts", 1)})
			if r.code == 0 || len(r.traces) != 1 || len(r.states) != 0 || len(f.users()) != 0 {
				t.Fatalf("exit %d, traces %v, states %d, users sent %d", r.code, r.traces, len(r.states), len(f.users()))
			}
			e := r.traces[0]["error"].(map[string]any)
			msg, _ := e["message"].(string)
			if e["failure_type"] != "config_error" {
				t.Errorf("failure_type %v", e["failure_type"])
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
}

// TestWriteWithoutIdentifierMappingsHoldsBackUncataloguedStream: a contacts record that
// arrives although the catalog does not list the stream is held back with a config_error,
// never sent without identifiers.
func TestWriteWithoutIdentifierMappingsHoldsBackUncataloguedStream(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	cfg := baseConfig(f.URL, func(c map[string]any) { c["identifier_mappings"] = []any{} })
	cat := mappedCatalog(mappedStream("event_signup", "event", "append", `[["email"]]`))
	r := runCmdCatalog(t, "write", cfg, cat, []string{contact(1), stateLine("contacts", 1)})
	if r.code == 0 || len(r.states) != 0 || len(f.users()) != 0 || len(r.traces) != 1 ||
		!strings.Contains(fmt.Sprint(r.traces[0]["error"]), "identifier_mappings is empty") {
		t.Fatalf("exit %d, states %d, users %d, traces %v", r.code, len(r.states), len(f.users()), r.traces)
	}
}
