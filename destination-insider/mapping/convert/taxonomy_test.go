package convert

import "testing"

// TestArrayAttributeValues: an array attribute (taxonomy) takes a JSON array as it is and
// another value as a one-element array; an object, or a value that cannot be sent at all, is
// refused with nothing appended.
func TestArrayAttributeValues(t *testing.T) {
	t.Parallel()
	c := &Rules{}
	for raw, want := range map[string]string{
		`["shoes","bags"]`: `["shoes","bags"]`,
		`[]`:               `[]`,
		`"shoes"`:          `["shoes"]`,
		`42`:               `[42]`,
		`true`:             `[true]`,
		`{"a":1}`:          "",
		`1e400`:            "",
	} {
		out, ok := c.Append([]byte("x"), Value{Raw: []byte(raw)}, Array)
		switch {
		case want == "" && (ok || string(out) != "x"):
			t.Errorf("%s sent as %s, want it refused with nothing appended", raw, out)
		case want != "" && (!ok || string(out) != "x"+want):
			t.Errorf("%s sent as %s (%v), want x%s", raw, out, ok, want)
		}
	}
}
