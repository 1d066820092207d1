package convert

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/insider-hubspot/connectors/internal/jsontext"
)

// Rules are the conversions of one config: they turn record values into the JSON Insider
// expects for a kind. The zero Rules sends booleans as booleans and takes phone numbers only
// in E.164.
type Rules struct {
	BoolAsString bool       // boolean_format "string"
	Phone        PhoneRules // the phone settings, for Phone values
}

// Append appends v converted to kind k. ok is false when v cannot be
// sent as that kind; nothing is appended then.
func (c *Rules) Append(dst []byte, v Value, k Kind) ([]byte, bool) {
	switch k {
	case Any:
		return c.appendAny(dst, v)
	case String:
		return appendText(dst, v)
	case Number, Integer:
		if s, ok := v.Text(); ok {
			return appendNumber(dst, strings.TrimSpace(s), k == Integer)
		}
	case Bool:
		if b, ok := parseBool(v); ok {
			return strconv.AppendBool(dst, b), true
		}
	case Date:
		if t, ok := ParseDate(v); ok {
			return appendDate(dst, t), true
		}
	case Email:
		return appendEmail(dst, v)
	case Phone:
		return c.appendPhone(dst, v)
	case Language:
		return appendLanguage(dst, v)
	case Array:
		return c.appendArray(dst, v)
	case FloatList:
		return appendNumberList(dst, v)
	case Country:
		return appendCountry(dst, v)
	case List:
		return appendList(dst, v)
	}
	return dst, false
}

// appendText appends a string as it is, and a number or boolean as its text.
func appendText(dst []byte, v Value) ([]byte, bool) {
	switch v.JSONKind() {
	case '"':
		return append(dst, v.Raw...), true
	case '0', 't', 'f':
		return jsontext.AppendString(dst, string(v.Raw)), true
	}
	return dst, false
}

// appendEmail appends an email, trimmed, lower-cased and checked like the identifier.
func appendEmail(dst []byte, v Value) ([]byte, bool) {
	if s, ok := v.Text(); ok {
		if e, ok := NormalizeEmail(s); ok {
			return jsontext.AppendString(dst, e), true
		}
	}
	return dst, false
}

// appendPhone appends a phone number in E.164, like the identifier.
func (c *Rules) appendPhone(dst []byte, v Value) ([]byte, bool) {
	if s, ok := v.Text(); ok {
		if p, ok := c.Phone.Normalize(s); ok {
			return jsontext.AppendString(dst, p), true
		}
	}
	return dst, false
}

// appendLanguage appends a language tag as Insider writes them (en_US).
func appendLanguage(dst []byte, v Value) ([]byte, bool) {
	if s, ok := v.Unquoted(); ok {
		return jsontext.AppendString(dst, languageCode(s)), true
	}
	return dst, false
}

// appendCountry appends the ISO 3166-1 alpha-2 code of a country name or code.
func appendCountry(dst []byte, v Value) ([]byte, bool) {
	if s, ok := v.Unquoted(); ok {
		if code, ok := countryCode(s); ok {
			return jsontext.AppendString(dst, code), true
		}
	}
	return dst, false
}

// appendArray appends a JSON array as it is, and another value but an object as a
// one-element array.
func (c *Rules) appendArray(dst []byte, v Value) ([]byte, bool) {
	switch v.JSONKind() {
	case '[':
		return append(dst, v.Raw...), true
	case '{':
		return dst, false
	}
	n := len(dst)
	dst = append(dst, '[')
	dst, ok := c.appendAny(dst, v)
	if !ok {
		return dst[:n], false
	}
	return append(dst, ']'), true
}

// appendAny sends a value as it comes, applying boolean_format to JSON
// booleans and to the strings "true" and "false".
func (c *Rules) appendAny(dst []byte, v Value) ([]byte, bool) {
	switch v.JSONKind() {
	case 't', 'f':
		b := v.Raw[0] == 't'
		if c.BoolAsString {
			return jsontext.AppendString(dst, strconv.FormatBool(b)), true
		}
		return strconv.AppendBool(dst, b), true
	case '"':
		if len(v.Raw) <= len(`"false"`) {
			if s, ok := v.Unquoted(); ok {
				switch strings.ToLower(strings.TrimSpace(s)) {
				case "true":
					return c.appendBool(dst, true), true
				case "false":
					return c.appendBool(dst, false), true
				}
			}
		}
		return append(dst, v.Raw...), true
	case '0':
		if overflows(string(v.Raw)) {
			return dst, false
		}
		return append(dst, v.Raw...), true
	case '{', '[':
		return append(dst, v.Raw...), true
	}
	return dst, false
}

