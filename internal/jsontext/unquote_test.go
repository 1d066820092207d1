package jsontext_test

import (
	"testing"

	"github.com/insider-hubspot/connectors/internal/jsontext"
)

// BenchmarkAppendUnquoted decodes string bodies with escapes, as HubSpot sends property values
// that hold a slash, a line break or a non-ASCII character (the scanner calls AppendUnquoted
// only for a string with a backslash).
func BenchmarkAppendUnquoted(b *testing.B) {
	for _, bc := range []struct{ name, body string }{
		{"url", `https:\/\/example.com\/landing\/spring-campaign?utm_source=newsletter`},
		{"text with line breaks", `First line of a note\nsecond line, with \"quotes\"\nthird line\tand a tab\r\nend`},
		{"unicode escapes", `Ren\u00e9e M\u00fcller-L\u00fcdenscheidt, Stra\u00dfe 12, M\u00fcnchen`},
		{"surrogate pairs", `launch \ud83d\ude80 party \ud83c\udf89 tonight \ud83d\ude00`},
		{"long ascii, one escape", `Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation\/ullamco laboris nisi ut aliquip ex ea commodo consequat.`},
	} {
		body := []byte(bc.body)
		b.Run(bc.name, func(b *testing.B) {
			var dst []byte
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				var err error
				if dst, err = jsontext.AppendUnquoted(dst[:0], body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
