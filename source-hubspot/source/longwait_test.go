package source

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/protocol"
)

// TestLongRetryAfterEndsTheRunWithTransientError checks that a 429 asking for half an hour is
// not waited out: the wait is logged with the endpoint, and the run ends at once with a
// transient_error that says when to run again, keeping the states of what was delivered.
func TestLongRetryAfterEndsTheRunWithTransientError(t *testing.T) {
	e := newEnv(t)
	e.fake.addContacts(1, 50, t0.Add(-time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	e.fake.failFirst(pathSearch, 1, 429, http.Header{"Retry-After": {"1800"}},
		`{"status":"error","message":"You have reached your limit.","errorType":"RATE_LIMIT"}`)
	res := e.read(cat, searchState())
	if res.code == 0 {
		t.Fatal("the run succeeded")
	}
	for _, d := range e.slept() {
		if d >= time.Minute {
			t.Errorf("the run waited %v", d)
		}
	}
	errs := res.traceErrors()
	if len(errs) == 0 {
		t.Fatal("no TRACE error")
	}
	te := errs[len(errs)-1].Trace.Error
	if te.FailureType != "transient_error" {
		t.Errorf("failure_type %s, want transient_error", te.FailureType)
	}
	for _, want := range []string{"30m0s", "/contacts/search", "run the sync again after 2026-03-01 12:30 UTC"} {
		if !strings.Contains(te.Message, want) {
			t.Errorf("message %q does not contain %q", te.Message, want)
		}
	}
	warned := false
	for _, l := range res.logs("WARN") {
		warned = warned || (strings.Contains(l, "30m0s") && strings.Contains(l, "/contacts/search"))
	}
	if !warned {
		t.Errorf("no WARN names the wait and the endpoint: %v", res.logs("WARN"))
	}
}
