package mapping

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/protocol"
)

// mappedPeopleAndClicks is a mapper for two streams Airbyte maps, matched on email: people onto
// Insider's user object and clicks onto its event object.
func mappedPeopleAndClicks(t *testing.T, opts ...Option) *Mapper {
	t.Helper()
	cfg := &Config{}
	cfg.ApplyDefaults()
	cat := &protocol.ConfiguredCatalog{Streams: []protocol.ConfiguredStream{
		{Stream: protocol.Stream{Name: "people"}, DestinationObjectName: ObjectUser, PrimaryKey: [][]string{{"email"}}},
		{Stream: protocol.Stream{Name: "clicks"}, DestinationObjectName: ObjectEvent, PrimaryKey: [][]string{{"email"}}},
	}}
	return newMapper(cfg, cat, opts...)
}

// TestMappedStreamCustomValuesTakeDeclaredTypes: on a stream Airbyte maps, a custom attribute
// Insider's metadata declares is converted to its declared type, as it is for a configured
// mapping; a value that cannot be is left out and counted by name; event parameters and
// undeclared attributes go as they come.
func TestMappedStreamCustomValuesTakeDeclaredTypes(t *testing.T) {
	t.Parallel()
	m := mappedPeopleAndClicks(t, WithTypes(testTypes))

	res := mapData(m, "people", []byte(`{"email":"a@b.co","score":"7.5","vip":"yes","lifecycle_stage":12,
		"since":"not a date","tags":"x","other":"7","custom":{"extra":"1"}}`), nil)
	if res.User == nil {
		t.Fatalf("rejected: %s (%s)", res.Reason, res.Detail)
	}
	var got struct {
		Attributes struct {
			Custom map[string]any `json:"custom"`
		} `json:"attributes"`
	}
	if err := json.Unmarshal(res.User, &got); err != nil {
		t.Fatalf("%s: %v", res.User, err)
	}
	want := map[string]any{"score": 7.5, "vip": true, "lifecycle_stage": "12", "tags": []any{"x"}, "other": "7", "extra": "1"}
	if d := cmp.Diff(want, got.Attributes.Custom); d != "" {
		t.Errorf("custom attributes (-want +got):\n%s\nuser %s", d, res.User)
	}
	if res.Dropped != 1 || m.droppedBy["since"] != 1 {
		t.Errorf("dropped %d, by name %v; want the date attribute since given no date, counted once", res.Dropped, m.droppedBy)
	}

	ev := mapData(m, "clicks", []byte(`{"email":"a@b.co","event_name":"click","timestamp":"2026-01-02T03:04:05Z","score":"abc"}`), nil)
	if ev.User == nil {
		t.Fatalf("event rejected: %s (%s)", ev.Reason, ev.Detail)
	}
	var gotEv struct {
		Events []struct {
			Params struct {
				Custom map[string]any `json:"custom"`
			} `json:"event_params"`
		} `json:"events"`
	}
	if err := json.Unmarshal(ev.User, &gotEv); err != nil || len(gotEv.Events) != 1 {
		t.Fatalf("%s: %v", ev.User, err)
	}
	if s := gotEv.Events[0].Params.Custom["score"]; s != "abc" {
		t.Errorf("event parameter score = %v, want it as it came (parameters are not attribute-typed)", s)
	}
}

// TestMappedStreamCustomMemberWinsOverTopLevelField: a record of a stream Airbyte maps that has
// both a top-level field and a member of its "custom" object with one name sends that name once
// under custom, with the custom member's value (which of two equal keys Insider keeps is not
// documented), unless the member is absent (null); a default attribute and a custom one of the
// same name are different keys and both go.
func TestMappedStreamCustomMemberWinsOverTopLevelField(t *testing.T) {
	t.Parallel()
	m := mappedPeopleAndClicks(t)
	for _, tc := range []struct {
		stream, data, object string
		want                 map[string]any
	}{
		{"people", `{"email":"a@b.co","tier":"top","name":"Ann","custom":{"tier":"gold","name":"nick"},"after":"x"}`, "attributes",
			map[string]any{"name": "Ann", "custom": map[string]any{"tier": "gold", "name": "nick", "after": "x"}}},
		{"people", `{"email":"a@b.co","custom":{"tier":"gold"},"tier":"top"}`, "attributes",
			map[string]any{"custom": map[string]any{"tier": "gold"}}},
		{"people", `{"email":"a@b.co","tier":"top","custom":{"tier":null}}`, "attributes",
			map[string]any{"custom": map[string]any{"tier": "top"}}},
		{"clicks", `{"email":"a@b.co","event_name":"click","timestamp":"2026-01-02T03:04:05Z","plan":"a","custom":{"plan":"b"}}`, "event_params",
			map[string]any{"custom": map[string]any{"plan": "b"}}},
	} {
		res := mapData(m, tc.stream, []byte(tc.data), nil)
		if res.User == nil {
			t.Fatalf("%s: rejected: %s (%s)", tc.data, res.Reason, res.Detail)
		}
		if n := strings.Count(string(res.User), `"tier"`) + strings.Count(string(res.User), `"plan"`); n != 1 {
			t.Errorf("%s: the name goes %d times, want once: %s", tc.data, n, res.User)
		}
		var got map[string]any
		if err := json.Unmarshal(res.User, &got); err != nil {
			t.Fatalf("%s: %v", res.User, err)
		}
		obj := got[tc.object]
		if tc.object == "event_params" {
			obj = got["events"].([]any)[0].(map[string]any)["event_params"]
		}
		if d := cmp.Diff(tc.want, obj); d != "" {
			t.Errorf("%s: %s (-want +got):\n%s", tc.data, tc.object, d)
		}
	}
}
