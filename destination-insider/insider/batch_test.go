package insider

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBatch(t *testing.T) {
	t.Parallel()
	b := NewBatch(false)
	if got, want := string(b.Body()), `{"skip_hook":false,"users":[]}`; got != want {
		t.Errorf("empty body = %s, want %s", got, want)
	}
	users := []string{`{"a":1}`, `{"b":[1,2]}`, `{"c":{"d":"]}"}}`}
	for _, u := range users {
		want := b.SizeWith(len(u))
		b.Add([]byte(u))
		if b.Size() != want {
			t.Errorf("after adding %s: Size = %d, SizeWith predicted %d", u, b.Size(), want)
		}
		if got := len(b.Body()); got != b.Size() {
			t.Errorf("len(Body) = %d, Size = %d", got, b.Size())
		}
	}
	var req struct {
		SkipHook bool              `json:"skip_hook"`
		Users    []json.RawMessage `json:"users"`
	}
	if err := json.Unmarshal(b.Body(), &req); err != nil {
		t.Fatalf("body %s is not JSON: %v", b.Body(), err)
	}
	var got []string
	for i := range b.Len() {
		got = append(got, string(b.User(i)))
	}
	if diff := cmp.Diff(users, got); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	s := b.slice(1, 3)
	if want := `{"skip_hook":false,"users":[{"b":[1,2]},{"c":{"d":"]}"}}]}`; string(s.Body()) != want {
		t.Errorf("slice body = %s, want %s", s.Body(), want)
	}
	b.Reset(true)
	b.Add([]byte(`{"x":true}`))
	if want := `{"skip_hook":true,"users":[{"x":true}]}`; string(b.Body()) != want {
		t.Errorf("after Reset body = %s, want %s", b.Body(), want)
	}
}
