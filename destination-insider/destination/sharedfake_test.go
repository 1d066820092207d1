package destination

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// TestSharedFakeReplayIsIdempotent writes the same input twice to the
// project's full Insider fake: Insider validates every user the mapper
// builds, and a replay (the next run after a failure) changes no profile
// count and duplicates no event.
func TestSharedFakeReplayIsIdempotent(t *testing.T) {
	t.Parallel()
	srv := fakeinsider.New(fakeinsider.Options{PartnerName: "mybrand", APIKey: "secret-key",
		Clock: func() time.Time { return time.Date(2026, 1, 5, 3, 4, 5, 0, time.UTC) }}) // the events are days old
	t.Cleanup(srv.Close)
	var in []string
	for i := range 50 {
		in = append(in, contact(i+1))
		in = append(in, recordLine("event_signup", fmt.Sprintf(
			`{"id":"e%d","occurredAt":"2026-01-02T03:04:05Z","properties":{"page":"https://x.test/%d"},"contact":{"email":"user%d@example.com"}}`, i, i, i+1)))
	}
	in = append(in, stateLine("contacts", 1), stateLine("event_signup", 1))
	cfg := baseConfig(srv.URL, func(c map[string]any) { c["batch_size"] = 7 })
	for run := range 2 {
		r := runCmd(t, "write", cfg, in)
		if r.code != 0 || len(r.states) != 2 {
			t.Fatalf("run %d: exit %d, %d states, traces %v", run, r.code, len(r.states), r.traces)
		}
	}
	if srv.UsersRejected() != 0 {
		t.Errorf("Insider rejected %d users", srv.UsersRejected())
	}
	if n := srv.ProfileCount(); n != 50 {
		t.Errorf("%d profiles after two runs, want 50", n)
	}
	p, ok := srv.FindByEmail("user7@example.com")
	if !ok || len(p.Events) != 1 || p.Attributes["name"] != "Ann" {
		t.Errorf("profile of user7 = %+v", p)
	}
}

// TestSharedFakeOneRefusedUserDoesNotBlockItsBatch: Insider answers 400 to every request
// holding one user's bytes. That user is isolated, rejected and counted; the other users of its
// batch are delivered and the state is echoed.
func TestSharedFakeOneRefusedUserDoesNotBlockItsBatch(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	srv.RefuseUserBytes(`"Spoiler"`)
	var in []string
	for i := range 10 {
		name := "Ann"
		if i == 6 {
			name = "Spoiler"
		}
		in = append(in, recordLine("contacts", fmt.Sprintf(`{"id":"%d","email":"user%d@example.com","firstname":%q}`, i, i, name)))
	}
	in = append(in, stateLine("contacts", 1))
	r := runCmd(t, "write", baseConfig(srv.URL, func(c map[string]any) { c["batch_size"] = 10 }), in)
	if r.code != 0 {
		t.Fatalf("exit %d, traces %v", r.code, r.traces)
	}
	if n := srv.ProfileCount(); n != 9 {
		t.Errorf("%d profiles in Insider, want the 9 users Insider does not refuse", n)
	}
	if _, ok := srv.FindByEmail("user6@example.com"); ok {
		t.Error("the refused user is in Insider")
	}
	if got := echoes(r); len(got) != 1 || got[0].Count != 9 || got[0].Rejects != 1 {
		t.Errorf("echoed %v, want one state counting 9 delivered and 1 rejected", got)
	}
	if r.summary.Rejected[settle.ReasonInsiderRefused] != 1 {
		t.Errorf("rejected by reason %v, want %s=1", r.summary.Rejected, settle.ReasonInsiderRefused)
	}
}

