package protocol_test

import (
	"testing"

	"github.com/insider-hubspot/connectors/protocol"
)

func TestParseStateNoState(t *testing.T) {
	for _, in := range []string{"", "  \n", "null", "{}", "[]"} {
		s, err := protocol.ParseState([]byte(in))
		if err != nil {
			t.Errorf("ParseState(%q): %v", in, err)
			continue
		}
		if !s.Empty() {
			t.Errorf("ParseState(%q) is not empty", in)
		}
	}
}

func TestParseStateForms(t *testing.T) {
	for _, tc := range []struct {
		name, in, stream, want, legacy string
	}{
		{"stream array", `[{"type":"STREAM","stream":{"stream_descriptor":{"name":"contacts"},"stream_state":{"lastmodifieddate":"2026-01-01T00:00:00Z"}},"destinationStats":{"recordCount":3.0}}]`,
			"contacts", `{"lastmodifieddate":"2026-01-01T00:00:00Z"}`, ""},
		{"wrapped messages", `[{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"contacts"},"stream_state":{"a":1}}}}]`,
			"contacts", `{"a":1}`, ""},
		{"latest wins", `[{"type":"STREAM","stream":{"stream_descriptor":{"name":"c"},"stream_state":{"a":1}}},{"type":"STREAM","stream":{"stream_descriptor":{"name":"c"},"stream_state":{"a":2}}}]`,
			"c", `{"a":2}`, ""},
		{"global", `[{"type":"GLOBAL","global":{"shared_state":{},"stream_states":[{"stream_descriptor":{"name":"c"},"stream_state":{"x":"y"}}]}}]`,
			"c", `{"x":"y"}`, ""},
		{"legacy message", `[{"type":"LEGACY","data":{"contacts":{"updatedAt":"2024-01-01T00:00:00Z"}}}]`,
			"contacts", "", `{"contacts":{"updatedAt":"2024-01-01T00:00:00Z"}}`},
		{"bare legacy object", `{"lastmodifieddate":"2024-01-01T00:00:00Z"}`,
			"contacts", "", `{"lastmodifieddate":"2024-01-01T00:00:00Z"}`},
		{"reset stream", `[{"type":"STREAM","stream":{"stream_descriptor":{"name":"c"},"stream_state":{"a":1}}},{"type":"STREAM","stream":{"stream_descriptor":{"name":"c"},"stream_state":null}}]`,
			"c", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := protocol.ParseState([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(s.Stream(tc.stream)); got != tc.want {
				t.Errorf("Stream(%q) = %s, want %s", tc.stream, got, tc.want)
			}
			if got := string(s.Legacy()); got != tc.legacy {
				t.Errorf("Legacy() = %s, want %s", got, tc.legacy)
			}
		})
	}
}

func TestParseStateGarbage(t *testing.T) {
	for _, in := range []string{"garbage", `"a string"`, "42", `[1,2]`, `[{"type":"STREAM"}]`,
		`[{"type":"STREAM","stream":{"stream_descriptor":{}}}]`, `{"type":"STREAM"`, `[{"type":"LEGACY","data":[1]}]`} {
		if _, err := protocol.ParseState([]byte(in)); err == nil {
			t.Errorf("ParseState(%q) = nil error, want one", in)
		}
	}
}

func FuzzParseState(f *testing.F) {
	f.Add(`[{"type":"STREAM","stream":{"stream_descriptor":{"name":"contacts"},"stream_state":{"a":1}}}]`)
	f.Add(`{"updatedAt":"x"}`)
	f.Add(`[{"type":"GLOBAL","global":{"stream_states":[]}}]`)
	f.Add(`null`)
	f.Fuzz(func(t *testing.T, in string) {
		s, err := protocol.ParseState([]byte(in))
		if err == nil && s == nil {
			t.Error("nil state without an error")
		}
	})
}
