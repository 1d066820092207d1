package fakehubspot

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/protocol"
)

func TestAppendTimeMatchesFormat(t *testing.T) {
	for _, v := range []time.Time{
		time.Date(2026, 1, 2, 3, 4, 5, 678e6, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 1e6, time.UTC),
		time.Date(1960, 6, 1, 0, 0, 0, 5e6, time.UTC),
		time.Unix(0, 0),
	} {
		want := `"` + v.UTC().Format("2006-01-02T15:04:05.000Z") + `"`
		if got := string(appendTime(nil, v.UnixMilli())); got != want {
			t.Errorf("appendTime(%v) = %s, want %s", v, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "quote\" back\\ slash", "tab\tnl\n", "\x00\x1f", "ünï ✓", "\xff\xfe bad utf8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := protocol.AppendJSONString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("invalid JSON %q for %q: %v", b, s, err)
		}
		want, _ := json.Marshal(s)
		var w string
		_ = json.Unmarshal(want, &w)
		if got != w {
			t.Fatalf("round trip %q -> %q, encoding/json gives %q", s, got, w)
		}
	})
}
