package mapping

import (
	"encoding/json"
	"testing"

	"github.com/insider-hubspot/connectors/protocol"
)

// parseConfig decodes the mapping keys of a config, fills in their defaults and fails tb when
// they have problems.
func parseConfig(tb testing.TB, raw string) *Config {
	tb.Helper()
	var c Config
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		tb.Fatal(err)
	}
	c.ApplyDefaults()
	if p := c.Problems(); len(p) > 0 {
		tb.Fatalf("config problems: %v", p)
	}
	return &c
}

// FuzzMapObject: any record data of a stream mapped by Airbyte maps without panicking, to a
// user that is valid JSON, or to a rejection.
func FuzzMapObject(f *testing.F) {
	f.Add([]byte(`{"email":"a@b.co","name":"x","vip":"true","custom":{"a":1,"b":[1,2]}}`), false)
	f.Add([]byte(`{"uuid":"1","crm_id":7,"event_name":"Sign Up","timestamp":"2026-01-02T03:04:05Z","url":"u","\u0061ge":"3"}`), true)
	f.Add([]byte(`{"email":"a@b.co","custom":"x","name":null}`), false)
	cfg := parseConfig(f, `{"phone":{"default_region":"US"},
		"fixed_attributes":[{"attribute":"crm_source","value":"hubspot"}],"fixed_event_parameters":[{"parameter":"source","value":"x"}]}`)
	userStream := &protocol.ConfiguredCatalog{Streams: []protocol.ConfiguredStream{{Stream: protocol.Stream{Name: "s"},
		DestinationObjectName: ObjectUser, PrimaryKey: [][]string{{"email"}, {"crm_id"}}}}}
	eventStream := &protocol.ConfiguredCatalog{Streams: []protocol.ConfiguredStream{{Stream: protocol.Stream{Name: "s"},
		DestinationObjectName: ObjectEvent, PrimaryKey: [][]string{{"crm_id"}}}}}
	f.Fuzz(func(t *testing.T, data []byte, event bool) {
		if !json.Valid(data) {
			return // protocol.Reader hands Write only valid JSON
		}
		cs := userStream
		if event {
			cs = eventStream
		}
		m := newMapper(cfg, cs)
		res := mapData(m, "s", data, nil)
		if res.User == nil {
			if res.Reason == "" {
				t.Fatalf("no user and no reason for %q", data)
			}
			return
		}
		if !json.Valid(res.User) {
			t.Fatalf("invalid JSON %s for %q", res.User, data)
		}
	})
}
