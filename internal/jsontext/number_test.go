package jsontext_test

import (
	"encoding/json"
	"testing"

	"github.com/insider-hubspot/connectors/internal/jsontext"
)

func FuzzIsNumber(f *testing.F) {
	for _, s := range []string{"", "0", "-0", "01", "1.", ".5", "+1", "1e", "1e+", "1E-7", "-12.50e3", "1a", " 7", "1e400", "-", "0x10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// A JSON text that starts like a number and has no surrounding space is a number literal.
		want := json.Valid([]byte(s)) && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) && isTrimmed(s)
		if got := jsontext.IsNumber(s); got != want {
			t.Fatalf("IsNumber(%q) = %v, encoding/json says %v", s, got, want)
		}
		if got := jsontext.IsNumber([]byte(s)); got != want {
			t.Fatalf("IsNumber([]byte(%q)) = %v, want %v", s, got, want)
		}
		if end := jsontext.NumberEnd("x"+s+"]", 1); want && end != len(s)+1 {
			t.Fatalf("NumberEnd in context of %q = %d, want %d", s, end, len(s)+1)
		}
	})
}

// isTrimmed reports whether s has no surrounding JSON whitespace, which json.Valid allows.
func isTrimmed(s string) bool {
	ws := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	return !ws(s[0]) && !ws(s[len(s)-1])
}
