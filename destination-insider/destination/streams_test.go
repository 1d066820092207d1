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
