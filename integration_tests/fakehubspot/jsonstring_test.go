package fakehubspot

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `say "hi"`, `back\slash`, "tab\tnew\nline\x00", "Zoë 東京", "<a&b>", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendJSONString([]byte("x"), s)
		if b[0] != 'x' {
			t.Fatalf("appendJSONString overwrote what b held: %q", b)
		}
		var got string
		if err := json.Unmarshal(b[1:], &got); err != nil {
			t.Fatalf("appendJSONString(%q) = %s, not a JSON string: %v", s, b[1:], err)
		}
		if utf8.ValidString(s) && got != s {
			t.Fatalf("appendJSONString(%q) decodes to %q", s, got)
		}
	})
}
