package destination

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// echoed is a compact view of an echoed state.
type echoed struct {
	Stream              string
	Seq, Count, Rejects int
}

func echoes(r cmdResult) []echoed {
	var out []echoed
	for _, s := range r.states {
		st, seq, c, rj := stateInfo(s)
		out = append(out, echoed{st, seq, c, rj})
	}
	return out
}

func TestWriteHappyPath(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	url := f.URL
	in := []string{
		contact(1), contact(2),
		stateLine("contacts", 1),
		`{"type":"LOG","log":{"level":"INFO","message":"from the source"}}`,
		`not json at all`,
		recordLine("event_signup", `{"id":"e1","occurredAt":"2026-01-02T03:04:05.678Z","properties":{"page":"https://x.test/a"},"contact":{"email":"USER1@example.com"}}`),
		recordLine("companies", `{"id":"c1"}`),
		stateLine("companies", 1),
		contact(3),
		recordLine("contacts", `{"id":"4","email":"null","firstname":"Bob"}`), // a placeholder, not an email
		stateLine("contacts", 2),
		stateLine("event_signup", 1),
	}
	r := runCmd(t, "write", baseConfig(url, func(c map[string]any) { c["batch_size"] = 2 }), in)
	if r.code != 0 {
		t.Fatalf("exit %d, traces %v, logs %v", r.code, r.traces, r.logs)
	}
	want := []echoed{{"contacts", 1, 2, 0}, {"companies", 1, 1, 0}, {"contacts", 2, 1, 1}, {"event_signup", 1, 1, 0}}
	if diff := cmp.Diff(want, echoes(r)); diff != "" {
		t.Errorf("echoed states (-want +got):\n%s", diff)
	}
	users := f.users()
	if len(users) != 4 {
		t.Fatalf("Insider got %d users, want 4", len(users))
	}
	var sawEvent bool
	for _, u := range users {
		if !u.NotAppend {
			t.Errorf("user %v lacks not_append", u.Identifiers)
		}
		if len(u.Events) > 0 {
			sawEvent = true
			want := map[string]any{"event_name": "newsletter_signup", "timestamp": "2026-01-02T03:04:05.678Z",
				"event_params": map[string]any{"url": "https://x.test/a"}}
			if diff := cmp.Diff(want, u.Events[0]); diff != "" {
				t.Errorf("event (-want +got):\n%s", diff)
			}
			if u.Identifiers["email"] != "user1@example.com" {
				t.Errorf("event identifiers = %v", u.Identifiers)
			}
		}
	}
	if !sawEvent {
		t.Error("no event was sent")
	}
	s := r.summary
	if s == nil {
		t.Fatal("no summary")
	}
	if s.RecordsRead != 6 || s.UsersUpserted != 4 || s.EventsSent != 1 || s.Ignored != 1 || s.Undecodable != 1 ||
		s.Rejected[mapping.ReasonInvalidIdentifier] != 1 || s.HeldBack != 0 || s.StatesEchoed != 4 {
		t.Errorf("summary = %+v", *s)
	}
	if !strings.Contains(strings.Join(r.logs, "\n"), "write summary") {
		t.Errorf("no summary log line in %v", r.logs)
	}
	var ignoredNotes int
	for _, l := range r.logs {
		if strings.Contains(l, "records of this stream are ignored") && strings.Contains(l, "stream=companies") {
			ignoredNotes++
		}
	}
	if ignoredNotes != 1 {
		t.Errorf("the ignored stream was reported %d times, want once: %v", ignoredNotes, r.logs)
	}
}

func TestWriteInsiderRejectsUsers(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	f.RejectUserBytes(`"uuid":"1002"`, "attributes.age.numeric", "age must be a number: 12x")
	r := runCmd(t, "write", baseConfig(f.URL, nil), []string{contact(1), contact(2), contact(3), stateLine("contacts", 1)})
	if r.code != 0 {
		t.Fatalf("exit %d: %v", r.code, r.traces)
	}
	if diff := cmp.Diff([]echoed{{"contacts", 1, 2, 1}}, echoes(r)); diff != "" {
		t.Errorf("echoed states (-want +got):\n%s", diff)
	}
	logs := strings.Join(r.logs, "\n")
	if !strings.Contains(logs, "age must be a number: ***") || strings.Contains(logs, "12x") {
		t.Errorf("rejection log should carry Insider's message with the value masked: %s", logs)
	}
	if r.summary.Rejected[settle.ReasonInsider] != 1 || r.summary.UsersUpserted != 2 {
		t.Errorf("summary = %+v", *r.summary)
	}
}

