package source

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
)

// failFirst answers the next n calls to ep with status, hdr and body.
func (f *hubFake) failFirst(ep fakehubspot.Endpoint, n, status int, hdr http.Header, body string) {
	f.AnswerNext(ep, n, fakehubspot.Answer{Status: status, Header: hdr, Body: body})
}

func searchState() json.RawMessage {
	return watermarkState(t0.Add(-2 * time.Hour))
}

func TestRateLimitsAreWaitedOut(t *testing.T) {
	for _, tc := range []struct {
		name   string
		hdr    http.Header
		body   string
		wantAt time.Duration
	}{
		{"secondly", nil, `{"status":"error","message":"You have reached your secondly limit.","errorType":"RATE_LIMIT","policyName":"SECONDLY"}`, time.Second},
		{"ten secondly", nil, `{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","policyName":"TEN_SECONDLY_ROLLING"}`, 10 * time.Second},
		{"retry-after", http.Header{"Retry-After": {"3"}}, `{"status":"error","errorType":"RATE_LIMIT"}`, 3 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.fake.addContacts(1, 450, t0.Add(-time.Hour))
			cat := e.catalog(protocol.SyncModeIncremental, "contacts")
			e.fake.failFirst(pathSearch, 1, 429, tc.hdr, tc.body)
			e.fake.resetCounts()
			res := e.read(cat, searchState())
			if res.code != 0 {
				t.Fatalf("exit %d: %v", res.code, res.traceErrors())
			}
			checkExactlyOnce(t, ids(t, res.records("contacts")), wantIDs(1, 450))
			found := false
			for _, d := range e.slept() {
				found = found || d == tc.wantAt
			}
			if !found {
				t.Errorf("sleeps %v do not include %v", e.slept(), tc.wantAt)
			}
		})
	}
}

func TestDailyLimitStopsTheRun(t *testing.T) {
	e := newEnv(t)
	e.opts = append(e.opts, WithCheckpointEvery(100))
	e.fake.addContacts(1, 450, t0.Add(-time.Hour))
	e.fake.AddEventDefinitions(fakehubspot.EventDefinition{Name: "signup", FullyQualifiedName: "pe1_signup"})
	cat := e.catalog(protocol.SyncModeIncremental, "contacts", "event_pe1_signup")
	e.fake.resetCounts()
	// After the first search page, every search meets the daily limit.
	e.fake.OnSearchPage(func([]int64) {
		e.fake.failFirst(pathSearch, 1000, 429, nil,
			`{"policyName":"DAILY","status":"error","message":"You have reached your daily limit.","category":"","correlationId":"corr-123"}`)
		e.fake.OnSearchPage(nil)
	})
	res := e.read(cat, searchState())
	errs := res.traceErrors()
	if res.code == 0 || len(errs) != 1 || errs[0].Trace.Error.FailureType != "transient_error" ||
		!strings.Contains(errs[0].Trace.Error.Message, "daily") {
		t.Fatalf("exit %d, errors %+v; want one transient daily-limit error", res.code, errs)
	}
	if got := e.fake.callCount(pathSearch); got != 2 {
		t.Errorf("search calls = %d: the daily limit must not be retried", got)
	}
	if got := e.fake.callCount(pathEvents); got != 0 {
		t.Errorf("events read %d times after the daily limit stopped the run", got)
	}
	if st := res.statuses(); st[len(st)-1] != "INCOMPLETE" {
		t.Errorf("statuses %v", st)
	}
	// The checkpoint after the first page lets the next run go on from there.
	st, err := ParseContactsState(res.lastState(t, "contacts"))
	if err != nil || st.Resume == nil || st.Resume.AfterID != "200" {
		t.Errorf("last state %+v %v; want a resume point after id 200", st, err)
	}
}

