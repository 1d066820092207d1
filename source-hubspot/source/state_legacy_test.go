package source

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestStateFileForms reads with each form of --state the docs promise, and refuses JSON that
// is no state of this source with a config_error naming --state instead of a full resync.
func TestStateFileForms(t *testing.T) {
	wm := `"lastmodifieddate":"2026-03-01T10:00:00Z"`
	for _, tc := range []struct {
		name  string
		state *string // nil: no --state flag
		from  string  // "watermark": only the contacts changed after it; "all": every contact
	}{
		{"absent", nil, "all"},
		{"empty", ptr(""), "all"},
		{"null", ptr("null"), "all"},
		{"empty object", ptr("{}"), "all"},
		{"empty array", ptr("[]"), "all"},
		{"stream states", ptr(`[{"type":"STREAM","stream":{"stream_descriptor":{"name":"contacts"},"stream_state":{` + wm + `}}}]`), "watermark"},
		{"global state", ptr(`[{"type":"GLOBAL","global":{"shared_state":{},"stream_states":[{"stream_descriptor":{"name":"contacts"},"stream_state":{` + wm + `}}]}}]`), "watermark"},
		{"legacy message", ptr(`[{"type":"LEGACY","data":{"contacts":{` + wm + `}}}]`), "watermark"},
		{"bare legacy cursor", ptr(`{` + wm + `}`), "watermark"},
		{"Airbyte's HubSpot updatedAt", ptr(`{"updatedAt":"2026-03-01T10:00:00Z"}`), "watermark"},
		{"legacy keyed by stream beside other sources' streams", ptr(`{"companies":{"updatedAt":1},"contacts":{` + wm + `}}`), "watermark"},
		{"not a state", ptr(`{"foo": 1}`), ""},
		{"not a state in a legacy message", ptr(`[{"type":"LEGACY","data":{"foo":1}}]`), ""},
		{"another source's streams only", ptr(`{"companies":{"updatedAt":"2026-03-01T10:00:00Z"}}`), ""},
		{"not JSON", ptr(`lastmodifieddate=2026`), ""},
		{"a string", ptr(`"2026-03-01T10:00:00Z"`), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.fake.addContacts(1, 5, t0.Add(-5*time.Hour))
			e.fake.addContacts(100, 7, t0.Add(-time.Hour))
			var state []byte
			if tc.state != nil {
				state = []byte(*tc.state)
			}
			res := e.readRaw(runnerCatalog, state)
			switch tc.from {
			case "all":
				if res.code != 0 {
					t.Fatalf("exit %d: %v", res.code, res.traceErrors())
				}
				checkExactlyOnce(t, ids(t, res.records("contacts")), union(wantIDs(1, 5), wantIDs(100, 7)))
			case "watermark":
				if res.code != 0 {
					t.Fatalf("exit %d: %v", res.code, res.traceErrors())
				}
				checkExactlyOnce(t, ids(t, res.records("contacts")), wantIDs(100, 7))
			default:
				errs := res.traceErrors()
				if res.code == 0 || len(errs) != 1 || errs[0].Trace.Error.FailureType != "config_error" ||
					!strings.Contains(errs[0].Trace.Error.Message, "--state ") || len(res.records("contacts")) != 0 {
					t.Fatalf("exit %d, errors %+v, %d records; want one config_error naming --state and nothing read",
						res.code, errs, len(res.records("contacts")))
				}
				if n := e.fake.callCount(pathSearch) + e.fake.callCount(pathList); n != 0 {
					t.Fatalf("%d calls to HubSpot before the state was refused", n)
				}
			}
		})
	}
}

func ptr(s string) *string { return &s }

func FuzzCheckLegacyState(f *testing.F) {
	f.Add(`{"foo":1}`)
	f.Add(`{"contacts":{"lastmodifieddate":"x"}}`)
	f.Add(`{"updatedAt":1}`)
	f.Add(`[1]`)
	f.Fuzz(func(t *testing.T, in string) {
		err := New().CheckLegacyState(json.RawMessage(in))
		var obj map[string]json.RawMessage
		if err == nil && json.Unmarshal([]byte(in), &obj) != nil {
			t.Fatalf("accepted %q, which is not an object", in)
		}
	})
}
