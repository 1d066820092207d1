package fakeinsider_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehttp"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

type result struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func post(t *testing.T, s *fakeinsider.Server, path, partner, key string, body any) result {
	t.Helper()
	return send(t, s, "POST", path, partner, key, body)
}

// send sends method path with the given credentials; body is sent as is when it is []byte and
// as JSON otherwise.
func send(t *testing.T, s *fakeinsider.Server, method, path, partner, key string, body any) result {
	t.Helper()
	var b []byte
	switch v := body.(type) {
	case []byte:
		b = v
	default:
		var err error
		if b, err = json.Marshal(body); err != nil {
			t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-PARTNER-NAME", partner)
	req.Header.Set("X-REQUEST-TOKEN", key)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := result{status: res.StatusCode, header: res.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

func upsert(t *testing.T, s *fakeinsider.Server, body any) result {
	t.Helper()
	return post(t, s, "/api/user/v1/upsert", "testpartner", "test-api-key", body)
}

func newServer(t *testing.T) *fakeinsider.Server {
	t.Helper()
	s := fakeinsider.New(fakeinsider.Options{Clock: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	t.Cleanup(s.Close)
	return s
}

func users(us ...map[string]any) map[string]any { return map[string]any{"users": us} }

func TestAuth(t *testing.T) {
	s := newServer(t)
	body := users(map[string]any{"identifiers": map[string]any{"email": "a@b.co"}, "attributes": map[string]any{"name": "A"}})
	for _, tc := range []struct {
		name, partner, key string
		deny               bool
		status             int
		message            string
	}{
		{"wrong key", "testpartner", "nope", false, 401, "Partner token authentication failed."},
		{"missing key", "testpartner", "", false, 401, "Partner token authentication failed."},
		{"uppercase partner", "TestPartner", "test-api-key", false, 400, "Partner is invalid."},
		{"other partner", "other", "test-api-key", false, 400, "Partner is invalid."},
		{"key without the API", "testpartner", "test-api-key", true, 403, "Access Denied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.deny {
				s.DenyAccess()
				defer s.ClearFaults()
			}
			r := post(t, s, "/api/user/v1/upsert", tc.partner, tc.key, body)
			if r.status != tc.status || r.body["success"] != false || !strings.Contains(r.raw, tc.message) {
				t.Fatalf("got %d %s, want %d %q", r.status, r.raw, tc.status, tc.message)
			}
		})
	}
	if s.ProfileCount() != 0 {
		t.Fatal("rejected requests must not store anything")
	}
	if r := post(t, s, "/api/user/v3/metadata/columns", "testpartner", "bad", map[string]string{"table": "contacts"}); r.status != 401 {
		t.Fatalf("columns with bad key: %d", r.status)
	}
	r := post(t, s, "/api/user/v3/metadata/columns", "testpartner", "test-api-key", map[string]string{"table": "contacts"})
	if r.status != 200 || !strings.Contains(r.raw, `"key":"email"`) {
		t.Fatalf("columns: %d %s", r.status, r.raw)
	}
}

func TestLimits(t *testing.T) {
	s := newServer(t)
	many := make([]map[string]any, 1001)
	for i := range many {
		many[i] = map[string]any{"identifiers": map[string]any{"uuid": "u"}, "attributes": map[string]any{"name": "x"}}
	}
	if r := upsert(t, s, users(many...)); r.status != 400 || r.body["error"] == nil {
		t.Fatalf("1001 users: %d %s", r.status, r.raw)
	}
	if r := upsert(t, s, users(many[:1000]...)); r.status != 200 {
		t.Fatalf("1000 users: %d %s", r.status, r.raw)
	}
	big := []byte(`{"users":[{"identifiers":{"uuid":"big"},"attributes":{"name":"` + strings.Repeat("x", 5000000) + `"}}]}`)
	r := upsert(t, s, big)
	if r.status != 400 || r.body["error"] != "request body is bigger than maximum allowed size 5,000,000 bytes" {
		t.Fatalf("big body: %d %.200s", r.status, r.raw)
	}
	if r := upsert(t, s, map[string]any{"skip_hook": true}); r.status != 400 || r.body["error"] != "users must be defined: bad request" {
		t.Fatalf("no users: %d %s", r.status, r.raw)
	}
	if s.Count4xx() != 3 {
		t.Fatalf("Count4xx = %d", s.Count4xx())
	}
}

func TestPerUserValidation(t *testing.T) {
	s := newServer(t)
	r := upsert(t, s, users(
		map[string]any{"identifiers": map[string]any{"email": "ok@example.com"}, "attributes": map[string]any{"name": "Ok"}},
		map[string]any{"identifiers": map[string]any{"email": "sample"}, "attributes": map[string]any{"name": "x"}},
		map[string]any{"identifiers": map[string]any{"phone_number": "12345"}, "attributes": map[string]any{"name": "x"}},
		map[string]any{"identifiers": map[string]any{"uuid": 12345}, "attributes": map[string]any{"name": "x"}},
		map[string]any{"identifiers": map[string]any{"uuid": "u1"}, "events": []any{map[string]any{"event_name": "homepageView", "timestamp": "2023-02-10T21:35:20Z"}}},
		map[string]any{"attributes": map[string]any{"name": "x"}},
		map[string]any{"identifiers": map[string]any{"uuid": "u2"}},
		map[string]any{"identifiers": map[string]any{"fax": "1"}, "attributes": map[string]any{"name": "x"}},
		map[string]any{"identifiers": map[string]any{"uuid": "u3"}, "events": []any{map[string]any{"event_name": "purchase", "timestamp": "2023-02-10T21:35:20Z", "event_params": map[string]any{"currency": "USD", "quantity": 1}}}},
	))
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	var got struct {
		Data struct {
			Successful struct{ Count int } `json:"successful"`
			Fail       struct {
				Count  int                 `json:"count"`
				Errors map[string][]string `json:"errors"`
			} `json:"fail"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.raw), &got); err != nil {
		t.Fatal(err)
	}
	if got.Data.Successful.Count != 1 || got.Data.Fail.Count != 8 {
		t.Fatalf("counts: %s", r.raw)
	}
	want := map[string]string{
		`users.1.identifiers.*.regexp(^.+@.+\..+$)`:                       "not a valid email address: sample",
		`users.2.identifiers.*.regexp(^\+[1-9]\d{6,14}$)`:                 "user has an invalid phone number: 12345",
		`users.3.identifiers.*.type(string)`:                              "uuid must be string: 12345",
		`users.4.events.0.event_name.*.regexp(^[a-z0-9][a-zA-Z0-9._-]*$)`: "invalid event name: homepageView",
		`users.5.identifiers.required`:                                    "either insider_id or idenifiers must be specified",
		`users.5.insider_id.required`:                                     "either insider_id or idenifiers must be specified",
		`users.6.attributes.required`:                                     "either attributes or events must be specified",
		`users.7.identifiers.*.in(defaults_column)`:                       "key must be one of phone_number(pn), email(em) or uuid",
		`users.8.events.0.event_params.*.required`:                        "event_group_id parameter is required on purchase event",
	}
	for k, msg := range want {
		if len(got.Data.Fail.Errors[k]) == 0 || got.Data.Fail.Errors[k][0] != msg {
			t.Errorf("errors[%s] = %v, want %q", k, got.Data.Fail.Errors[k], msg)
		}
	}
	if s.ProfileCount() != 1 || s.UsersRejected() != 8 || s.UsersAccepted() != 1 {
		t.Fatalf("profiles %d rejected %d", s.ProfileCount(), s.UsersRejected())
	}
	// An all-good request answers {"successful":{"count":n},"fail":{}}.
	r = upsert(t, s, users(map[string]any{"identifiers": map[string]any{"uuid": "z"}, "attributes": map[string]any{"age": 3}}))
	if r.raw != `{"data":{"successful":{"count":1},"fail":{}}}` {
		t.Fatalf("success body: %s", r.raw)
	}
}

func TestMergeAndDedup(t *testing.T) {
	s := newServer(t)
	ev := map[string]any{"event_name": "newsletter_signup", "timestamp": "2025-12-01T10:00:00Z",
		"event_params": map[string]any{"url": "https://x", "custom": map[string]any{"plan": "free"}}}
	first := users(map[string]any{"identifiers": map[string]any{"email": "a@example.com"},
		"attributes": map[string]any{"name": "A", "static_segment_id": []any{1}, "custom": map[string]any{"tags": []any{"x"}}},
		"events":     []any{ev}})
	upsert(t, s, first)
	upsert(t, s, first) // replay: same event is stored once, arrays append without duplicates
	upsert(t, s, users(map[string]any{"identifiers": map[string]any{"email": "a@example.com", "phone_number": "+14155550100"},
		"attributes": map[string]any{"surname": "B", "static_segment_id": []any{2}, "custom": map[string]any{"tags": []any{"y"}}}}))
	p, ok := s.FindByPhone("+14155550100")
	if !ok {
		t.Fatal("phone identifier not added to the profile")
	}
	if p.Identifiers.Email != "a@example.com" || p.Attributes["name"] != "A" || p.Attributes["surname"] != "B" {
		t.Fatalf("merge: %+v", p)
	}
	if segs := p.Attributes["static_segment_id"].([]any); len(segs) != 2 {
		t.Fatalf("append: %v", segs)
	}
	if len(p.Events) != 1 || p.Upserts != 3 {
		t.Fatalf("events %d upserts %d", len(p.Events), p.Upserts)
	}
	// not_append overwrites arrays; a different timestamp is a new event.
	ev2 := map[string]any{"event_name": "newsletter_signup", "timestamp": "2025-12-01T11:00:00+01:00",
		"event_params": map[string]any{"url": "https://x", "custom": map[string]any{"plan": "free"}}}
	upsert(t, s, users(map[string]any{"identifiers": map[string]any{"email": "a@example.com"}, "not_append": true,
		"attributes": map[string]any{"static_segment_id": []any{9}}, "events": []any{ev2}}))
	p, _ = s.FindByEmail("a@example.com")
	if segs := p.Attributes["static_segment_id"].([]any); len(segs) != 1 || segs[0] != float64(9) {
		t.Fatalf("not_append: %v", segs)
	}
	if len(p.Events) != 1 {
		t.Fatalf("11:00+01:00 is the same instant as 10:00Z: events %d", len(p.Events))
	}
	// Two profiles joined by a user carrying both identifiers are unified.
	upsert(t, s, users(map[string]any{"identifiers": map[string]any{"uuid": "u-9"}, "attributes": map[string]any{"city": "X"}}))
	upsert(t, s, users(map[string]any{"identifiers": map[string]any{"uuid": "u-9", "email": "a@example.com"}, "attributes": map[string]any{"age": 5}}))
	if s.ProfileCount() != 1 {
		t.Fatalf("profiles %d, want 1 after unification", s.ProfileCount())
	}
	var buf bytes.Buffer
	if err := s.DumpJSON(&buf); err != nil || !strings.Contains(buf.String(), `"uuid": "u-9"`) {
		t.Fatalf("dump: %v %s", err, buf.String())
	}
}

func TestFaults(t *testing.T) {
	s := newServer(t)
	body := users(map[string]any{"identifiers": map[string]any{"email": "bad@example.com"}, "attributes": map[string]any{"name": "x"}})
	s.RateLimitNext(fakeinsider.EndpointUpsert, 1, 2*time.Second)
	s.FailNext(fakeinsider.EndpointAny, 1, 503)
	r := upsert(t, s, body)
	if r.status != 429 || r.header.Get("Retry-After") != "2" || r.body["error"] != "rejected: too many requests" {
		t.Fatalf("429: %d %v %s", r.status, r.header, r.raw)
	}
	if r = upsert(t, s, body); r.status != 503 {
		t.Fatalf("503: %d", r.status)
	}
	s.FailIdentifier("bad@example.com")
	for i := 0; i < 2; i++ {
		if r = upsert(t, s, body); r.status != 500 {
			t.Fatalf("failing identifier: %d", r.status)
		}
	}
	s.DropNext(fakeinsider.EndpointUpsert, 1)
	req, _ := http.NewRequest("POST", s.URL+"/api/user/v1/upsert", strings.NewReader(`{"users":[]}`))
	req.Header.Set("X-PARTNER-NAME", "testpartner")
	req.Header.Set("X-REQUEST-TOKEN", "test-api-key")
	if !fakehttp.AnswerFails(req) {
		t.Fatal("dropped connection gave no error")
	}
	s.ClearFaults()
	if r = upsert(t, s, map[string]any{"skip_hook": true, "users": []any{map[string]any{"identifiers": map[string]any{"email": "bad@example.com"}, "attributes": map[string]any{"name": "x"}}}}); r.status != 200 {
		t.Fatalf("after clear: %d", r.status)
	}
	if s.Count5xx() != 3 || s.StatusCount(429) != 1 || s.ProfileCount() != 1 {
		t.Fatalf("5xx %d 429 %d profiles %d", s.Count5xx(), s.StatusCount(429), s.ProfileCount())
	}
	hooks := s.SkipHooks()
	if len(hooks) != 1 || hooks[0] == nil || !*hooks[0] {
		t.Fatalf("skip hooks %v", hooks)
	}
	if len(s.LastBodies(1)) != 1 {
		t.Fatal("last body not kept")
	}
}

// TestArrays: array attributes, default and custom (hubspot_lists is declared an array by
// default), append new values; not_append: true or append: false overwrite, append wins when
// both are sent, and a top-level not_append is not the documented placement and is ignored.
func TestArrays(t *testing.T) {
	s := newServer(t)
	if r := post(t, s, "/api/user/v3/metadata/columns", "testpartner", "test-api-key", map[string]string{"table": "contacts"}); !strings.Contains(r.raw, `{"display_name":"hubspot_lists","key":"c_hubspot_lists","type":"array"}`) {
		t.Errorf("metadata %s: want hubspot_lists declared as an array", r.raw)
	}
	lists := func(u map[string]any) []any {
		t.Helper()
		mustUpsert(t, s, u)
		p, _ := s.FindByUUID("1")
		got, _ := p.Attributes["custom"].(map[string]any)["hubspot_lists"].([]any)
		return got
	}
	user := func(vals ...any) map[string]any {
		return map[string]any{"identifiers": map[string]any{"uuid": "1"}, "attributes": map[string]any{"custom": map[string]any{"hubspot_lists": vals}}}
	}
	for _, tc := range []struct {
		name string
		user map[string]any
		want string
	}{
		{"first", user("A", "B"), "[A B]"},
		{"append", user("B", "C"), "[A B C]"},
		{"not_append", with(user("D"), "not_append", true), "[D]"},
		{"append false", with(user("E"), "append", false), "[E]"},
		{"append wins", with(with(user("F"), "append", true), "not_append", true), "[E F]"},
	} {
		if got := lists(tc.user); fmt.Sprint(got) != tc.want {
			t.Errorf("%s: hubspot_lists %v, want %s", tc.name, got, tc.want)
		}
	}
	if r := upsert(t, s, map[string]any{"not_append": true, "users": []any{user("G")}}); r.status != 200 {
		t.Fatalf("upsert: %d %s", r.status, r.raw)
	}
	if p, _ := s.FindByUUID("1"); fmt.Sprint(p.Attributes["custom"]) != "map[hubspot_lists:[E F G]]" {
		t.Errorf("top-level not_append: %v, want G appended", p.Attributes["custom"])
	}
}

// with returns a copy of m with k set to v.
func with(m map[string]any, k string, v any) map[string]any {
	c := maps.Clone(m)
	c[k] = v
	return c
}
