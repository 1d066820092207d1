package source

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// failFirst answers the first n calls to path with status and body.
func failFirst(path string, n, status int, hdr http.Header, body string) func(http.ResponseWriter, *http.Request, int) bool {
	return func(w http.ResponseWriter, r *http.Request, call int) bool {
		if r.URL.Path != path || call > n {
			return false
		}
		drainBody(r)
		for k, v := range hdr {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
		return true
	}
}

func searchState() json.RawMessage {
	return json.RawMessage(`{"lastmodifieddate":"` + formatTime(t0.Add(-2*time.Hour)) + `"}`)
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
			e.fake.before = failFirst(pathSearch, 1, 429, tc.hdr, tc.body)
			e.fake.calls = map[string]int{}
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
	e.fake.defs = []hubspot.EventDefinition{{Name: "signup", FullyQualifiedName: "pe1_signup"}}
	cat := e.catalog(protocol.SyncModeIncremental, "contacts", "event_pe1_signup")
	e.fake.calls = map[string]int{}
	e.fake.before = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.URL.Path == pathSearch && n >= 2 {
			drainBody(r)
			hubErr(w, 429, "", "You have reached your daily limit.")
			return true
		}
		return false
	}
	e.fake.before = wrapPolicy(e.fake.before, "DAILY")
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

// wrapPolicy adds a policyName to 429 answers written by h.
func wrapPolicy(h func(http.ResponseWriter, *http.Request, int) bool, policy string) func(http.ResponseWriter, *http.Request, int) bool {
	return func(w http.ResponseWriter, r *http.Request, n int) bool {
		return h(&policyWriter{ResponseWriter: w, policy: policy}, r, n)
	}
}

type policyWriter struct {
	http.ResponseWriter
	policy string
	status int
}

func (p *policyWriter) WriteHeader(s int) { p.status = s; p.ResponseWriter.WriteHeader(s) }
func (p *policyWriter) Write(b []byte) (int, error) {
	if p.status == 429 {
		b = []byte(strings.Replace(string(b), `{`, `{"policyName":"`+p.policy+`",`, 1))
	}
	return p.ResponseWriter.Write(b)
}

func TestServerErrorsAndDroppedConnectionsAreRetried(t *testing.T) {
	e := newEnv(t)
	e.fake.addContacts(1, 1000, t0.Add(-time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	e.fake.calls = map[string]int{}
	e.fake.before = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.URL.Path != pathSearch {
			return false
		}
		switch n % 4 {
		case 1:
			drainBody(r)
			hubErr(w, 502, "", "Bad Gateway")
			return true
		case 2:
			// Drop the connection mid-request.
			hj, ok := w.(http.Hijacker)
			if !ok {
				t.Fatal("cannot hijack")
			}
			c, _, err := hj.Hijack()
			if err == nil {
				_ = c.Close()
			}
			return true
		}
		return false
	}
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
	e.fake.before = failFirst(pathSearch, 1000, 503, nil, `{"message":"down","correlationId":"c-9"}`)
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
	e.fake.calls = map[string]int{}
	e.fake.before = failFirst(pathSearch, 1000, 400,
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
	e.fake.tokenUses = 4                 // the fake refuses a token after 4 calls: 401, refresh once
	e.fake.tickPerCall = 7 * time.Minute // and time passes, so tokens also near expiry
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
		if strings.Contains(m.raw, "access-") || strings.Contains(m.raw, "refresh-good") {
			t.Fatalf("output leaks a token: %s", m.raw)
		}
	}
}
