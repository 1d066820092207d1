package source

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// TestListPaysByTier: the cost model reads a window by both methods when the list's share of
// window contacts per second (general budget x 100 x density) is at least a quarter of the
// search's (search budget x 200), so a spread window of 2 in 5 contacts pays on every tier and
// one of 1 in 5 only with Pro/Enterprise budgets.
func TestListPaysByTier(t *testing.T) {
	for _, tc := range []struct {
		tier    string
		other   rate.Limit
		density float64
		want    bool
	}{
		{"starter", accountTiers["starter"], 0.4, true},
		{"starter", accountTiers["starter"], 0.2, false},
		{"public_app", accountTiers["public_app"], 0.26, true},
		{"professional", accountTiers["professional"], 0.2, true},
		{"professional", accountTiers["professional"], 0.13, false},
		{"limit_increase", accountTiers["limit_increase"], 0.11, true},
		{"a lowered budget", 3, 0.6, false},
	} {
		c, err := hubspot.New(hubspot.Config{BaseURL: "https://api.hubapi.com", Credentials: hubspot.Credentials{AccessToken: "pat"},
			Limits: hubspot.Limits{Other: tc.other}})
		if err != nil {
			t.Fatal(err)
		}
		const above = 100000
		if got := listPays(int(tc.density*above), above, budgetsOf(c)); got != tc.want {
			t.Errorf("%s (%g/s), window density %g: listPays = %v, want %v", tc.tier, float64(tc.other), tc.density, got, tc.want)
		}
	}
}

// TestListPaysWithinTheDailyLimit: a window whose list would spend more than 1% of the daily
// requests left (of 250,000 when the answers do not tell) is searched alone, however dense.
func TestListPaysWithinTheDailyLimit(t *testing.T) {
	c, err := hubspot.New(hubspot.Config{BaseURL: "https://api.hubapi.com", Credentials: hubspot.Credentials{AccessToken: "pat"}})
	if err != nil {
		t.Fatal(err)
	}
	b := budgetsOf(c)
	if !listPays(250000, 250000, b) || listPays(250100, 250100, b) {
		t.Errorf("listPays at 2,500 and 2,501 list calls of an unknown daily limit: %v, %v; want true, false",
			listPays(250000, 250000, b), listPays(250100, 250100, b))
	}
}

// TestListPaysEdges: no contact above the page, a known daily count, unlimited budgets.
func TestListPaysEdges(t *testing.T) {
	def := hubspot.DefaultLimits()
	for _, tc := range []struct {
		name             string
		remaining, above int
		b                budgets
		want             bool
	}{
		{"nothing above", 100, 0, budgets{limits: def}, false},
		{"a known daily count with room", 50000, 100000, budgets{limits: def, dailyLeft: 100000, dailyKnown: true}, true},
		{"a known daily count without room", 50000, 100000, budgets{limits: def, dailyLeft: 99999, dailyKnown: true}, false},
		{"unlimited budgets, dense", 50000, 100000, budgets{limits: hubspot.Limits{Search: rate.Inf, Other: rate.Inf}}, true},
		{"unlimited budgets, sparse", 5000, 100000, budgets{limits: hubspot.Limits{Search: rate.Inf, Other: rate.Inf}}, false},
		{"a window larger than what lies above", 200, 100, budgets{limits: def}, true},
	} {
		if got := listPays(tc.remaining, tc.above, tc.b); got != tc.want {
			t.Errorf("%s: listPays(%d, %d) = %v, want %v", tc.name, tc.remaining, tc.above, got, tc.want)
		}
	}
}