// TestSharedFakeBodiesAreValidUnicode: raw record values with invalid UTF-8 or lone surrogate
// escapes go out as U+FFFD, so Insider (whose fake refuses such bodies whole) accepts them.
func TestSharedFakeBodiesAreValidUnicode(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	in := []string{
		recordLine("contacts", "{\"id\":\"1\",\"email\":\"a@example.com\",\"firstname\":\"Bad \xff byte\"}"),
		recordLine("contacts", `{"id":"2","email":"b@example.com","firstname":"Lone \ud800 half","lifecyclestage":"ok \ud83d\ude00"}`),
		recordLine("event_signup", `{"id":"e1","occurredAt":"2026-01-02T03:04:05Z","properties":{"page":"https://x.test/\udc00"},"contact":{"email":"c@example.com"}}`),
		stateLine("contacts", 1), stateLine("event_signup", 1),
	}
	r := runCmd(t, "write", baseConfig(srv.URL, nil), in)
	if r.code != 0 || len(r.states) != 2 {
		t.Fatalf("exit %d, %d states, traces %v", r.code, len(r.states), r.traces)
	}
	for email, want := range map[string]string{"a@example.com": "Bad \ufffd byte", "b@example.com": "Lone \ufffd half"} {
		if p, ok := srv.FindByEmail(email); !ok || p.Attributes["name"] != want {
			t.Errorf("profile %s = %+v, want name %q", email, p, want)
		}
	}
	if p, ok := srv.FindByEmail("b@example.com"); !ok || p.Attributes["custom"].(map[string]any)["lifecycle_stage"] != "ok \U0001F600" {
		t.Errorf("a valid surrogate pair was changed: %+v", p)
	}
	if p, ok := srv.FindByEmail("c@example.com"); !ok || len(p.Events) != 1 {
		t.Errorf("event profile = %+v; logs %v", p, r.logs)
	}
}

// TestSharedFakeAnswersThatAreNotInsiders: a 200 whose body is HTML, empty or another JSON
// shape never counts as delivered: the records are held back and the run says what answered.
func TestSharedFakeAnswersThatAreNotInsiders(t *testing.T) {
	t.Parallel()
	for name, a := range map[string]fakeinsider.Answer{"HTML": fakeinsider.AnswerHTML, "empty": fakeinsider.AnswerEmpty, "other JSON": fakeinsider.AnswerOtherJSON} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := sharedFake(t)
			srv.AnswerNext(fakeinsider.EndpointUpsert, 100, a)
			r := runCmd(t, "write", baseConfig(srv.URL, func(c map[string]any) { c["batch_size"] = 2 }),
				[]string{contact(1), contact(2), stateLine("contacts", 1), contact(3), contact(4), stateLine("contacts", 2)})
			if r.code == 0 || len(r.states) != 0 {
				t.Fatalf("exit %d with %d states echoed: an answer that is not Insider's counted as delivered", r.code, len(r.states))
			}
			// The run stops at the first batch's answer, so whether the last record was read by
			// then depends on timing; every record it read is held back.
			if s := r.summary; s.UsersUpserted != 0 || s.RecordsRead < 2 || s.HeldBack != s.RecordsRead {
				t.Errorf("read %d, upserted %d, held back %d; want every record read (at least the first batch's 2) held back",
					s.RecordsRead, s.UsersUpserted, s.HeldBack)
			}
			msg := traceMessage(r)
			if !strings.Contains(msg, "api_base_url") || !strings.Contains(msg, "not Insider's JSON") {
				t.Errorf("trace %q does not say what answered and what to check", msg)
			}
		})
	}
}

// TestSharedFakeRedirectIsNotFollowed: a redirect fails the run with a config error naming the
// target and the field to fix, and no request (so no API key) reaches the target.
func TestSharedFakeRedirectIsNotFollowed(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	var mu sync.Mutex
	var got []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.Header.Get("X-REQUEST-TOKEN"))
		mu.Unlock()
	}))
	t.Cleanup(other.Close)
	srv.AnswerNext(fakeinsider.EndpointAny, 100, fakeinsider.Redirect(http.StatusFound, other.URL+"/api/user/v1/upsert"))
	r := runCmd(t, "write", baseConfig(srv.URL, nil), []string{contact(1), stateLine("contacts", 1)})
	if r.code == 0 || len(r.states) != 0 {
		t.Fatalf("exit %d with %d states echoed after a redirect", r.code, len(r.states))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 0 {
		t.Errorf("the redirect target got %v", got)
	}
	msg := traceMessage(r)
	if !strings.Contains(msg, "set api_base_url to "+other.URL) {
		t.Errorf("trace %q does not name the address to set", msg)
	}
	if ft := r.traces[len(r.traces)-1]["error"].(map[string]any)["failure_type"]; ft != "config_error" {
		t.Errorf("failure_type %v, want config_error", ft)
	}
}

func traceMessage(r cmdResult) string {
	if len(r.traces) == 0 {
		return ""
	}
	return r.traces[len(r.traces)-1]["error"].(map[string]any)["message"].(string)
}
