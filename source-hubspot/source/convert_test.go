package source

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAppendValue(t *testing.T) {
	for _, tc := range []struct {
		name   string
		k      propertyKind
		in     string
		null   bool
		want   string
		wantOK bool
	}{
		{"null", kindNumber, "", true, `null`, true},
		{"empty number", kindNumber, "", false, `null`, true},
		{"empty string", kindString, "", false, `""`, true},
		{"int", kindNumber, "17", false, `17`, true},
		{"big int kept exact", kindNumber, "57156923994123456789", false, `57156923994123456789`, true},
		{"decimal", kindNumber, "0.4", false, `0.4`, true},
		{"negative", kindNumber, "-3.25", false, `-3.25`, true},
		{"leading dot", kindNumber, ".5", false, `0.5`, true},
		{"plus and spaces", kindNumber, " +7 ", false, `7`, true},
		{"exponent", kindNumber, "1e3", false, `1e3`, true},
		{"not a number", kindNumber, "12 apples", false, `null`, false},
		{"nan", kindNumber, "NaN", false, `null`, false},
		{"true", kindBool, "true", false, `true`, true},
		{"False", kindBool, "False", false, `false`, true},
		{"bool garbage", kindBool, "maybe", false, `null`, false},
		{"date", kindDate, "2024-01-17", false, `"2024-01-17"`, true},
		{"date from epoch ms", kindDate, "1572480000000", false, `"2019-10-31"`, true},
		{"date from datetime", kindDate, "2024-01-17T00:00:00.000Z", false, `"2024-01-17"`, true},
		{"bad date", kindDate, "17/01/2024", false, `null`, false},
		{"datetime", kindDateTime, "2024-09-11T13:27:39.356Z", false, `"2024-09-11T13:27:39.356Z"`, true},
		{"datetime offset", kindDateTime, "2024-09-11T15:27:39+02:00", false, `"2024-09-11T13:27:39.000Z"`, true},
		{"datetime epoch ms", kindDateTime, "1726061259356", false, `"2024-09-11T13:27:39.356Z"`, true},
		{"datetime bare date", kindDateTime, "2024-09-11", false, `"2024-09-11T00:00:00.000Z"`, true},
		{"bad datetime", kindDateTime, "soon", false, `null`, false},
		{"datetime epoch seconds", kindDateTime, "1726061259", false, `"2024-09-11T13:27:39.000Z"`, true},
		{"datetime epoch seconds with fraction", kindDateTime, "1726061259.5", false, `"2024-09-11T13:27:39.500Z"`, true},
		{"date from epoch seconds", kindDate, "1704067200", false, `"2024-01-01"`, true},
		{"date from epoch ms in 1971", kindDate, "44582400000", false, `"1971-06-01"`, true},
		{"number beyond a double", kindNumber, "1e400", false, `null`, false},
		{"negative number beyond a double", kindNumber, "-1E+400", false, `null`, false},
		{"long integer within a double", kindNumber, "1" + strings.Repeat("0", 307), false, "1" + strings.Repeat("0", 307), true},
		{"string escapes", kindString, "a\"b\\c\nd\te\x01", false, `"a\"b\\c\nd\te\u0001"`, true},
		{"unicode", kindString, "Zoë 日本", false, `"Zoë 日本"`, true},
		{"invalid utf8", kindString, "a\xffb", false, `"a\ufffdb"`, true},
		{"enumeration", kindString, "a;b;c", false, `"a;b;c"`, true},
		{"raw object", kindRaw, `{"a":1}`, false, `{"a":1}`, true},
		{"raw not json", kindRaw, `{a`, false, `"{a"`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := appendValue(nil, tc.k, []byte(tc.in), tc.null)
			if string(got) != tc.want || ok != tc.wantOK {
				t.Errorf("appendValue(%v, %q) = %s, %v; want %s, %v", tc.k, tc.in, got, ok, tc.want, tc.wantOK)
			}
			if !json.Valid(got) {
				t.Errorf("output %s is not JSON", got)
			}
		})
	}
}

func FuzzAppendValue(f *testing.F) {
	for _, s := range []string{"", "17", "-0.5e-3", "true", "2024-01-17", "1726061259356", "2024-09-11T13:27:39.356Z", "a\"\\\n\xff", "{\"a\":[1]}", "9999999999999999999"} {
		for k := kindString; k <= kindRaw; k++ {
			f.Add(uint8(k), s)
		}
	}
	f.Fuzz(func(t *testing.T, k uint8, s string) {
		kd := propertyKind(k % (uint8(kindRaw) + 1))
		out, _ := appendValue([]byte("x"), kd, []byte(s), false)
		if !json.Valid(out[1:]) {
			t.Fatalf("kind %d %q -> %s is not JSON", kd, s, out[1:])
		}
		if kd == kindString {
			var back string
			if err := json.Unmarshal(out[1:], &back); err != nil {
				t.Fatal(err)
			}
			if json.Valid([]byte(`"`+s+`"`)) && back != s && isValidUTF8(s) {
				t.Fatalf("string %q round-trips to %q", s, back)
			}
		}
	})
}

func isValidUTF8(s string) bool {
	return json.Valid(mustMarshal(s)) && string(mustUnmarshal(mustMarshal(s))) == s
}

func mustMarshal(s string) []byte { b, _ := json.Marshal(s); return b }
func mustUnmarshal(b []byte) []byte {
	var s string
	_ = json.Unmarshal(b, &s)
	return []byte(s)
}
