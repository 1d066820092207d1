package source

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// emptyPageEnv is a shared fake holding a window of n contacts modified after the watermark of
// the returned state.
func emptyPageEnv(t *testing.T, n int) (*env, *fakehubspot.Server, map[string]bool, []byte) {
	t.Helper()
	e, srv := sharedEnv(t, fakehubspot.Options{})
	ids := srv.AddContacts(datagen.Contacts(datagen.Options{Seed: 11, Count: n,
		Start: t0.Add(-90 * time.Minute), End: t0.Add(-30 * time.Minute)})...)
	return e, srv, idSet(ids), streamStateFile(stream.Contacts, watermarkState(t0.Add(-2*time.Hour)))
}

// TestEmptySearchPageInTheMiddle: HubSpot answers one search of a window with an empty page that
// says more follow; the run asks again and delivers every contact once, whether it reads the
// window page after page (2,000 contacts) or in id ranges at once (3,000, where the empty page
// may also answer the probe for the window's highest id).
func TestEmptySearchPageInTheMiddle(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		contacts int
		opts     []Option
	}{
		{"page after page", 2000, []Option{WithSearchConcurrency(1), WithBackfill(false)}},
		{"id ranges at once", 3000, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e, srv, want, state := emptyPageEnv(t, tc.contacts)
			e.opts = append(e.opts, tc.opts...)
			cat := e.catalog(protocol.SyncModeIncremental, stream.Contacts)
			srv.EmptySearchPages(5, 1)
			res := e.read(cat, state)
			if res.code != 0 {
				t.Fatalf("exit %d: %+v", res.code, res.traceErrors())
			}
			if srv.EmptySearchPagesServed() != 1 {
				t.Fatalf("the fake served %d empty pages, want 1", srv.EmptySearchPagesServed())
			}
			checkExactlyOnce(t, idsOf(t, res.records(stream.Contacts)), want)
			if len(e.slept()) == 0 {
				t.Error("the empty page was asked for again without waiting")
			}
		})
	}
}

// TestEmptySearchPagesPersist: when HubSpot keeps answering empty pages that say more follow,
// the stream fails with a transient error, no STATE moves the watermark, and a run resumed from
// the last STATE delivers the rest.
func TestEmptySearchPagesPersist(t *testing.T) {
	t.Parallel()
	e, srv, want, state := emptyPageEnv(t, 2000)
	e.opts = append(e.opts, WithSearchConcurrency(1), WithBackfill(false), WithCheckpointEvery(200))
	cat := e.catalog(protocol.SyncModeIncremental, stream.Contacts)
	srv.EmptySearchPages(5, -1)
	res := e.read(cat, state)
	errs := res.traceErrors()
	if res.code == 0 || len(errs) != 1 {
		t.Fatalf("exit %d with %d TRACE errors; want a failed run with one", res.code, len(errs))
	}
	if te := errs[0].Trace.Error; te.FailureType != "transient_error" || !strings.Contains(te.Message, "empty page") {
		t.Errorf("TRACE %s %q; want a transient error about the empty page", te.FailureType, te.Message)
	}
	watermark := t0.Add(-2 * time.Hour)
	for _, raw := range res.states(stream.Contacts) {
		st, err := ParseContactsState(raw)
		if err != nil {
			t.Fatal(err)
		}
		if !st.LastModified.Equal(watermark) {
			t.Fatalf("STATE %s moved the watermark past contacts not delivered", raw)
		}
	}
	got := idsOf(t, res.records(stream.Contacts))
	if len(got) != 800 {
		t.Errorf("%d contacts before the empty pages, want the 4 pages before them (800)", len(got))
	}

	srv.ClearFaults()
	again := e.read(cat, []byte(statesOf(res)))
	if again.code != 0 {
		t.Fatalf("resumed run: exit %d: %+v", again.code, again.traceErrors())
	}
	all := map[string]bool{}
	for _, id := range append(got, idsOf(t, again.records(stream.Contacts))...) {
		all[id] = true
	}
	if !maps.Equal(all, want) {
		t.Errorf("the two runs delivered %d of the %d contacts", len(all), len(want))
	}
}