func TestServerErrorsAndDroppedConnectionsAreRetried(t *testing.T) {
	e := newEnv(t)
	e.fake.addContacts(1, 1000, t0.Add(-time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	// Before every search page: a dropped connection, then a 502.
	fail := func([]int64) {
		e.fake.DropNext(pathSearch, 1)
		e.fake.FailNext(pathSearch, 1, http.StatusBadGateway)
	}
	fail(nil)
	e.fake.OnSearchPage(fail)
	res := e.read(cat, searchState())
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	checkExactlyOnce(t, ids(t, res.records("contacts")), wantIDs(1, 1000))
	if len(e.slept()) == 0 {
		t.Error("no backoff waits recorded")
	}
}

func TestPersistentServerErrorFailsWithTransientError(t *testing.T) {
	e := newEnv(t)
	e.fake.addContacts(1, 10, t0.Add(-time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	e.fake.failFirst(pathSearch, 1000, 503, nil, `{"message":"down","correlationId":"c-9"}`)
	res := e.read(cat, searchState())
	errs := res.traceErrors()
	if res.code == 0 || len(errs) != 1 || errs[0].Trace.Error.FailureType != "transient_error" ||
		!strings.Contains(errs[0].Trace.Error.InternalMessage, "c-9") {
		t.Fatalf("exit %d, errors %+v", res.code, errs)
	}
}

func TestBadRequestIsNotRetriedAndQuotesHubSpot(t *testing.T) {
	e := newEnv(t)
	e.fake.addContacts(1, 10, t0.Add(-time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	e.fake.resetCounts()
	e.fake.failFirst(pathSearch, 1000, 400,
		nil, `{"status":"error","message":"There was a problem with the request.","category":"VALIDATION_ERROR","correlationId":"corr-400"}`)
	res := e.read(cat, searchState())
	errs := res.traceErrors()
	if len(errs) != 1 || !strings.Contains(errs[0].Trace.Error.Message, "VALIDATION_ERROR: There was a problem") ||
		strings.Contains(errs[0].Trace.Error.Message, "corr-400") || !strings.Contains(errs[0].Trace.Error.InternalMessage, "corr-400") {
		t.Fatalf("errors %+v", errs)
	}
	if n := e.fake.callCount(pathSearch); n != 1 {
		t.Errorf("400 was sent %d times", n)
	}
}

func TestTokenExpiryMidRun(t *testing.T) {
	e := newEnv(t)
	pages := 0
	e.fake.OnSearchPage(func([]int64) {
		e.clk.Add(7 * time.Minute) // time passes, so tokens also near expiry
		if pages++; pages%4 == 0 {
			e.fake.ExpireAccessTokens() // a token refused after 4 pages: 401, refresh once
		}
	})
	e.opts = append(e.opts, WithCheckpointEvery(100))
	e.fake.addContacts(1, 2000, t0.Add(-time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	e.clk.Set(t0)
	res := e.read(cat, searchState())
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	checkExactlyOnce(t, ids(t, res.records("contacts")), wantIDs(1, 2000))
	if n := e.fake.callCount(pathToken); n < 4 {
		t.Errorf("token endpoint called %d times, want several refreshes", n)
	}
	for _, m := range res.msgs {
		if strings.Contains(m.raw, accessTokenMark) || strings.Contains(m.raw, "refresh-good") {
			t.Fatalf("output leaks a token: %s", m.raw)
		}
	}
}

// TestBackoffOptionSetsTheRetryWaits: a 502 without Retry-After is retried after the wait
// WithBackoff gives for each attempt, and WithMaxAttempts bounds the tries.
func TestBackoffOptionSetsTheRetryWaits(t *testing.T) {
	e := newEnv(t)
	e.fake.addContacts(1, 10, t0.Add(-time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	e.opts = append(e.opts, WithMaxAttempts(3),
		WithBackoff(func(attempt int) time.Duration { return time.Duration(attempt) * 7 * time.Millisecond }))
	e.fake.FailNext(pathSearch, 2, http.StatusBadGateway)
	res := e.read(cat, searchState())
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	checkExactlyOnce(t, ids(t, res.records("contacts")), wantIDs(1, 10))
	var backoffs []time.Duration
	for _, d := range e.slept() {
		if d%(7*time.Millisecond) == 0 {
			backoffs = append(backoffs, d)
		}
	}
	if want := []time.Duration{7 * time.Millisecond, 14 * time.Millisecond}; !slices.Equal(backoffs, want) {
		t.Errorf("retry waits %v (all sleeps %v), want %v from WithBackoff", backoffs, e.slept(), want)
	}

	e.fake.FailNext(pathSearch, 3, http.StatusBadGateway)
	res = e.read(cat, searchState())
	if res.code == 0 {
		t.Fatal("three 502s passed with WithMaxAttempts(3)")
	}
}
