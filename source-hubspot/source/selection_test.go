package source

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// runnerCatalog is a configured catalog of the contacts stream as airbyte-local-cli builds it
// (its overrideCatalog): json_schema {}, sync_mode incremental, no cursor_field, no primary_key.
const runnerCatalog = `{"streams":[{"stream":{"name":"contacts","json_schema":{},` +
	`"supported_sync_modes":["full_refresh","incremental"]},"sync_mode":"incremental","destination_sync_mode":"append"}]}`

// readRaw runs read with a catalog file of the given content and an optional raw state file.
func (e *env) readRaw(catalog string, state []byte) *result {
	args := []string{"read", "--config", e.writeFile("config.json", e.cfg), "--catalog", e.writeFile("catalog.json", catalog)}
	if state != nil {
		args = append(args, "--state", e.writeFile("state.json", state))
	}
	return e.run(args...)
}

// recordFields decodes every contacts record of a run.
func recordFields(t *testing.T, res *result) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range res.records("contacts") {
		var m map[string]any
		if err := json.Unmarshal(r, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// wantAllProperties fails unless every record holds the properties discover lists, typed, and
// none it leaves out.
func wantAllProperties(t *testing.T, recs []map[string]any) {
	t.Helper()
	if len(recs) == 0 {
		t.Fatal("no contacts records")
	}
	for _, m := range recs {
		for _, name := range []string{"email", "firstname", "lastmodifieddate", "hs_object_id", "num_employees", "is_vip", "birthday"} {
			if _, ok := m[name]; !ok {
				t.Fatalf("record %v lacks %s", m, name)
			}
		}
		if _, ok := m["num_employees"].(float64); !ok {
			t.Fatalf("num_employees %v is not a number", m["num_employees"])
		}
		if _, ok := m["is_vip"].(bool); !ok {
			t.Fatalf("is_vip %v is not a boolean", m["is_vip"])
		}
		if _, ok := m["hs_internal_thing"]; ok {
			t.Fatalf("record %v holds a property discover leaves out", m)
		}
	}
}

// TestEmptySchemaSelectsEveryProperty reads with the catalog airbyte-local-cli sends: every
// contact arrives with every discovered property (it used to arrive with only id, createdAt,
// updatedAt and archived), and the saved state, as that runner writes it, reads only changes.
func TestEmptySchemaSelectsEveryProperty(t *testing.T) {
	e := newEnv(t)
	e.fake.addContacts(1000, 30, t0.Add(-48*time.Hour))
	first := e.readRaw(runnerCatalog, []byte(`{}`))
	if first.code != 0 {
		t.Fatalf("exit %d: %v", first.code, first.traceErrors())
	}
	recs := recordFields(t, first)
	if len(recs) != 30 {
		t.Fatalf("%d records, want 30", len(recs))
	}
	wantAllProperties(t, recs)

	e.fake.touch(1004, t0.Add(time.Minute))
	e.clk.Set(t0.Add(time.Hour))
	second := e.readRaw(runnerCatalog, []byte(statesOf(first)))
	if second.code != 0 {
		t.Fatalf("second run exit %d: %v", second.code, second.traceErrors())
	}
	recs = recordFields(t, second)
	if len(recs) != 1 || recs[0]["id"] != "1004" {
		t.Fatalf("second run records %v, want only contact 1004", recs)
	}
	wantAllProperties(t, recs)
}

// TestSchemaWithoutPropertiesSelectsEverything: a json_schema with no properties object, or an
// empty one, selects everything, in every sync target and for archived contacts too.
func TestSchemaWithoutPropertiesSelectsEverything(t *testing.T) {
	for _, schema := range []string{`{}`, `{"type":"object"}`, `{"type":"object","properties":{}}`, `null`} {
		for _, target := range []string{"list_contacts", "get_contact", "archived"} {
			t.Run(schema+"/"+target, func(t *testing.T) {
				e := newEnv(t)
				e.fake.addContacts(1000, 5, t0.Add(-48*time.Hour))
				switch target {
				case "get_contact":
					e.cfg["sync_target"] = map[string]any{"mode": "get_contact", "contact_id": "1002"}
				case "archived":
					e.fake.archive(1003, t0.Add(-time.Hour))
				}
				cat := strings.Replace(runnerCatalog, `"json_schema":{}`, `"json_schema":`+schema, 1)
				res := e.readRaw(cat, nil)
				if res.code != 0 {
					t.Fatalf("exit %d: %v", res.code, res.traceErrors())
				}
				recs := recordFields(t, res)
				if target == "archived" {
					var kept []map[string]any
					for _, m := range recs {
						if m["archived"] == true {
							kept = append(kept, m)
						}
					}
					if len(kept) != 1 {
						t.Fatalf("%d archived records, want 1", len(kept))
					}
					recs = kept
				}
				wantAllProperties(t, recs)
			})
		}
	}
}

// TestCursorAndObjectIDAreAlwaysRead: a schema that lists neither the cursor nor hs_object_id
// still gets both, typed as discover types them; the other properties stay as selected.
func TestCursorAndObjectIDAreAlwaysRead(t *testing.T) {
	for _, schema := range []string{
		`{"type":"object","properties":{"email":{"type":["null","string"]}}}`,
		`{"type":"object","properties":{"id":{"type":"string"}}}`, // envelope fields only
	} {
		t.Run(schema, func(t *testing.T) {
			e := newEnv(t)
			e.fake.addContacts(1000, 3, t0.Add(-48*time.Hour))
			res := e.readRaw(strings.Replace(runnerCatalog, `"json_schema":{}`, `"json_schema":`+schema, 1), nil)
			if res.code != 0 {
				t.Fatalf("exit %d: %v", res.code, res.traceErrors())
			}
			recs := recordFields(t, res)
			if len(recs) != 3 {
				t.Fatalf("%d records, want 3", len(recs))
			}
			for _, m := range recs {
				if _, ok := m["lastmodifieddate"].(string); !ok {
					t.Errorf("record %v has no lastmodifieddate", m)
				}
				if _, ok := m["hs_object_id"].(float64); !ok {
					t.Errorf("record %v has no numeric hs_object_id", m)
				}
				if _, ok := m["firstname"]; ok {
					t.Errorf("record %v holds firstname, which the schema does not select", m)
				}
				_, hasEmail := m["email"]
				if want := strings.Contains(schema, "email"); hasEmail != want {
					t.Errorf("record %v: email present %v, want %v", m, hasEmail, want)
				}
			}
		})
	}
}

// TestEmptySchemaPropertiesAPIFailureFailsTheStream: when the properties cannot be listed, the
// stream fails with HubSpot's answer instead of reading contacts without their properties.
func TestEmptySchemaPropertiesAPIFailureFailsTheStream(t *testing.T) {
	e := newEnv(t)
	e.fake.addContacts(1000, 3, t0.Add(-48*time.Hour))
	e.fake.FailNext(fakehubspot.EndpointProperties, 1, 403)
	res := e.readRaw(runnerCatalog, nil)
	if res.code == 0 || len(res.records("contacts")) != 0 || len(res.traceErrors()) != 1 {
		t.Fatalf("exit %d, %d records, errors %v; want a failed stream and no record", res.code,
			len(res.records("contacts")), res.traceErrors())
	}
	if st := res.states("contacts"); len(st) != 0 {
		t.Fatalf("states %s after a failed stream", st)
	}
}