func TestWriteRetries(t *testing.T) {
	t.Parallel()
	// A dropped connection, a 429 asking for 2 s, a 500, then Insider's answer.
	f := newInsider(t, fakeinsider.Options{})
	f.DropNext(fakeinsider.EndpointUpsert, 1)
	f.RateLimitNext(fakeinsider.EndpointUpsert, 1, 2*time.Second)
	f.FailNext(fakeinsider.EndpointUpsert, 1, http.StatusInternalServerError)
	r := runCmd(t, "write", baseConfig(f.URL, nil), []string{contact(1), stateLine("contacts", 1)}, WithMaxAttempts(4))
	if r.code != 0 {
		t.Fatalf("exit %d: %v", r.code, r.traces)
	}
	if diff := cmp.Diff([]echoed{{"contacts", 1, 1, 0}}, echoes(r)); diff != "" {
		t.Errorf("echoed states (-want +got):\n%s", diff)
	}
	if r.summary.Requests != 4 || r.summary.Retries != 3 {
		t.Errorf("requests %d retries %d, want 4 and 3", r.summary.Requests, r.summary.Retries)
	}
}

func TestWriteBatchFailsForGood(t *testing.T) {
	t.Parallel()
	// Every request holding contact 3 fails with 503; the others succeed.
	f := newInsider(t, fakeinsider.Options{})
	f.FailIdentifierWith("1003", http.StatusServiceUnavailable)
	in := []string{
		contact(1), contact(2), stateLine("contacts", 1),
		contact(3), contact(4), stateLine("contacts", 2),
		recordLine("event_signup", `{"id":"e1","occurredAt":"2026-01-02T03:04:05Z","contact":{"email":"a@b.co"}}`),
		stateLine("event_signup", 1),
		contact(5), contact(6), stateLine("contacts", 3),
	}
	cfg := baseConfig(f.URL, func(c map[string]any) { c["batch_size"] = 2; c["max_concurrent_requests"] = 1 })
	r := runCmd(t, "write", cfg, in)
	if r.code == 0 {
		t.Fatal("exit 0 after a batch failed for good")
	}
	if diff := cmp.Diff([]echoed{{"contacts", 1, 2, 0}, {"event_signup", 1, 1, 0}}, echoes(r)); diff != "" {
		t.Errorf("echoed states (-want +got):\n%s", diff)
	}
	// The rest of the input was still delivered.
	var got []string
	for _, u := range f.users() {
		if id, ok := u.Identifiers["uuid"].(string); ok && (id == "1005" || id == "1006") {
			got = append(got, id)
		}
	}
	if len(got) != 2 {
		t.Errorf("records after the failed batch were not delivered: %v", got)
	}
	if len(r.traces) != 1 {
		t.Fatalf("want one TRACE, got %v", r.traces)
	}
	e := r.traces[0]["error"].(map[string]any)
	if e["failure_type"] != "transient_error" || !strings.Contains(e["message"].(string), "4 records were held back") {
		t.Errorf("trace error = %v", e)
	}
	if r.summary.HeldBack != 4 {
		t.Errorf("HeldBack = %d, want 4", r.summary.HeldBack)
	}
}

func TestWriteByteLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: writes 16 MB of records, which takes seconds")
	}
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	big := strings.Repeat("x", 1_200_000)
	var in []string
	for i := range 9 {
		in = append(in, recordLine("contacts", fmt.Sprintf(`{"id":"%d","hs_object_id":"%d","lifecyclestage":%q}`, i, i+10, big)))
	}
	in = append(in, recordLine("contacts", fmt.Sprintf(`{"id":"huge","hs_object_id":"99","lifecyclestage":%q}`, strings.Repeat("y", 5_000_000))))
	in = append(in, stateLine("contacts", 1))
	r := runCmd(t, "write", baseConfig(f.URL, nil), in)
	if r.code != 0 {
		t.Fatalf("exit %d: %v", r.code, r.traces)
	}
	for i, b := range f.bodies() {
		if len(b) > f.Options().MaxBodyBytes {
			t.Errorf("request %d has %d bytes", i, len(b))
		}
	}
	if len(f.bodies()) != 3 || len(f.users()) != 9 {
		t.Errorf("requests %d users %d, want 3 requests (4+4+1 users) and 9 users", len(f.bodies()), len(f.users()))
	}
	if diff := cmp.Diff([]echoed{{"contacts", 1, 9, 1}}, echoes(r)); diff != "" {
		t.Errorf("echoed states (-want +got):\n%s", diff)
	}
	if r.summary.Rejected[settle.ReasonTooLarge] != 1 {
		t.Errorf("summary = %+v", *r.summary)
	}
}

func TestWriteDryRun(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	cfg := baseConfig(f.URL, func(c map[string]any) { c["dry_run"] = true; c["batch_size"] = 2 })
	var in []string
	for i := range 9 {
		in = append(in, contact(i+1))
	}
	in = append(in, stateLine("contacts", 1))
	r := runCmd(t, "write", cfg, in)
	if r.code != 0 || len(r.states) != 0 || len(f.bodies()) != 0 {
		t.Fatalf("exit %d, states %d, requests %d", r.code, len(r.states), len(f.bodies()))
	}
	var bodies []string
	for _, l := range r.logs {
		if strings.HasPrefix(l, "dry run: upsert body") {
			bodies = append(bodies, l)
		}
	}
	if len(bodies) != 3 {
		t.Fatalf("want 3 logged bodies, got %d: %v", len(bodies), r.logs)
	}
	if strings.Contains(bodies[0], "example.com") || strings.Contains(bodies[0], "Ann") || !strings.Contains(bodies[0], `"email":"***"`) {
		t.Errorf("body not masked: %s", bodies[0])
	}
	if r.summary.UsersUpserted != 9 || r.summary.Requests != 5 || !r.summary.DryRun {
		t.Errorf("summary = %+v", *r.summary)
	}
}

