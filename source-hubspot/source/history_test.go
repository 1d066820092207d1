package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source/history"
	"github.com/insider-hubspot/connectors/source-hubspot/source/journal"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// previousValues returns the previous_values of every contacts record of a run, by id (nil for a
// record without them), failing on a record delivered twice.
func previousValues(t *testing.T, res *result) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, r := range res.records("contacts") {
		var v struct {
			ID   string            `json:"id"`
			Prev map[string]string `json:"previous_values"`
		}
		if err := json.Unmarshal(r, &v); err != nil {
			t.Fatal(err)
		}
		if _, dup := out[v.ID]; dup {
			t.Fatalf("contact %s delivered twice", v.ID)
		}
		out[v.ID] = v.Prev
	}
	return out
}

// historyReads returns the batch reads of a run that asked for property history, with their
// input counts.
func historyReads(t *testing.T, f *hubFake) []int {
	t.Helper()
	var out []int
	for _, r := range f.RequestsTo(fakehubspot.EndpointBatchRead) {
		var body struct {
			History []string `json:"propertiesWithHistory"`
			Inputs  []any    `json:"inputs"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		if len(body.History) > 0 {
			out = append(out, len(body.Inputs))
		}
	}
	return out
}

// identityWorld is a portal after a first sync: contacts 1 to 10, each with an email and a
// phone since two days ago, and the first sync's state.
func identityWorld(t *testing.T) (*env, *protocol.ConfiguredCatalog, json.RawMessage) {
	e := newEnv(t)
	e.fake.addContacts(1, 10, t0.Add(-48*time.Hour))
	for id := int64(1); id <= 10; id++ {
		e.fake.must(e.fake.ChangePhone(id, t0.Add(-47*time.Hour), fmt.Sprintf("+1555000%04d", id)))
	}
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	first := e.read(cat, nil)
	if first.code != 0 {
		t.Fatalf("first sync: exit %d: %v", first.code, first.traceErrors())
	}
	for id, prev := range previousValues(t, first) {
		if prev != nil {
			t.Errorf("first sync: contact %s has previous_values %v; a first sync has no window start", id, prev)
		}
	}
	if n := historyReads(t, e.fake); len(n) != 0 {
		t.Errorf("first sync read property history %d times", len(n))
	}
	return e, cat, first.lastState(t, "contacts")
}

func TestPreviousValuesOfIdentityChanges(t *testing.T) {
	e, cat, state := identityWorld(t)
	at := t0.Add(10 * time.Minute)
	f := e.fake
	f.must(f.ChangeEmail(1, at, "new1@example.com"))
	f.must(f.ChangeEmail(2, at, "b2@example.com"))
	f.must(f.ChangeEmail(2, at.Add(time.Minute), "x2@example.com")) // two changes: a -> b -> c
	f.must(f.ClearProperties(3, at, "phone"))
	f.must(f.ChangePhone(4, at, "+15559999999"))
	f.must(f.UpdateContact(5, at, map[string]string{"firstname": "Renamed"}))
	f.must(f.ChangeEmail(6, at, "tmp6@example.com"))
	f.must(f.ChangeEmail(6, at.Add(time.Minute), "c6@example.com")) // and back
	f.AddContacts(fakehubspot.Contact{ID: 11, CreatedAt: at, UpdatedAt: at,
		Properties: map[string]string{"email": "c11@example.com", "phone": "+15550000011"}})
	f.must(f.ChangeEmail(11, at.Add(time.Minute), "new11@example.com")) // created inside the window
	f.ResetStats()

	e.clk.Set(t0.Add(time.Hour))
	res := e.read(cat, state)
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	got := previousValues(t, res)
	want := map[string]map[string]string{
		"1":  {"email": "c1@example.com"},
		"2":  {"email": "c2@example.com"},
		"3":  {"phone": "+15550000003"},
		"4":  {"phone": "+15550000004"},
		"5":  nil,
		"6":  nil,
		"11": nil,
	}
	if len(got) != len(want) {
		t.Errorf("records %v, want contacts 1-6 and 11", got)
	}
	for id, w := range want {
		if g, ok := got[id]; !ok || fmt.Sprint(g) != fmt.Sprint(w) {
			t.Errorf("contact %s: previous_values %v, want %v", id, g, w)
		}
	}
	// Contacts 1 to 6 existed before the window: one history read; 11 was created inside it.
	if n := historyReads(t, f); len(n) != 1 || n[0] != 6 {
		t.Errorf("history reads with inputs %v, want one of 6", n)
	}
	// A cleared phone is "" in the record, and its old value in previous_values.
	for _, r := range res.records("contacts") {
		if strings.Contains(string(r), `"id":"3"`) && !strings.Contains(string(r), `"phone":""`) {
			t.Errorf("contact 3's record %s does not carry the cleared phone", r)
		}
	}
	// The records validate against the discovered schema, which declares previous_values.
	validateContacts(t, cat, res)
}

// validateContacts validates every contacts record against the configured json_schema, with
// previous_values and deleted_permanently declared in it.
func validateContacts(t *testing.T, cat *protocol.ConfiguredCatalog, res *result) {
	t.Helper()
	var schema []byte
	for _, cs := range cat.Streams {
		if cs.Stream.Name == stream.Contacts {
			schema = cs.Stream.JSONSchema
		}
	}
	var decl struct {
		Properties map[string]struct {
			Type json.RawMessage `json:"type"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(schema, &decl); err != nil {
		t.Fatal(err)
	}
	for name, typ := range map[string]string{history.Field: "object", journal.DeletedPermanentlyField: "boolean"} {
		if p, ok := decl.Properties[name]; !ok || string(p.Type) != `["null","`+typ+`"]` {
			t.Errorf("the contacts schema declares %s as %s, want an optional %s", name, p.Type, typ)
		}
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	if err := c.AddResource("contacts.json", bytes.NewReader(schema)); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("contacts.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.records(stream.Contacts) {
		var v any
		if err := json.Unmarshal(r, &v); err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("record %s does not match the contacts schema: %v", r, err)
		}
	}
}

// Many changed contacts: at most 50 per history read, and only the ones that existed before the
// window.
func TestPreviousValuesReadInBatchesOf50(t *testing.T) {
	e, cat, state := identityWorld(t)
	e.fake.addContacts(100, 120, t0.Add(-48*time.Hour)) // after the first sync, but created before the window
	for id := int64(100); id < 220; id++ {
		e.fake.must(e.fake.ChangeEmail(id, t0.Add(10*time.Minute), fmt.Sprintf("moved%d@example.com", id)))
	}
	e.fake.ResetStats()
	e.clk.Set(t0.Add(time.Hour))
	res := e.read(cat, state)
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	got := previousValues(t, res)
	for id := 100; id < 220; id++ {
		if p := got[fmt.Sprint(id)]; p["email"] != fmt.Sprintf("c%d@example.com", id) {
			t.Fatalf("contact %d: previous_values %v", id, p)
		}
	}
	if n := historyReads(t, e.fake); fmt.Sprint(n) != "[50 50 20]" {
		t.Errorf("history reads with inputs %v, want [50 50 20] (120 contacts of one search page)", n)
	}
}

func TestPreviousValuesOff(t *testing.T) {
	e, cat, state := identityWorld(t)
	e.cfg["identity_properties"] = []string{}
	e.fake.must(e.fake.ChangeEmail(1, t0.Add(10*time.Minute), "new1@example.com"))
	e.clk.Set(t0.Add(time.Hour))
	res := e.read(cat, state)
	if got := previousValues(t, res); len(got) != 1 || got["1"] != nil {
		t.Errorf("records %v, want contact 1 without previous_values", got)
	}
	if n := historyReads(t, e.fake); len(n) != 0 {
		t.Errorf("identity_properties [] still read history: %v", n)
	}
}

// A catalog whose json_schema selects nothing (every property, as airbyte-local-cli sends it)
// gets previous_values too, and a configured identity property the stream does not select is not
// compared.
func TestPreviousValuesWithEmptyJSONSchema(t *testing.T) {
	e, _, state := identityWorld(t)
	e.cfg["identity_properties"] = []string{"phone", "email", "mobilephone", "not_a_property"}
	e.fake.must(e.fake.ChangeEmail(1, t0.Add(10*time.Minute), "new1@example.com"))
	e.fake.must(e.fake.ChangePhone(1, t0.Add(10*time.Minute), "+15551111111"))
	e.clk.Set(t0.Add(time.Hour))
	res := e.readRaw(runnerCatalog, streamStateFile("contacts", state))
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	var rec string
	for _, r := range res.records("contacts") {
		rec = string(r)
	}
	if !strings.Contains(rec, `"previous_values":{"phone":"+15550000001","email":"c1@example.com"}`) {
		t.Errorf("record %s lacks previous_values in identity_properties order", rec)
	}
}
