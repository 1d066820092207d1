package stream

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAppendValue(t *testing.T) {
	for _, tc := range []struct {
		name   string
		k      Kind
		in     string
		null   bool
		want   string
		wantOK bool
	}{
		{"null", KindNumber, "", true, `null`, true},
		{"empty number", KindNumber, "", false, `null`, true},
		{"empty string", KindString, "", false, `""`, true},
		{"int", KindNumber, "17", false, `17`, true},
		{"big int kept exact", KindNumber, "57156923994123456789", false, `57156923994123456789`, true},
		{"decimal", KindNumber, "0.4", false, `0.4`, true},
		{"negative", KindNumber, "-3.25", false, `-3.25`, true},
		{"leading dot", KindNumber, ".5", false, `0.5`, true},
		{"plus and spaces", KindNumber, " +7 ", false, `7`, true},
		{"exponent", KindNumber, "1e3", false, `1e3`, true},
		{"not a number", KindNumber, "12 apples", false, `null`, false},
		{"nan", KindNumber, "NaN", false, `null`, false},
		{"true", KindBool, "true", false, `true`, true},
		{"False", KindBool, "False", false, `false`, true},
		{"bool garbage", KindBool, "maybe", false, `null`, false},
		{"date", KindDate, "2024-01-17", false, `"2024-01-17"`, true},
		{"date from epoch ms", KindDate, "1572480000000", false, `"2019-10-31"`, true},
		{"date from datetime", KindDate, "2024-01-17T00:00:00.000Z", false, `"2024-01-17"`, true},
		{"bad date", KindDate, "17/01/2024", false, `null`, false},
		{"datetime", KindDateTime, "2024-09-11T13:27:39.356Z", false, `"2024-09-11T13:27:39.356Z"`, true},
		{"datetime offset", KindDateTime, "2024-09-11T15:27:39+02:00", false, `"2024-09-11T13:27:39.000Z"`, true},
		{"datetime epoch ms", KindDateTime, "1726061259356", false, `"2024-09-11T13:27:39.356Z"`, true},
		{"datetime bare date", KindDateTime, "2024-09-11", false, `"2024-09-11T00:00:00.000Z"`, true},
		{"bad datetime", KindDateTime, "soon", false, `null`, false},
		{"datetime epoch seconds", KindDateTime, "1726061259", false, `"2024-09-11T13:27:39.000Z"`, true},
		{"datetime epoch seconds with fraction", KindDateTime, "1726061259.5", false, `"2024-09-11T13:27:39.500Z"`, true},
		{"date from epoch seconds", KindDate, "1704067200", false, `"2024-01-01"`, true},
		{"date from epoch ms in 1971", KindDate, "44582400000", false, `"1971-06-01"`, true},
		{"number beyond a double", KindNumber, "1e400", false, `null`, false},
		{"negative number beyond a double", KindNumber, "-1E+400", false, `null`, false},
		{"long integer within a double", KindNumber, "1" + strings.Repeat("0", 307), false, "1" + strings.Repeat("0", 307), true},
		{"string escapes", KindString, "a\"b\\c\nd\te\x01", false, `"a\"b\\c\nd\te\u0001"`, true},
		{"unicode", KindString, "Zoë 日本", false, `"Zoë 日本"`, true},
		{"invalid utf8", KindString, "a\xffb", false, `"a\ufffdb"`, true},
		{"enumeration", KindString, "a;b;c", false, `"a;b;c"`, true},
		{"raw object", KindRaw, `{"a":1}`, false, `{"a":1}`, true},
		{"raw not json", KindRaw, `{a`, false, `"{a"`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := AppendValue(nil, tc.k, []byte(tc.in), tc.null)
			if string(got) != tc.want || ok != tc.wantOK {
				t.Errorf("AppendValue(%v, %q) = %s, %v; want %s, %v", tc.k, tc.in, got, ok, tc.want, tc.wantOK)
			}
			if !json.Valid(got) {
				t.Errorf("output %s is not JSON", got)
			}
		})
	}
}

func FuzzAppendValue(f *testing.F) {
	for _, s := range []string{"", "17", "-0.5e-3", "true", "2024-01-17", "1726061259356", "2024-09-11T13:27:39.356Z", "a\"\\\n\xff", "{\"a\":[1]}", "9999999999999999999"} {
		for k := KindString; k <= KindRaw; k++ {
			f.Add(uint8(k), s)
		}
	}
	f.Fuzz(func(t *testing.T, k uint8, s string) {
		kd := Kind(k % (uint8(KindRaw) + 1))
		out, _ := AppendValue([]byte("x"), kd, []byte(s), false)
		if !json.Valid(out[1:]) {
			t.Fatalf("kind %d %q -> %s is not JSON", kd, s, out[1:])
		}
		if kd == KindString {
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
