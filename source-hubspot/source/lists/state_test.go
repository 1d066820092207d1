package lists

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// t0 is the tests' clock.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestMembersRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	spread := func(n int, universe uint64) []uint64 {
		set := map[uint64]bool{}
		for len(set) < n {
			set[r.Uint64N(universe)+1] = true
		}
		ids := make([]uint64, 0, n)
		for id := range set {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		return ids
	}
	for name, ids := range map[string][]uint64{
		"empty":       {},
		"one":         {90000000001},
		"consecutive": {5, 6, 7, 8, 9, 10},
		"outliers":    {1, 2, 3, 1 << 40, 1<<40 + 1, math.MaxUint64 - 1, math.MaxUint64},
		"sparse":      spread(5000, 10_000_000),
		"dense":       spread(5000, 6000),
		"huge ids":    spread(300, 1<<62),
	} {
		t.Run(name, func(t *testing.T) {
			got, err := decodeMembers(encodeMembers(ids))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(ids, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestDecodeMembersRefusesDamage(t *testing.T) {
	good := encodeMembers([]uint64{3, 10, 12, 400})
	for name, s := range map[string]string{
		"not base64":     "@@@",
		"empty":          "",
		"unknown format": "Ag",
		"cut short":      good[:len(good)-2],
		"extra bytes":    encodeMembers([]uint64{3, 10, 12, 400}) + "AA",
		"huge count":     "Af////8P",
	} {
		if ids, err := decodeMembers(s); err == nil {
			t.Errorf("%s: decoded %v", name, ids)
		}
	}
}

func testListsState() State {
	return State{
		MembershipTimestamp: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		Lists: map[string]*Snapshot{
			"12": {Name: "Newsletter", ProcessingType: "MANUAL", Version: 3, UpdatedAt: "2026-02-27T10:00:00.000Z",
				Size: "2", LastAddedAt: "1772186400000", ReadAt: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
				Count: 2, Members: encodeMembers([]uint64{101, 102})},
			"9": {Name: "Customers \"VIP\"", ProcessingType: "DYNAMIC", Version: 1, Count: 0, Members: encodeMembers(nil)},
		},
		Resume: &Resume{AfterList: "9"},
	}
}

func TestListsStateRoundTrip(t *testing.T) {
	in := testListsState()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), `{"membershipTimestamp":"2026-03-01T12:00:00.000Z","lists":{"9":`) {
		t.Errorf("lists not in numeric id order: %s", b)
	}
	out, err := ParseState(b)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(in, out); d != "" {
		t.Errorf("round trip (-in +out):\n%s", d)
	}
}

// TestListsStateNone: no state, or a state of another shape of "nothing yet", is a first run.
func TestListsStateNone(t *testing.T) {
	for _, raw := range []string{"", "null", "{}", `{"lists":null}`} {
		s, err := ParseState(json.RawMessage(raw))
		if err != nil || len(s.Lists) != 0 || s.Resume != nil || !s.MembershipTimestamp.IsZero() {
			t.Errorf("%q: %+v %v", raw, s, err)
		}
	}
}

func TestListsStateRefusesDamage(t *testing.T) {
	good := encodeMembers([]uint64{1, 2})
	for _, raw := range []string{
		`[]`,
		`{"membershipTimestamp":"yesterday"}`,
		`{"lists":[]}`,
		`{"lists":{"x1":{"count":0,"members":"` + encodeMembers(nil) + `"}}}`,
		`{"lists":{"012":{"count":0,"members":"` + encodeMembers(nil) + `"}}}`,
		`{"lists":{"1":{"count":3,"members":"` + good + `"}}}`,
		`{"lists":{"1":{"count":2,"members":"` + good[:3] + `"}}}`,
		`{"lists":{"1":{"count":2,"members":"` + good + `","readAt":"soon"}}}`,
		`{"resume":{"after_list":""}}`,
	} {
		if s, err := ParseState(json.RawMessage(raw)); err == nil {
			t.Errorf("%s parsed as %+v", raw, s)
		}
	}
}

func FuzzParseListsState(f *testing.F) {
	b, _ := json.Marshal(testListsState())
	f.Add(string(b))
	f.Add(`{"lists":{"1":{"count":1,"members":"AQEB"}}}`)
	f.Add(`{}`)
	f.Fuzz(func(t *testing.T, raw string) {
		s, err := ParseState(json.RawMessage(raw))
		if err != nil {
			return
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseState(b)
		if err != nil {
			t.Fatalf("%s does not parse again: %v", b, err)
		}
		b2, _ := json.Marshal(again)
		if string(b) != string(b2) {
			t.Fatalf("round trip changed\n%s\n%s", b, b2)
		}
	})
}

func FuzzDecodeMembers(f *testing.F) {
	f.Add(encodeMembers([]uint64{1, 5, 9, 1 << 50}))
	f.Add(encodeMembers(nil))
	f.Fuzz(func(t *testing.T, s string) {
		ids, err := decodeMembers(s)
		if err != nil {
			return
		}
		for i := 1; i < len(ids); i++ {
			if ids[i] <= ids[i-1] {
				t.Fatalf("decoded ids not ascending: %v", ids)
			}
		}
		again, err := decodeMembers(encodeMembers(ids))
		if err != nil || !slices.Equal(ids, again) {
			t.Fatalf("re-encoding %v gave %v %v", ids, again, err)
		}
	})
}

// BenchmarkListsStateSize reports the size of a list_memberships state holding 1,000,000
// memberships in 50 lists of 20,000 contacts each, drawn from portals of 200,000 to 50,000,000
// contact ids, and the time to write and parse it.
func BenchmarkListsStateSize(b *testing.B) {
	for _, universe := range []uint64{200_000, 1_000_000, 5_000_000, 50_000_000} {
		b.Run("ids up to "+strconv.FormatUint(universe, 10), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			st := State{Lists: map[string]*Snapshot{}}
			for l := range 50 {
				set := map[uint64]bool{}
				for len(set) < 20_000 {
					set[r.Uint64N(universe)+1] = true
				}
				ids := make([]uint64, 0, len(set))
				for id := range set {
					ids = append(ids, id)
				}
				slices.Sort(ids)
				st.Lists[strconv.FormatUint(uint64(1000+l), 10)] = &Snapshot{Name: "List", ProcessingType: "MANUAL", Version: 1,
					UpdatedAt: "2026-02-27T10:00:00.000Z", Size: "20000", LastAddedAt: "1772186400000",
					ReadAt: t0, Count: len(ids), Members: encodeMembers(ids)}
			}
			var size int
			for b.Loop() {
				raw, err := json.Marshal(st)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := ParseState(raw); err != nil {
					b.Fatal(err)
				}
				size = len(raw)
			}
			b.ReportMetric(float64(size), "state-bytes")
			b.ReportMetric(float64(size)/1e6, "bytes/membership")
		})
	}
}
