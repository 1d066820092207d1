package jsontext_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/insider-hubspot/connectors/internal/jsontext"
)

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `q"b\s`, "tab\tnl\nret\r", "\x00\x1f", "ünicode ✓", "bad \xff\xfe utf8", "<&>", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := jsontext.AppendString([]byte("x"), s)
		if !strings.HasPrefix(string(got), "x") {
			t.Fatal("dst prefix lost")
		}
		var back string
		if err := json.Unmarshal(got[1:], &back); err != nil {
			t.Fatalf("not a JSON string: %q: %v", got[1:], err)
		}
		want := strings.ToValidUTF8(s, string(utf8.RuneError))
		if !utf8.ValidString(s) {
			// encoding/json replaces each invalid byte; compare with its decoding of its own encoding.
			enc, _ := json.Marshal(s)
			_ = json.Unmarshal(enc, &want)
		}
		if back != want {
			t.Fatalf("round trip of %q = %q, want %q", s, back, want)
		}
		if b := jsontext.AppendString(nil, []byte(s)); string(b) != string(got[1:]) {
			t.Fatalf("[]byte and string forms differ: %q vs %q", b, got[1:])
		}
	})
}

func BenchmarkAppendString(b *testing.B) {
	s := "Jane O'Neil <jane.oneil@example.com> — Müller & Co, \"quoted\""
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = jsontext.AppendString(buf[:0], s)
	}
}
