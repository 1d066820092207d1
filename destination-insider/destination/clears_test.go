package destination

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// selectingCatalog is defaultCatalog whose contacts stream selects the properties named.
func selectingCatalog(props ...string) string {
	var b strings.Builder
	for i, p := range props {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `%q:{"type":["null","string"]}`, p)
	}
	contacts := `{"stream":{"name":"contacts","json_schema":{"type":"object","properties":{` + b.String() +
		`}},"supported_sync_modes":["incremental"]},"sync_mode":"incremental","destination_sync_mode":"append_dedup","primary_key":[["id"]]}`
	return `{"streams":[` + contacts + `]}`
}

func clearing(c map[string]any) { c["clear_empty_values"] = true }

func runClears(t *testing.T, cfg map[string]any, cat string, in ...string) cmdResult {
	t.Helper()
	r := runCmdCatalog(t, "write", cfg, cat, append(in, stateLine("contacts", 1)))
	if r.code != 0 || len(r.states) != 1 {
		t.Fatalf("exit %d, %d states, traces %v", r.code, len(r.states), r.traces)
	}
	return r
}

// TestClearEmptyValues: values cleared in HubSpot leave the profile (an attribute present and
// null or empty, or absent while the stream selects its field), a field the stream does not
// select stays, and so do fixed attributes and identifiers.
func TestClearEmptyValues(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	cat := selectingCatalog("id", "hs_object_id", "email", "firstname", "lifecyclestage")
	cfg := baseConfig(srv.URL, func(c map[string]any) {
		c["attribute_mappings"] = append(c["attribute_mappings"].([]any), map[string]any{"source_field": "city", "attribute": "city"})
	})
	full := func(id int) string {
		return recordLine("contacts", fmt.Sprintf(`{"id":"%d","hs_object_id":%d,"email":"u%d@x.com","firstname":"N","lifecyclestage":"lead","city":"Paris"}`, id, id, id))
	}
	runClears(t, cfg, cat, full(101), full(102), full(103))
	clearing(cfg)
	r := runClears(t, cfg, cat,
		recordLine("contacts", `{"id":"101","hs_object_id":101,"email":"u101@x.com","firstname":null,"lifecyclestage":""}`), // city not selected
		recordLine("contacts", `{"id":"102","hs_object_id":102,"email":"u102@x.com","firstname":"M"}`),                      // lifecyclestage absent, selected
		full(103))
	for uuid, want := range map[string]string{
		"101": "city=Paris crm_source=hubspot",
		"102": "city=Paris crm_source=hubspot name=M",
		"103": "city=Paris crm_source=hubspot lifecycle_stage=lead name=N",
	} {
		p, _ := srv.FindByUUID(uuid)
		if got := attrs(p); got != want {
			t.Errorf("profile %s: %s, want %s", uuid, got, want)
		}
	}
	if r.summary.Cleared != 2 || destStat(r.states[0], settle.StatCleared) != 2 || srv.RequestCount(fakeinsider.EndpointAttributeDelete) != 1 {
		t.Errorf("cleared %d, destinationStats %v, %d attribute-delete requests; want 2 contacts in 1 request",
			r.summary.Cleared, r.states[0]["destinationStats"], srv.RequestCount(fakeinsider.EndpointAttributeDelete))
	}
}

// TestClearsOfAContactWhoseEmailChanged: a contact whose email changed is upserted alone, after
// its re-key; its empty values are cleared after that upsert, and counted.
func TestClearsOfAContactWhoseEmailChanged(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	cat := selectingCatalog("id", "hs_object_id", "email", "firstname", "lifecyclestage")
	cfg := baseConfig(srv.URL, nil)
	runClears(t, cfg, cat, recordLine("contacts", `{"id":"301","hs_object_id":301,"email":"a@x.com","firstname":"N","lifecyclestage":"lead"}`))
	clearing(cfg)
	r := runClears(t, cfg, cat, recordLine("contacts",
		`{"id":"301","hs_object_id":301,"email":"b@x.com","firstname":null,"lifecyclestage":"lead","previous_values":{"email":"a@x.com"}}`))
	p, ok := srv.FindByUUID("301")
	if !ok || p.Identifiers.Email != "b@x.com" || attrs(p) != "crm_source=hubspot lifecycle_stage=lead" {
		t.Errorf("profile 301: found %v, email %q, %s; want b@x.com without name", ok, p.Identifiers.Email, attrs(p))
	}
	if r.summary.Rekeyed != 1 || r.summary.Cleared != 1 || destStat(r.states[0], settle.StatCleared) != 1 {
		t.Errorf("re-keyed %d, cleared %d, destinationStats %v; want 1 and 1", r.summary.Rekeyed, r.summary.Cleared, r.states[0]["destinationStats"])
	}
}

