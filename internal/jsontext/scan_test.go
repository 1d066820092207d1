package jsontext_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/internal/jsontext"
)

// decode reads the value at the cursor into the shape encoding/json gives with UseNumber.
func decode(s *jsontext.Scanner) (any, error) {
	switch s.Peek() {
	case '{':
		m := map[string]any{}
		err := s.Object(func(key []byte, escaped bool) error {
			k, err := jsontext.Unquote(key)
			if err != nil {
				return err
			}
			if !escaped && k != string(key) && bytes.IndexByte(key, '\\') >= 0 {
				return errors.New("key with escapes reported as plain")
			}
			v, err := decode(s)
			m[k] = v
			return err
		})
		return m, err
	case '[':
		a := []any{}
		err := s.Array(func() error {
			v, err := decode(s)
			a = append(a, v)
			return err
		})
		return a, err
	}
	v, err := s.Value()
	if err != nil {
		return nil, err
	}
	switch v[0] {
	case '"':
		return jsontext.Unquote(v[1 : len(v)-1])
	case 't':
		return true, nil
	case 'f':
		return false, nil
	case 'n':
		return nil, nil
	}
	return json.Number(v), nil
}

func decodeAll(b []byte, m jsontext.Mode) (any, error) {
	s := jsontext.NewScanner(b, m)
	v, err := decode(&s)
	if err == nil {
		err = s.End()
	}
	return v, err
}

var scanSeeds = []string{`{}`, `[]`, `{"a":[1,-2.5e+3,true,false,null,"x\u00e9\n"]}`, `{"a":}`, `[1,]`, `{"a":1,}`,
	`01`, `-`, `1.`, `1e`, `"\x01"`, `"\q"`, `"\u12"`, `{"a" 1}`, ` {"type":"RECORD"} `, `nul`, `"bad \xff utf8"`,
	`{"k\"ey":"v\\","a\u0041":{"b":["}",{"c":"]"}]}}`, `"\ud800\u0041"`, `"\ud83d\ude00"`, `["a" "b"]`, `{"a":1 "b":2}`,
	`"12345678\"abcdefgh\\"`, "\"tab\there\"", `[[[[]]]]`, `[1] x`, `{"a":"b"}}`, `tru`, `falsey`, `1e+`, `-0.0E-0`}

// FuzzScanner holds the Scanner to encoding/json: validating, it accepts exactly what json.Valid
// accepts and reads the same values; trusted, it reads the same values from valid text and
// never panics on any other.
func FuzzScanner(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decodeAll(b, jsontext.Validate)
		if valid := json.Valid(b); (err == nil) != valid {
			t.Fatalf("Validate: error %v for %q, json.Valid says %v", err, b, valid)
		}
		s := jsontext.NewScanner(b, jsontext.Validate)
		span, spanErr := s.Value()
		if (spanErr == nil && s.End() == nil) != (err == nil) {
			t.Fatalf("Value and the walk disagree on %q: %v vs %v", b, spanErr, err)
		}
		trusted, terr := decodeAll(b, jsontext.Trusted) // must not panic on any input
		ts := jsontext.NewScanner(b, jsontext.Trusted)
		tspan, _ := ts.Value()
		if err != nil {
			return
		}
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		var want any
		if err := d.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Validate reads %q as %#v, encoding/json as %#v", b, got, want)
		}
		if terr != nil || !reflect.DeepEqual(trusted, want) {
			t.Fatalf("Trusted reads valid %q as %#v (%v), encoding/json as %#v", b, trusted, terr, want)
		}
		if !bytes.Equal(span, tspan) || !bytes.Equal(span, bytes.TrimSpace(b)) {
			t.Fatalf("value spans of %q: validating %q, trusted %q", b, span, tspan)
		}
	})
}

// FuzzUnquote holds Unquote to encoding/json on every string body json.Valid accepts.
func FuzzUnquote(f *testing.F) {
	for _, s := range []string{"plain", `a\"b\\c\n\u00e9`, `\ud800`, `\ud800\u0041`, `\ud83d\ude00`, "\xff\xfe", "\xed\xa0\x80", `\/\b\f\r\t`, "ünicode"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		q := append(append([]byte{'"'}, body...), '"')
		got, err := jsontext.Unquote(body)
		var want string
		if json.Unmarshal(q, &want) != nil {
			return
		}
		if err != nil || got != want {
			t.Fatalf("Unquote(%q) = %q, %v; encoding/json reads %q", body, got, err, want)
		}
		if b, _ := jsontext.AppendUnquoted([]byte("x"), body); string(b) != "x"+want {
			t.Fatalf("AppendUnquoted(%q) = %q, want x%q", body, b, want)
		}
	})
}

func TestScannerErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"a":1,}`, "expected a member name at offset 7"},
		{`{"a" 1}`, "expected ':' at offset 5"},
		{`[1 2]`, "expected ',' or ']' at offset 3"},
		{`"\q"`, "bad escape at offset 2"},
		{"\"a\x01\"", "control character in string at offset 2"},
		{`[1`, "unexpected end of array"},
		{`01`, "data after the value at offset 1"},
		{strings.Repeat("[", jsontext.MaxDepth+1) + strings.Repeat("]", jsontext.MaxDepth+1), "nested too deeply"},
	} {
		_, err := decodeAll([]byte(tc.in), jsontext.Validate)
		if !errors.Is(err, jsontext.ErrSyntax) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.40q: error %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestTrustedSkipsWithoutChecking(t *testing.T) {
	// Trusted text is not checked: what a validating scan refuses is read by its brackets.
	b := []byte(`{"a":[1,"x\q",tru],"b":"\u00e9"}`)
	s := jsontext.NewScanner(b, jsontext.Trusted)
	var got []string
	err := s.Object(func(key []byte, _ bool) error {
		v, err := s.Value()
		got = append(got, string(key)+"="+string(v))
		return err
	})
	if err != nil || strings.Join(got, " ") != `a=[1,"x\q",tru] b="\u00e9"` {
		t.Fatalf("got %q, %v", got, err)
	}
	if _, err := decodeAll(b, jsontext.Validate); err == nil {
		t.Fatal("validating scan accepted a bad escape")
	}
}

func TestObjectSkipsUnreadValues(t *testing.T) {
	for _, m := range []jsontext.Mode{jsontext.Validate, jsontext.Trusted} {
		s := jsontext.NewScanner([]byte(` {"skip":{"x":[1,{"y":"}"}]},"keep":"v"} `), m)
		var keep []byte
		err := s.Object(func(key []byte, _ bool) error {
			if string(key) == "keep" {
				var err error
				keep, err = s.Value()
				return err
			}
			return nil
		})
		if err != nil || string(keep) != `"v"` || s.End() != nil {
			t.Errorf("mode %d: keep %q, %v", m, keep, err)
		}
	}
}
