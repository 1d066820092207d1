package destination

import (
	"fmt"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// catalogOf is a configured catalog of the named streams; a name "x=user" gets
// destination_object_name "user".
func catalogOf(names ...string) string {
	var parts []string
	for _, n := range names {
		name, object, _ := strings.Cut(n, "=")
		extra := ""
		if object != "" {
			extra = fmt.Sprintf(`,"destination_object_name":%q,"primary_key":[["email"]]`, object)
		}
		parts = append(parts, fmt.Sprintf(`{"stream":{"name":%q,"json_schema":{},"supported_sync_modes":["incremental"]},"sync_mode":"incremental","destination_sync_mode":"append"%s}`, name, extra))
	}
	return `{"streams":[` + strings.Join(parts, ",") + `]}`
}

func TestWriteRefusesACatalogStreamItCannotMap(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	url := f.URL
	in := []string{contact(1), recordLine("companies", `{"id":"c1"}`), stateLine("contacts", 1), stateLine("companies", 1)}
	r := runCmdCatalog(t, "write", baseConfig(url, nil), catalogOf("contacts", "companies", "event_signup"), in)
	if r.code == 0 {
		t.Fatalf("exit 0: a selected stream that is never sent must fail the run")
	}
	if len(r.traces) != 1 {
		t.Fatalf("traces %v, want one", r.traces)
	}
	e := r.traces[0]["error"].(map[string]any)
	msg := e["message"].(string)
	for _, want := range []string{`"companies"`, "event_mappings", "deselect"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %s", msg, want)
		}
	}
	if e["failure_type"] != "config_error" {
		t.Errorf("failure_type %v, want config_error", e["failure_type"])
	}
	if len(r.states) != 0 || len(f.bodies()) != 0 {
		t.Errorf("echoed %d states and sent %d requests, want none", len(r.states), len(f.bodies()))
	}
}

func TestWriteMapsStreamsUnderAConnectionPrefix(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	url := f.URL
	cfg := baseConfig(url, func(c map[string]any) {
		// Two configured names where one ends with the other: the longer one wins.
		c["event_mappings"] = append(c["event_mappings"].([]any), map[string]any{"stream": "event_signup_contacts", "event_name": "other"})
	})
	in := []string{
		recordLine("hs_contacts", `{"id":"1","email":"a@example.com","firstname":"Ann"}`),
		recordLine("hs_event_signup", `{"id":"e1","occurredAt":"2026-01-02T03:04:05Z","contact":{"email":"b@example.com"}}`),
		recordLine("hs_event_signup_contacts", `{"id":"e2","occurredAt":"2026-01-02T03:04:05Z","contact":{"email":"c@example.com"}}`),
		stateLine("hs_contacts", 1), stateLine("hs_event_signup", 1), stateLine("hs_event_signup_contacts", 1),
	}
	r := runCmdCatalog(t, "write", cfg, catalogOf("hs_contacts", "hs_event_signup", "hs_event_signup_contacts"), in)
	if r.code != 0 {
		t.Fatalf("exit %d, traces %v", r.code, r.traces)
	}
	got := map[string]string{}
	for _, u := range f.users() {
		kind := "profile"
		if len(u.Events) > 0 {
			kind = u.Events[0]["event_name"].(string)
		}
		got[u.Identifiers["email"].(string)] = kind
	}
	want := map[string]string{"a@example.com": "profile", "b@example.com": "newsletter_signup", "c@example.com": "other"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Insider got %v, want %v", got, want)
	}
	if len(r.states) != 3 {
		t.Errorf("echoed %d states, want 3", len(r.states))
	}
	if !containsLog(r.logs, "stream prefix") {
		t.Errorf("no log says a stream was mapped under a prefix: %v", r.logs)
	}
}

func TestWriteLeavesActivationStreamsToAirbyte(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	url := f.URL
	r := runCmdCatalog(t, "write", baseConfig(url, nil), catalogOf("contacts", "companies=user"), []string{contact(1), stateLine("contacts", 1)})
	if r.code != 0 {
		t.Fatalf("exit %d, traces %v: a stream with destination_object_name is not the config's to map", r.code, r.traces)
	}
}