// attrs lists a profile's attributes as sorted name=value pairs (default and custom together).
func attrs(p fakeinsider.Profile) string {
	v := p.View()
	var out []string
	for k, x := range v.Attributes {
		if k != "email" && k != "uuid" {
			out = append(out, fmt.Sprintf("%s=%v", k, x))
		}
	}
	for k, x := range v.Custom {
		out = append(out, fmt.Sprintf("%s=%v", k, x))
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// TestClearOnlyRecord: a contact with nothing left to upsert (no fixed attribute, every mapped
// value empty) still has its values cleared, and its record is delivered, not rejected.
func TestClearOnlyRecord(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	cfg := baseConfig(srv.URL, func(c map[string]any) { delete(c, "fixed_attributes") })
	cat := selectingCatalog("id", "hs_object_id", "email", "firstname", "lifecyclestage")
	runClears(t, cfg, cat, hs(101, "a@x.com", `"lifecyclestage":"lead"`))
	clearing(cfg)
	r := runClears(t, cfg, cat, recordLine("contacts", `{"id":"101","hs_object_id":101,"email":"a@x.com","firstname":"","lifecyclestage":null}`))
	p, _ := srv.FindByUUID("101")
	if got := attrs(p); got != "" || r.summary.Cleared != 1 || r.summary.RejectedRecords() != 0 {
		t.Errorf("profile %q, cleared %d, rejected %v; want every value cleared and the record delivered", got, r.summary.Cleared, r.summary.Rejected)
	}
	if _, _, committed, _ := stateInfo(r.states[0]); committed != 1 {
		t.Errorf("state counts %d committed, want 1", committed)
	}
}

// TestClearsAreBatched: clears go in attribute-delete requests of at most batch_size users, one
// per upsert batch, and a request never holds a user whose upsert was rejected.
func TestClearsAreBatched(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	cfg := baseConfig(srv.URL, func(c map[string]any) { clearing(c); c["batch_size"] = 40 })
	var in []string
	for i := range 100 {
		in = append(in, recordLine("contacts", fmt.Sprintf(`{"id":"%d","hs_object_id":%d,"email":"u%d@x.com","firstname":"N","lifecyclestage":null}`, 200+i, 200+i, i)))
	}
	srv.RejectUserBytes(`"uuid":"210"`, "identifiers.uuid.rule", "refused for the test")
	r := runClears(t, cfg, defaultCatalog, in...)
	reqs := srv.Requests()
	var sizes []int
	for _, q := range reqs {
		if q.Endpoint == fakeinsider.EndpointAttributeDelete {
			sizes = append(sizes, q.Users)
		}
	}
	slices.Sort(sizes) // batches go concurrently
	if fmt.Sprint(sizes) != "[20 39 40]" || r.summary.Cleared != 99 || r.summary.Rejected[settle.ReasonInsider] != 1 {
		t.Errorf("attribute-delete request sizes %v, cleared %d, rejected %v; want [20 39 40], 99 and the refused upsert", sizes, r.summary.Cleared, r.summary.Rejected)
	}
}

// TestFailedClearHoldsTheRecordBack: a clear that fails for good holds its records back like a
// failed upsert: no state is echoed, and the rerun clears.
func TestFailedClearHoldsTheRecordBack(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	cfg := baseConfig(srv.URL, nil)
	mustRun(t, cfg, hs(101, "a@x.com", `"lifecyclestage":"lead"`))
	clearing(cfg)
	srv.FailNext(fakeinsider.EndpointAttributeDelete, 10, 503)
	rec := hs(101, "a@x.com", `"lifecyclestage":null`)
	r := runCmd(t, "write", cfg, []string{rec, stateLine("contacts", 1)})
	if r.code == 0 || len(r.states) != 0 || r.summary.HeldBack != 1 {
		t.Fatalf("exit %d, %d states, held back %d: want the record held back", r.code, len(r.states), r.summary.HeldBack)
	}
	srv.ClearFaults()
	mustRun(t, cfg, rec)
	if p, _ := srv.FindByUUID("101"); p.Custom()["lifecycle_stage"] != nil {
		t.Errorf("the rerun left lifecycle_stage: %v", p.Custom())
	}
}

// TestClearsOffByDefault: without clear_empty_values an empty value leaves the profile's value
// (other sources may write it) and no attribute delete is sent.
func TestClearsOffByDefault(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	cfg := baseConfig(srv.URL, nil)
	mustRun(t, cfg, hs(101, "a@x.com", `"lifecyclestage":"lead"`))
	mustRun(t, cfg, hs(101, "a@x.com", `"lifecyclestage":null`))
	if p, _ := srv.FindByUUID("101"); p.Custom()["lifecycle_stage"] != "lead" || srv.RequestCount(fakeinsider.EndpointAttributeDelete) != 0 {
		t.Errorf("lifecycle_stage %v, %d attribute deletes", p.Custom()["lifecycle_stage"], srv.RequestCount(fakeinsider.EndpointAttributeDelete))
	}
}