// TestProbesFor: which probes a window's first page calls for.
func TestProbesFor(t *testing.T) {
	for _, tc := range []struct {
		name        string
		incremental bool
		lastID      string
		remaining   int
		k, page     int
		canList     bool
		backfill    bool
		want        windowProbes
	}{
		{"a small window", true, "200", 1000, 3, 200, true, true, windowProbes{}},
		{"large enough to split", true, "200", 2401, 3, 200, true, true, windowProbes{split: true}},
		{"split needs more than 4k pages", true, "200", 2400, 3, 200, true, true, windowProbes{}},
		{"one range at a time never splits", true, "200", 100000, 1, 200, true, true, windowProbes{dense: true}},
		{"dense and split", true, "200", 4000, 3, 200, true, true, windowProbes{dense: true, split: true}},
		{"a first sync is no dense candidate", false, "200", 4000, 3, 200, true, true, windowProbes{split: true}},
		{"below denseWindowMin", true, "200", 3999, 1, 200, true, true, windowProbes{}},
		{"properties too long for a list URL", true, "200", 4000, 1, 200, false, true, windowProbes{}},
		{"backfills off", true, "200", 4000, 1, 200, true, false, windowProbes{}},
		{"no id delivered", true, "", 4000, 1, 200, true, true, windowProbes{}},
		{"small pages split sooner", true, "200", 1201, 3, 100, true, true, windowProbes{split: true}},
	} {
		got := probesFor(tc.incremental, tc.lastID, tc.remaining, tc.k, tc.page, tc.canList, tc.backfill)
		if got != tc.want {
			t.Errorf("%s: probesFor = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// TestRangesPay: after the probes, the rest is searched in ranges only when more than two
// pages per range remain.
func TestRangesPay(t *testing.T) {
	for _, tc := range []struct {
		remaining, k, page int
		want               bool
	}{{1201, 3, 200, true}, {1200, 3, 200, false}, {0, 3, 200, false}, {401, 1, 200, true}} {
		if got := rangesPay(tc.remaining, tc.k, tc.page); got != tc.want {
			t.Errorf("rangesPay(%d, %d, %d) = %v, want %v", tc.remaining, tc.k, tc.page, got, tc.want)
		}
	}
}

// TestBackfillPays: a window of fewer than 2,000 contacts is not worth the list probe.
func TestBackfillPays(t *testing.T) {
	if backfillPays(1999) || !backfillPays(2000) {
		t.Errorf("backfillPays(1999), backfillPays(2000) = %v, %v; want false, true", backfillPays(1999), backfillPays(2000))
	}
}

// TestListWorkers: about half the general budget per second plus one, between 1 and 16; 4 when
// unlimited.
func TestListWorkers(t *testing.T) {
	for _, tc := range []struct {
		other rate.Limit
		want  int
	}{{9, 6}, {10, 6}, {17, 10}, {0.5, 2}, {0, 1}, {100, 16}, {rate.Inf, 4}} {
		if got := listWorkers(tc.other); got != tc.want {
			t.Errorf("listWorkers(%g) = %d, want %d", float64(tc.other), got, tc.want)
		}
	}
}

// TestStepsFor: a list chunk spans the ids of 300 contacts of any date, a search chunk those of
// 570 of the window (95% of three pages).
func TestStepsFor(t *testing.T) {
	for _, tc := range []struct {
		name          string
		lo, hi        uint64
		total, window int
		want          chunkSteps
	}{
		{"every id a contact of the window", 0, 100000, 100000, 100000, chunkSteps{search: 570, list: 300}},
		{"one id in ten a contact, one in a hundred of the window", 0, 1000000, 100000, 10000, chunkSteps{search: 57000, list: 3000}},
		{"a start above the top", 5000, 1000, 10, 10, chunkSteps{search: 57, list: 30}},
		{"no contact counted", 0, 1000, 0, 0, chunkSteps{search: 570000, list: 300000}},
		{"denser than one an id rounds to one id", 0, 10, 100000, 100000, chunkSteps{search: 1, list: 1}},
	} {
		if got := stepsFor(tc.lo, tc.hi, tc.total, tc.window); got != tc.want {
			t.Errorf("%s: stepsFor = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// TestBelowReserve: the list stops when the daily requests left, less one call per list worker,
// fall under a tenth of the limit.
func TestBelowReserve(t *testing.T) {
	for _, tc := range []struct {
		left, limit, listers int
		want                 bool
	}{{1006, 10000, 6, false}, {1005, 10000, 6, true}, {1000, 10000, 0, false}, {999, 10000, 0, true}, {0, 0, 0, false}} {
		if got := belowReserve(tc.left, tc.limit, tc.listers); got != tc.want {
			t.Errorf("belowReserve(%d, %d, %d) = %v, want %v", tc.left, tc.limit, tc.listers, got, tc.want)
		}
	}
}

// TestSplitIDs: equal id spans, the last unbounded; nil when the span is too small or an id is
// not one.
func TestSplitIDs(t *testing.T) {
	for _, tc := range []struct {
		after, top string
		k          int
		want       []IDRange
	}{
		{"0", "900", 3, []IDRange{{AfterID: "0", UpToID: "300"}, {AfterID: "300", UpToID: "600"}, {AfterID: "600"}}},
		{"100", "1000", 2, []IDRange{{AfterID: "100", UpToID: "550"}, {AfterID: "550"}}},
		{"100", "103", 3, nil},
		{"100", "104", 3, []IDRange{{AfterID: "100", UpToID: "101"}, {AfterID: "101", UpToID: "102"}, {AfterID: "102"}}},
		{"0", "900", 1, nil},
		{"0", "", 3, nil},
		{"x", "900", 3, nil},
	} {
		if diff := cmp.Diff(tc.want, splitIDs(tc.after, tc.top, tc.k)); diff != "" {
			t.Errorf("splitIDs(%q, %q, %d) (-want +got):\n%s", tc.after, tc.top, tc.k, diff)
		}
	}
}

// TestCutChunks: list chunks come off the bottom of the lowest range, search chunks off the top
// of the highest; the unbounded top range is bounded by the highest id the backfill started
// with, and a range no larger than the step is taken whole.
func TestCutChunks(t *testing.T) {
	type cut struct {
		chunk, rest IDRange
		cut         bool
	}
	for _, tc := range []struct {
		name   string
		bottom bool
		r      IDRange
		step   uint64
		top    uint64
		want   cut
	}{
		{"bottom of a bounded range", true, IDRange{AfterID: "100", UpToID: "1000"}, 300, 5000,
			cut{IDRange{AfterID: "100", UpToID: "400"}, IDRange{AfterID: "400", UpToID: "1000"}, true}},
		{"bottom of the unbounded range", true, IDRange{AfterID: "100"}, 300, 5000,
			cut{IDRange{AfterID: "100", UpToID: "400"}, IDRange{AfterID: "400"}, true}},
		{"bottom, no larger than the step", true, IDRange{AfterID: "100", UpToID: "400"}, 300, 5000,
			cut{IDRange{AfterID: "100", UpToID: "400"}, IDRange{}, false}},
		{"bottom, the unbounded range above the top", true, IDRange{AfterID: "6000"}, 300, 5000,
			cut{IDRange{AfterID: "6000"}, IDRange{}, false}},
		{"top of a bounded range", false, IDRange{AfterID: "100", UpToID: "1000"}, 300, 5000,
			cut{IDRange{AfterID: "700", UpToID: "1000"}, IDRange{AfterID: "100", UpToID: "700"}, true}},
		{"top of the unbounded range", false, IDRange{AfterID: "100"}, 300, 5000,
			cut{IDRange{AfterID: "4700"}, IDRange{AfterID: "100", UpToID: "4700"}, true}},
		{"top, no larger than the step", false, IDRange{AfterID: "100", UpToID: "400"}, 300, 5000,
			cut{IDRange{AfterID: "100", UpToID: "400"}, IDRange{}, false}},
		{"top, step 0 (search alone) takes the range whole", false, IDRange{AfterID: "100", UpToID: "1000"}, 0, 5000,
			cut{IDRange{AfterID: "100", UpToID: "1000"}, IDRange{}, false}},
	} {
		var got cut
		if tc.bottom {
			got.chunk, got.rest, got.cut = cutBottom(tc.r, tc.step, tc.top)
		} else {
			got.chunk, got.rest, got.cut = cutTop(tc.r, tc.step, tc.top)
		}
		if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(cut{})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

// TestListFits: the property names and lastmodifieddate, comma-separated, fit in 12,000
// characters.
func TestListFits(t *testing.T) {
	fit := strings.Repeat("a", maxListPropertiesChars-len(contactsCursor)-1)
	if !listFits([]string{fit}) || listFits([]string{fit + "a"}) || !listFits(nil) {
		t.Errorf("listFits at the limit, one over and of none: %v, %v, %v; want true, false, true",
			listFits([]string{fit}), listFits([]string{fit + "a"}), listFits(nil))
	}
}
