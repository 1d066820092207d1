package jsontext_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"testing"
	"unicode/utf8"

	"github.com/insider-hubspot/connectors/internal/jsontext"
)

var (
	escapedBackslash = regexp.MustCompile(`\\\\`)
	surrogatePair    = regexp.MustCompile(`\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}`)
	surrogateHalf    = regexp.MustCompile(`\\u[dD][89a-fA-F][0-9a-fA-F]{2}`)
)

// strictlyValid is an independent check of valid Unicode JSON text: valid UTF-8 and no \u
// escape of a surrogate outside a pair.
func strictlyValid(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	b = escapedBackslash.ReplaceAll(b, []byte("__"))
	b = surrogatePair.ReplaceAll(b, []byte("__"))
	return !surrogateHalf.Match(b)
}

func TestAppendValidUnicode(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"a":"plain","n":[1,2.5,true,null]}`, `{"a":"plain","n":[1,2.5,true,null]}`},
		{"\"bad \xff byte\"", `"bad ` + "\ufffd" + ` byte"`},
		{`{"k":"lone \ud800 high","p":"pair \ud83d\ude00"}`, `{"k":"lone ` + "\ufffd" + ` high","p":"pair \ud83d\ude00"}`},
		{`["low \udc00 alone","\\ud800 is text"]`, `["low ` + "\ufffd" + ` alone","\\ud800 is text"]`},
		{"{\"k\xfe\":\"v\"}", "{\"k\ufffd\":\"v\"}"},
	} {
		got := jsontext.AppendValidUnicode([]byte("x"), []byte(tc.in))
		if string(got) != "x"+tc.want {
			t.Errorf("AppendValidUnicode(%q) = %q, want %q", tc.in, got[1:], tc.want)
		}
	}
}

// FuzzAppendValidUnicode checks against encoding/json: for any valid JSON text, the output is
// valid JSON that encoding/json reads as the same value, strictly valid Unicode, and the input
// unchanged when it was already valid.
func FuzzAppendValidUnicode(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, "\"\xff\"", `"\ud800"`, `"\udfff\ud800"`, `["\ud83d\ude00",1]`, `{"\ud800":{"x":"\\ud800"}}`, `"\u0041\ud83d"`, "\"\xed\xa0\x80\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) {
			return
		}
		out := jsontext.AppendValidUnicode(nil, raw)
		if !json.Valid(out) {
			t.Fatalf("output %q of %q is not JSON", out, raw)
		}
		if !strictlyValid(out) || !jsontext.ValidUnicode(out) {
			t.Fatalf("output %q of %q is not valid Unicode text", out, raw)
		}
		if jsontext.ValidUnicode(raw) != strictlyValid(raw) {
			t.Fatalf("ValidUnicode(%q) = %v, the independent check says %v", raw, jsontext.ValidUnicode(raw), strictlyValid(raw))
		}
		if strictlyValid(raw) && !bytes.Equal(out, raw) {
			t.Fatalf("valid text %q changed to %q", raw, out)
		}
		a, b := decodeNumbers(t, raw), decodeNumbers(t, out)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("encoding/json reads %q as %#v but the output %q as %#v", raw, a, out, b)
		}
	})
}

func decodeNumbers(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