// overflows reports whether the number literal s is beyond a double's range.
// Only a long literal or one with an exponent can be.
func overflows(s string) bool {
	if len(s) < 300 && !strings.ContainsAny(s, "eE") {
		return false
	}
	f, err := strconv.ParseFloat(s, 64)
	return err != nil && math.IsInf(f, 0)
}

func (c *Rules) appendBool(dst []byte, b bool) []byte {
	if c.BoolAsString {
		return jsontext.AppendString(dst, strconv.FormatBool(b))
	}
	return strconv.AppendBool(dst, b)
}

// appendNumber appends the number written in s; integer requires a whole
// number. A number beyond a double's range (1e400) is refused, so it is
// dropped and counted rather than sent as a number Insider cannot hold.
func appendNumber(dst []byte, s string, integer bool) ([]byte, bool) {
	if !integer {
		if jsontext.IsNumber(s) && !overflows(s) {
			return append(dst, s...), true
		}
		return dst, false
	}
	if !jsontext.IsNumber(s) {
		return dst, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return dst, false
	}
	return strconv.AppendInt(dst, int64(f), 10), true
}

// appendNumberList appends a JSON array of numbers: an array is checked,
// a number becomes [n], and a string "1;2" or "1,2" becomes [1,2].
func appendNumberList(dst []byte, v Value) ([]byte, bool) {
	switch v.JSONKind() {
	case '[':
		var nums []json.Number
		if err := json.Unmarshal(v.Raw, &nums); err != nil {
			return dst, false
		}
		for _, n := range nums {
			if overflows(n.String()) {
				return dst, false
			}
		}
		return append(dst, v.Raw...), true
	case '0':
		if overflows(string(v.Raw)) {
			return dst, false
		}
		return appendSingleton(dst, v.Raw), true
	case '"':
		s, _ := v.Unquoted()
		n := len(dst)
		dst = append(dst, '[')
		for i, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' }) {
			if i > 0 {
				dst = append(dst, ',')
			}
			var ok bool
			if dst, ok = appendNumber(dst, strings.TrimSpace(part), false); !ok {
				return dst[:n], false
			}
		}
		if len(dst) == n+1 {
			return dst[:n], false
		}
		return append(dst, ']'), true
	}
	return dst, false
}

// parseBool reads a boolean from a JSON boolean, 0/1, or the strings
// true/false, yes/no, 1/0 (any case).
func parseBool(v Value) (bool, bool) {
	switch v.JSONKind() {
	case 't', 'f':
		return v.Raw[0] == 't', true
	case '0', '"':
		s, _ := v.Text()
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true", "yes", "1":
			return true, true
		case "false", "no", "0":
			return false, true
		}
	}
	return false, false
}

// Fixed converts a fixed config value to the JSON sent for kind k.
func Fixed(s string, k Kind) ([]byte, bool) {
	c := Rules{}
	v := Value{Raw: jsontext.AppendString(nil, s)}
	if v.Absent() {
		return nil, false
	}
	return c.Append(nil, v, k)
}

// languageCode writes a language tag the way Insider's samples do: en-us
// and en_US both become en_US.
func languageCode(s string) string {
	lang, region, ok := strings.Cut(strings.ReplaceAll(strings.TrimSpace(s), "-", "_"), "_")
	if !ok {
		return strings.ToLower(lang)
	}
	if len(region) == 2 {
		region = strings.ToUpper(region)
	}
	return strings.ToLower(lang) + "_" + region
}

// appendList appends the JSON array of an array attribute: an array is sent
// as it is, a string is split at ';' (how HubSpot's multi-select properties
// hold their options), and another scalar becomes a one-element array. An
// object, or a string with no option, cannot be sent.
func appendList(dst []byte, v Value) ([]byte, bool) {
	switch v.JSONKind() {
	case '[':
		return append(dst, v.Raw...), true
	case '0', 't', 'f':
		return appendSingleton(dst, v.Raw), true
	case '"':
		s, _ := v.Unquoted()
		n := len(dst)
		dst = append(dst, '[')
		for _, part := range strings.Split(s, ";") {
			if part = strings.TrimSpace(part); part == "" {
				continue
			}
			if len(dst) > n+1 {
				dst = append(dst, ',')
			}
			dst = jsontext.AppendString(dst, part)
		}
		if len(dst) == n+1 {
			return dst[:n], false
		}
		return append(dst, ']'), true
	}
	return dst, false
}

// appendSingleton appends the one-element JSON array holding raw.
func appendSingleton(dst, raw []byte) []byte {
	dst = append(dst, '[')
	dst = append(dst, raw...)
	return append(dst, ']')
}
