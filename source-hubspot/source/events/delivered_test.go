package events

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"
)

// TestDeliveredRoundTrip: a set, written into an event state and read back, is the same set,
// occurrences of one millisecond and hours apart alike, and an empty one too.
func TestDeliveredRoundTrip(t *testing.T) {
	since := t0.Add(-24 * time.Hour)
	d := &deliveredSet{since: since.UnixMilli()}
	for i := range 500 {
		at := since.Add(time.Duration(i/5) * 7 * time.Minute) // five per millisecond
		d.add(keyOf(fmt.Sprintf("occ-%d", i), at))
	}
	for _, set := range []*deliveredSet{d, {since: since.UnixMilli()}} {
		raw, err := json.Marshal(State{OccurredAt: t0, Delivered: set})
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseState(raw)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if !back.OccurredAt.Equal(t0) || back.Delivered == nil || back.Delivered.since != set.since ||
			!cmp.Equal(back.Delivered.keys, set.keys, cmp.AllowUnexported(occKey{}), cmpEmpty()) {
			t.Errorf("%s read back as %+v", raw, back)
		}
	}
}

func cmpEmpty() cmp.Option {
	return cmp.FilterValues(func(a, b []occKey) bool { return len(a) == 0 && len(b) == 0 }, cmp.Ignore())
}

// TestParseDeliveredRejects: a delivered object the connector cannot have written is an error
// that names it, never a silently smaller set.
func TestParseDeliveredRejects(t *testing.T) {
	good := &deliveredSet{since: t0.UnixMilli()}
	good.add(keyOf("a", t0.Add(time.Second)))
	good.add(keyOf("b", t0.Add(2*time.Second)))
	raw, _ := good.MarshalJSON()
	var j deliveredJSON
	_ = json.Unmarshal(raw, &j)
	swapped := &deliveredSet{since: t0.UnixMilli(), keys: []occKey{good.keys[1], good.keys[0]}}
	bad, _ := swapped.MarshalJSON()
	for _, tc := range []string{
		`"x"`,
		`{"since":"yesterday","count":0,"keys":""}`,
		`{"since":"` + j.Since + `","count":2,"keys":"` + j.Keys + `=="}`,
		`{"since":"` + j.Since + `","count":3,"keys":"` + j.Keys + `"}`,
		`{"since":"` + j.Since + `","count":2,"keys":"` + j.Keys[:len(j.Keys)-3] + `"}`,
		`{"since":"` + j.Since + `","count":2,"keys":"` + j.Keys + `","extra":1}`,
		string(bad),
	} {
		if _, err := ParseState(json.RawMessage(`{"occurredAt":"2026-03-01T00:00:00Z","delivered":` + tc + `}`)); err == nil ||
			!strings.Contains(err.Error(), "delivered") {
			t.Errorf("delivered %s: error %v, want one naming delivered", tc, err)
		}
	}
}

// TestLateGuardBoundsABusyStream: a stream delivering 25,000 occurrences inside its event
// lookback keeps the newest 10,000 (about 130 KB of state), moves since past the others, and
// warns once that its lookback for late occurrences shrank.
func TestLateGuardBoundsABusyStream(t *testing.T) {
	var logs bytes.Buffer
	ctx := zerolog.New(&logs).WithContext(context.Background())
	g := newLateGuard(State{}, 24*time.Hour, time.Time{})
	start := t0.Add(-6 * time.Hour)
	for i := range 25000 {
		g.note(keyOf(fmt.Sprintf("busy-%d", i), start.Add(time.Duration(i)*time.Second)))
	}
	set := g.checkpoint(ctx, "event_pe1_busy", t0, t0, true)
	if n := len(set.keys); n != maxDeliveredKeys {
		t.Fatalf("%d keys kept, want %d", n, maxDeliveredKeys)
	}
	if want := start.Add(15000 * time.Second).UnixMilli(); set.since != want || set.keys[0].ms != want {
		t.Errorf("since %d, first key %d; want both at the oldest kept occurrence %d", set.since, set.keys[0].ms, want)
	}
	raw, err := json.Marshal(State{OccurredAt: t0, Delivered: set})
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) > 140_000 {
		t.Errorf("state of %d bytes, want at most 140 KB", len(raw))
	}
	g.checkpoint(ctx, "event_pe1_busy", t0, t0, true)
	if n := strings.Count(logs.String(), "more occurrences of event_pe1_busy"); n != 1 {
		t.Errorf("%d warnings, want one: %s", n, logs.String())
	}
}

// TestLateGuardJoinsOnlyContiguousRecords: a run reading from before the input set's since
// remembers what it delivers there only once its read has passed since (before that, the keys
// below since would claim more than the set records); a state without a set but with a
// watermark (an older connector's) starts remembering when the read completes.
func TestLateGuardJoinsOnlyContiguousRecords(t *testing.T) {
	ctx := context.Background()
	c := t0.Add(-time.Hour)
	in := &deliveredSet{since: c.UnixMilli()}
	in.add(keyOf("old", c.Add(time.Minute)))
	lo := c.Add(-10 * time.Minute)
	g := newLateGuard(State{OccurredAt: t0, Delivered: in}, 24*time.Hour, lo)
	g.note(keyOf("early", c.Add(-5*time.Minute)))
	if set := g.checkpoint(ctx, "s", t0, c.Add(-5*time.Minute), false); set.since != c.UnixMilli() || keysFrom(set) != 1 {
		t.Errorf("before the read passed since: since %d with %d keys written, want %d with 1", set.since, keysFrom(set), c.UnixMilli())
	}
	if set := g.checkpoint(ctx, "s", t0, c, false); set.since != lo.UnixMilli()+1 || keysFrom(set) != 2 {
		t.Errorf("once the read passed since: since %d with %d keys written, want %d with 2", set.since, keysFrom(set), lo.UnixMilli()+1)
	}

	up := newLateGuard(State{OccurredAt: t0}, 24*time.Hour, lo)
	up.note(keyOf("x", c))
	if set := up.checkpoint(ctx, "s", t0, c, false); set != nil {
		t.Errorf("a mid-run state after an older connector's holds %+v, want no set", set)
	}
	if set := up.checkpoint(ctx, "s", t0, t0, true); set == nil || set.since != lo.UnixMilli()+1 {
		t.Errorf("the final state after an older connector's holds %+v, want a set from %d", set, lo.UnixMilli()+1)
	}
}

// keysFrom is how many keys a set writes into a state (those at or after since).
func keysFrom(d *deliveredSet) int {
	raw, _ := d.MarshalJSON()
	var j deliveredJSON
	_ = json.Unmarshal(raw, &j)
	return j.Count
}

// FuzzParseDelivered: any delivered object either fails to parse or reads back as itself.
func FuzzParseDelivered(f *testing.F) {
	d := &deliveredSet{since: t0.UnixMilli()}
	d.add(keyOf("a", t0))
	d.add(keyOf("b", t0.Add(time.Hour)))
	raw, _ := d.MarshalJSON()
	f.Add(string(raw))
	f.Add(`{"since":"2026-01-01T00:00:00Z","count":0,"keys":""}`)
	f.Add(`{"since":"0","count":1,"keys":"_____________w"}`)
	f.Fuzz(func(t *testing.T, s string) {
		set, err := parseDelivered(json.RawMessage(s))
		if err != nil {
			return
		}
		again, err := set.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		back, err := parseDelivered(again)
		if err != nil || back.since != set.since || len(back.keys) != len(set.keys) {
			t.Fatalf("%s -> %s -> %+v, %v", s, again, back, err)
		}
	})
}
