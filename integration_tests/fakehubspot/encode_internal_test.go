package fakehubspot

import (
	"testing"
	"time"
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
