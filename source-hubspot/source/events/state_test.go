package events

import (
	"encoding/json"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func FuzzParseState(f *testing.F) {
	f.Add(`{"occurredAt":"2026-01-02T03:04:05.678Z"}`)
	f.Add(`{"occurredAt":"x"}`)
	f.Fuzz(func(t *testing.T, raw string) {
		s, err := ParseState(json.RawMessage(raw))
		if err != nil {
			return
		}
		b, _ := json.Marshal(s)
		if _, err := ParseState(b); err != nil {
			t.Fatalf("re-parse of %s: %v", b, err)
		}
	})
}