func containsLog(logs []string, sub string) bool {
	for _, l := range logs {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}

// importedContacts is an event stream whose name happens to end in "contacts".
const importedContacts = "event_pe123456_imported_contacts"

// importedEvent is a record of importedContacts: an occurrence whose contact is b@example.com.
func importedEvent(stream string) string {
	return recordLine(stream, `{"id":"occ-1","occurredAt":"2026-01-02T03:04:05Z","properties":{"page":"x"},"contact":{"email":"b@example.com","hs_object_id":"7"}}`)
}

// TestWriteNeverTakesAnEventStreamForContacts: the contacts stream is contacts, or contacts
// under the connection's stream prefix; an event stream whose name ends in "contacts" is an
// event stream, so an unmapped one fails the run before anything is sent, as any unmapped
// stream does, instead of upserting its occurrences as profiles.
func TestWriteNeverTakesAnEventStreamForContacts(t *testing.T) {
	t.Parallel()
	for _, prefix := range []string{"", "hs_", "hubspot-"} {
		for _, withContacts := range []bool{true, false} {
			t.Run(fmt.Sprintf("prefix %q, contacts selected %v", prefix, withContacts), func(t *testing.T) {
				t.Parallel()
				f := newInsider(t, fakeinsider.Options{})
				streams := []string{prefix + importedContacts}
				in := []string{importedEvent(prefix + importedContacts), stateLine(prefix+importedContacts, 1)}
				if withContacts {
					streams = append(streams, prefix+"contacts")
					in = append(in, recordLine(prefix+"contacts", `{"id":"1","email":"a@example.com","firstname":"Ann"}`))
				}
				r := runCmdCatalog(t, "write", baseConfig(f.URL, nil), catalogOf(streams...), in)
				if r.code == 0 {
					t.Fatalf("exit 0: the unmapped event stream %s was taken for contacts", prefix+importedContacts)
				}
				if len(r.traces) != 1 {
					t.Fatalf("traces %v, want one", r.traces)
				}
				e := r.traces[0]["error"].(map[string]any)
				if msg := e["message"].(string); !strings.Contains(msg, `"`+prefix+importedContacts+`"`) || strings.Contains(msg, `"`+prefix+`contacts"`) {
					t.Errorf("error %q does not name only the event stream", msg)
				}
				if e["failure_type"] != "config_error" {
					t.Errorf("failure_type %v, want config_error", e["failure_type"])
				}
				if len(r.states) != 0 || len(f.bodies()) != 0 {
					t.Errorf("echoed %d states and sent %d requests, want none", len(r.states), len(f.bodies()))
				}
			})
		}
	}
}

// TestWriteSendsAMappedEventStreamEndingInContacts: mapped, such a stream sends events, with or
// without a prefix, next to the contacts stream.
func TestWriteSendsAMappedEventStreamEndingInContacts(t *testing.T) {
	t.Parallel()
	for _, prefix := range []string{"", "hs_"} {
		t.Run(fmt.Sprintf("prefix %q", prefix), func(t *testing.T) {
			t.Parallel()
			f := newInsider(t, fakeinsider.Options{})
			cfg := baseConfig(f.URL, func(c map[string]any) {
				c["event_mappings"] = []any{map[string]any{"stream": importedContacts, "event_name": "contacts_imported"}}
			})
			in := []string{importedEvent(prefix + importedContacts), recordLine(prefix+"contacts", `{"id":"1","email":"a@example.com","firstname":"Ann"}`),
				stateLine(prefix+importedContacts, 1), stateLine(prefix+"contacts", 1)}
			r := runCmdCatalog(t, "write", cfg, catalogOf(prefix+importedContacts, prefix+"contacts"), in)
			if r.code != 0 {
				t.Fatalf("exit %d, traces %v", r.code, r.traces)
			}
			p, ok := f.FindByEmail("b@example.com")
			if !ok || len(p.Events) != 1 || p.Events[0].Name != "contacts_imported" || len(p.Attributes) != 0 {
				t.Errorf("the occurrence's contact in Insider: %+v, want one contacts_imported event and no attributes", p)
			}
			if p, ok := f.FindByEmail("a@example.com"); !ok || p.Attributes["name"] != "Ann" {
				t.Errorf("the contact in Insider: %+v", p)
			}
		})
	}
}

// TestWriteIgnoresAnEventStreamEndingInContactsMissingFromTheCatalog: records of a stream the
// configured catalog does not hold are ignored, also when the name ends in "contacts".
func TestWriteIgnoresAnEventStreamEndingInContactsMissingFromTheCatalog(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	in := []string{contact(1), importedEvent(importedContacts), stateLine("contacts", 1)}
	r := runCmdCatalog(t, "write", baseConfig(f.URL, nil), catalogOf("contacts"), in)
	if r.code != 0 {
		t.Fatalf("exit %d, traces %v", r.code, r.traces)
	}
	if _, ok := f.FindByEmail("b@example.com"); ok {
		t.Error("an occurrence of an event stream missing from the catalog became a profile")
	}
	if r.summary.Ignored != 1 {
		t.Errorf("ignored %d records, want 1", r.summary.Ignored)
	}
}

// TestWriteTakesOnePrefixForTheConnection: Airbyte puts one prefix before every stream of a
// connection, so next to contacts, a stream imported_contacts is not contacts under a prefix.
func TestWriteTakesOnePrefixForTheConnection(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	in := []string{contact(1), recordLine("imported_contacts", `{"id":"9","email":"c@example.com"}`), stateLine("contacts", 1)}
	r := runCmdCatalog(t, "write", baseConfig(f.URL, nil), catalogOf("contacts", "imported_contacts"), in)
	if r.code == 0 || len(r.traces) != 1 || !strings.Contains(r.traces[0]["error"].(map[string]any)["message"].(string), `"imported_contacts"`) {
		t.Fatalf("exit %d, traces %v: want a config error naming imported_contacts", r.code, r.traces)
	}
	if len(f.bodies()) != 0 {
		t.Errorf("sent %d requests, want none", len(f.bodies()))
	}
}
