package hubspot

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func scanAll(raw string) ([]string, error) {
	var out []string
	err := ScanProperties([]byte(raw), func(name, value []byte, isNull bool) error {
		if isNull {
			out = append(out, string(name)+"=<null>")
		} else {
			out = append(out, string(name)+"="+string(value))
		}
		return nil
	})
	return out, err
}

func TestScanProperties(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want []string
	}{
		{`{}`, nil},
		{`null`, nil},
		{``, nil},
		{`{"email":"a@b.com","n":null}`, []string{"email=a@b.com", "n=<null>"}},
		{` { "a" : "x\"y\\z\u00e9\n" , "b":"" } `, []string{"a=x\"y\\zé\n", "b="}},
		{`{"k\u0031":"v"}`, []string{"k1=v"}},
		{`{"num":17,"t":true,"o":{"x":[1,"}"]},"arr":[1,2]}`, []string{"num=17", "t=true", `o={"x":[1,"}"]}`, "arr=[1,2]"}},
	} {
		got, err := scanAll(tc.raw)
		if err != nil {
			t.Errorf("%s: %v", tc.raw, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.raw, diff)
		}
	}
	for _, bad := range []string{`[1]`, `{"a"}`, `{"a":"b"`, `{"a":"b",}`, `{a:1}`, `"x"`} {
		if _, err := scanAll(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func FuzzScanProperties(f *testing.F) {
	f.Add(`{"a":"b","c":null,"d":"\u00e9\"x"}`)
	f.Add(`{"n":1.5e3,"o":{"p":[1,{"q":"]"}]}}`)
	f.Fuzz(func(t *testing.T, raw string) {
		_, _ = scanAll(raw) // must not panic on any input
	})
}

func BenchmarkScanProperties(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("{")
	for i := 0; i < 40; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `"property_%d":"value number %d"`, i, i)
	}
	sb.WriteString("}")
	raw := []byte(sb.String())
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		_ = ScanProperties(raw, func(_, _ []byte, _ bool) error { return nil })
	}
}