func TestWriteFailRunPolicy(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	cfg := baseConfig(f.URL, func(c map[string]any) { c["invalid_identifier_policy"] = "fail_run" })
	in := []string{contact(1), stateLine("contacts", 1), recordLine("contacts", `{"id":"2","email":"not-an-email","firstname":"x"}`), contact(3), stateLine("contacts", 2)}
	r := runCmd(t, "write", cfg, in)
	if r.code == 0 {
		t.Fatal("exit 0 under fail_run with an invalid identifier")
	}
	if diff := cmp.Diff([]echoed{{"contacts", 1, 1, 0}}, echoes(r)); diff != "" {
		t.Errorf("echoed states (-want +got):\n%s\nlogs %v", diff, r.logs)
	}
	e := r.traces[len(r.traces)-1]["error"].(map[string]any)
	if !strings.Contains(e["message"].(string), "fail_run") || strings.Contains(e["message"].(string), "not-an-email") {
		t.Errorf("trace = %v", e)
	}
}

func TestWriteOversizeAnswerSplitsBatch(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{MaxBodyBytes: 1500}) // Insider counting bytes differently from us
	var in []string
	for i := range 10 {
		in = append(in, contact(i+1))
	}
	in = append(in, stateLine("contacts", 1))
	r := runCmd(t, "write", baseConfig(f.URL, nil), in)
	if r.code != 0 {
		t.Fatalf("exit %d: %v", r.code, r.traces)
	}
	if diff := cmp.Diff([]echoed{{"contacts", 1, 10, 0}}, echoes(r)); diff != "" {
		t.Errorf("echoed states (-want +got):\n%s", diff)
	}
	accepted := 0
	for _, b := range f.bodies() {
		if len(b) <= 1500 {
			accepted += strings.Count(string(b), `"not_append":true`)
		}
	}
	if accepted != 10 || r.summary.UsersUpserted != 10 {
		t.Errorf("accepted %d users, summary %+v", accepted, *r.summary)
	}
}

func TestWriteWindowBoundsRequestsInFlight(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	inflight, most := 0, 0
	// Each answer takes a while (the sleep yields), so that requests overlap if the window lets them.
	f := newInsider(t, fakeinsider.Options{Sleep: func(context.Context, time.Duration) {
		mu.Lock()
		inflight++
		most = max(most, inflight)
		mu.Unlock()
		for range 50 {
			runtime.Gosched()
		}
		mu.Lock()
		inflight--
		mu.Unlock()
	}})
	f.SetLatency(fakeinsider.EndpointUpsert, time.Nanosecond)
	var in []string
	for i := range 40 {
		in = append(in, contact(i+1))
	}
	in = append(in, stateLine("contacts", 1))
	cfg := baseConfig(f.URL, func(c map[string]any) { c["batch_size"] = 1; c["max_concurrent_requests"] = 3 })
	r := runCmd(t, "write", cfg, in)
	if r.code != 0 || len(f.bodies()) != 40 {
		t.Fatalf("exit %d, %d requests", r.code, len(f.bodies()))
	}
	if most > 3 {
		t.Errorf("%d requests were in flight at once, max_concurrent_requests is 3", most)
	}
}

func TestWriteSendsOldBatchOnState(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	var mu sync.Mutex
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	// Every reading of the clock is 15 s after the previous one.
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(maxBatchAge / 2)
		return now
	}
	in := []string{contact(1), stateLine("contacts", 1), contact(2), stateLine("contacts", 2), contact(3)}
	r := runCmd(t, "write", baseConfig(f.URL, nil), in, WithClock(clock))
	if r.code != 0 {
		t.Fatalf("exit %d: %v", r.code, r.traces)
	}
	// Write starts at T+15s; contact 1 opens a batch at T+30s; at the first
	// state the clock reads T+45s (15 s old: it waits); at the second, T+60s:
	// the batch is 30 s old and is sent; contact 3 is sent at the end.
	if len(f.bodies()) != 2 {
		t.Errorf("%d requests, want 2 (one when the batch got old, one at the end)", len(f.bodies()))
	}
	if diff := cmp.Diff([]echoed{{"contacts", 1, 1, 0}, {"contacts", 2, 1, 0}}, echoes(r)); diff != "" {
		t.Errorf("echoed states (-want +got):\n%s", diff)
	}
}
