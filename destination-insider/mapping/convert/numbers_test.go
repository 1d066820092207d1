package convert

import (
	"strings"
	"testing"
	"time"
)

// TestNumbersBeyondADoubleAreDropped: 1e400 is valid JSON but no double holds it, so it is
// refused (the value is dropped and counted) rather than sent as a number Insider cannot read.
func TestNumbersBeyondADoubleAreDropped(t *testing.T) {
	t.Parallel()
	c := &Rules{}
	for _, raw := range []string{`1e400`, `-1E+400`, `"1e400"`} {
		if out, ok := c.Append(nil, Value{Raw: []byte(raw)}, Number); ok {
			t.Errorf("number %s sent as %s", raw, out)
		}
	}
	if out, ok := c.appendAny(nil, Value{Raw: []byte(`1e400`)}); ok {
		t.Errorf("custom value 1e400 sent as %s", out)
	}
	if out, ok := appendNumberList(nil, Value{Raw: []byte(`[1,1e400]`)}); ok {
		t.Errorf("list with 1e400 sent as %s", out)
	}
	long := "1" + strings.Repeat("0", 307)
	if out, ok := c.Append(nil, Value{Raw: []byte(long)}, Number); !ok || string(out) != long {
		t.Errorf("1e307 written out = %s, %v; want it kept", out, ok)
	}
	if out, ok := c.appendAny(nil, Value{Raw: []byte(`12345678901234567890123`)}); !ok || string(out) != `12345678901234567890123` {
		t.Errorf("big integer = %s, %v; want it kept exact", out, ok)
	}
}

// TestEpochDatesFollowTheSharedRule: seconds are seconds, HubSpot's milliseconds are
// milliseconds, including a HubSpot date (midnight in milliseconds) before 1973.
func TestEpochDatesFollowTheSharedRule(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		`1726061259`:      "2024-09-11T13:27:39Z",
		`"1726061259"`:    "2024-09-11T13:27:39Z",
		`1726061259356`:   "2024-09-11T13:27:39Z",
		`44582400000`:     "1971-06-01T00:00:00Z",
		`"1726061259.75"`: "2024-09-11T13:27:39Z",
	} {
		got, ok := ParseDate(Value{Raw: []byte(raw)})
		if !ok || got.Format(time.RFC3339) != want {
			t.Errorf("ParseDate(%s) = %v, %v; want %s", raw, got, ok, want)
		}
	}
}
