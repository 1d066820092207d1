package insider

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// scripted answers one-user calls from a list of (status, body); after it, 200 {}.
type scripted struct {
	mu      sync.Mutex
	answers [][2]any
	got     []string // "METHOD path body"
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.got = append(s.got, r.Method+" "+r.URL.Path+" "+string(b))
	status, body := 200, "{}"
	if len(s.answers) > 0 {
		status, body = s.answers[0][0].(int), s.answers[0][1].(string)
		s.answers = s.answers[1:]
	}
	s.mu.Unlock()
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func opsFor(t *testing.T, s *scripted) *UserOps {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c := New(Config{BaseURL: srv.URL, PartnerName: "MyBrand", APIKey: "key-123", HTTPClient: srv.Client(), MaxAttempts: 3,
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
	t.Cleanup(c.CloseIdleConnections)
	return NewUserOps(c, OpLimits{Delete: rate.Inf, Anonymize: rate.Inf, Identity: rate.Inf})
}

func TestUserOpsAnswers(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		answers [][2]any
		call    func(*UserOps) (Outcome, Stats, error)
		want    Outcome
		wantErr bool
		refusal bool
		reqs    int
		sent    string
	}{
		{name: "delete done", call: func(u *UserOps) (Outcome, Stats, error) { return u.Delete(ctx, []byte(`{"uuid":"1"}`)) },
			want: Done, reqs: 1, sent: `POST /api/user/v1/delete {"identifiers":{"uuid":"1"}}`},
		{name: "delete retried on 429 and 503", answers: [][2]any{{429, `{"error":"rejected: too many requests"}`}, {503, `{}`}},
			call: func(u *UserOps) (Outcome, Stats, error) { return u.Delete(ctx, []byte(`{"uuid":"1"}`)) }, want: Done, reqs: 3},
		{name: "delete gives up", answers: [][2]any{{500, `{}`}, {500, `{}`}, {500, `{}`}},
			call: func(u *UserOps) (Outcome, Stats, error) { return u.Delete(ctx, []byte(`{"uuid":"1"}`)) }, want: Refused, wantErr: true, reqs: 3},
		{name: "anonymize no such user", answers: [][2]any{{404, `{"error":"no such user for these identifiers: no data"}`}},
			call: func(u *UserOps) (Outcome, Stats, error) { return u.Anonymize(ctx, []byte(`{"email":"a@b.co"}`)) }, want: NoSuchUser, reqs: 1,
			sent: `POST /api/user/v1/anonymize {"identifiers":{"email":"a@b.co"}}`},
		{name: "identity taken", answers: [][2]any{{400, `{"error":"new identifier already has a user assigned to it"}`}},
			call: func(u *UserOps) (Outcome, Stats, error) {
				return u.ChangeIdentity(ctx, []byte(`{"uuid":"1"}`), []byte(`{"uuid":"2"}`))
			}, want: Taken, reqs: 1, sent: `PATCH /api/user/v1/identity {"old_identifier":{"uuid":"1"},"new_identifier":{"uuid":"2"}}`},
		{name: "identity refused", answers: [][2]any{{400, `{"error":"no valid identifier"}`}},
			call: func(u *UserOps) (Outcome, Stats, error) {
				return u.ChangeIdentity(ctx, []byte(`{"uuid":"1"}`), []byte(`{"uuid":"2"}`))
			}, want: Refused, wantErr: true, refusal: true, reqs: 1},
		{name: "auth", answers: [][2]any{{403, `{"success":false,"message":"Access Denied."}`}},
			call: func(u *UserOps) (Outcome, Stats, error) { return u.Delete(ctx, []byte(`{"uuid":"1"}`)) }, want: Refused, wantErr: true, reqs: 1},
		{name: "a 200 that is not JSON is retried, then a failure", answers: [][2]any{{200, `<html>ok</html>`}, {200, ``}, {200, `<html>`}},
			call: func(u *UserOps) (Outcome, Stats, error) { return u.Delete(ctx, []byte(`{"uuid":"1"}`)) }, want: Refused, wantErr: true, reqs: 3},
		{name: "a redirect is not followed", answers: [][2]any{{302, ``}},
			call: func(u *UserOps) (Outcome, Stats, error) { return u.Delete(ctx, []byte(`{"uuid":"1"}`)) }, want: Refused, wantErr: true, reqs: 1},
		{name: "unexpected 404 is a failure", answers: [][2]any{{404, `{"error":"not found: /api/user/v1/delete"}`}},
			call: func(u *UserOps) (Outcome, Stats, error) { return u.Delete(ctx, []byte(`{"uuid":"1"}`)) }, want: Refused, wantErr: true, reqs: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &scripted{answers: tc.answers}
			got, st, err := tc.call(opsFor(t, s))
			if got != tc.want || (err != nil) != tc.wantErr || userRefused(err) != tc.refusal || st.Requests != tc.reqs {
				t.Errorf("outcome %d err %v (refusal %v) requests %d; want %d, error %v, refusal %v, %d requests",
					got, err, userRefused(err), st.Requests, tc.want, tc.wantErr, tc.refusal, tc.reqs)
			}
			if tc.sent != "" && (len(s.got) == 0 || s.got[0] != tc.sent) {
				t.Errorf("sent %q, want %q", s.got, tc.sent)
			}
		})
	}
}

// No 60-second window can hold more requests than Insider allows: a full bucket plus a
// minute of refills stays under each documented limit.
func TestDefaultOpLimitsStayUnderInsiderLimits(t *testing.T) {
	l := DefaultOpLimits()
	for _, c := range []struct {
		name  string
		limit rate.Limit
		max   int
	}{{"delete", l.Delete, DeletePerMinute}, {"anonymize", l.Anonymize, AnonymizePerMinute}, {"identity", l.Identity, IdentityPerMinute},
		{"identifier delete", l.IdentifierDelete, IdentifierDeletePerMinute}, {"profile", l.Profile, ProfilePerMinute}} {
		if worst := float64(burst(c.limit)) + float64(c.limit)*60; worst >= float64(c.max) || worst < 0.9*float64(c.max) {
			t.Errorf("%s: up to %.0f requests a minute, want just under %d", c.name, worst, c.max)
		}
	}
}

func TestUserOpsErrorsCarryNoAPIKey(t *testing.T) {
	s := &scripted{answers: [][2]any{{400, `{"error":"bad token key-123 for partner mybrand"}`}}}
	_, _, err := opsFor(t, s).ChangeIdentity(context.Background(), []byte(`{"uuid":"1"}`), []byte(`{"uuid":"2"}`))
	if err == nil || strings.Contains(err.Error(), "key-123") {
		t.Errorf("error %v: want a refusal with the API key redacted", err)
	}
}

// userRefused reports whether err of a one-user call is Insider refusing the request for this
// user, as the destination reads it: the record is rejected rather than held back.
func userRefused(err error) bool {
	k := KindOf(err)
	return err != nil && (k == KindRefused || k == KindTooLarge)
}
