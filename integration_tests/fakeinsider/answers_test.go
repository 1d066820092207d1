package fakeinsider_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

func TestAnswersThatAreNotInsiders(t *testing.T) {
	s := newServer(t)
	body := users(map[string]any{"identifiers": map[string]any{"email": "a@example.com"}, "attributes": map[string]any{"name": "x"}})
	s.AnswerNext(fakeinsider.EndpointUpsert, 1, fakeinsider.AnswerHTML)
	s.AnswerNext(fakeinsider.EndpointUpsert, 1, fakeinsider.AnswerEmpty)
	s.AnswerNext(fakeinsider.EndpointAny, 1, fakeinsider.Redirect(http.StatusFound, "https://elsewhere.test/api/user/v1/upsert"))
	if r := upsert(t, s, body); r.status != 200 || r.header.Get("Content-Type") != "text/html; charset=utf-8" || r.body != nil {
		t.Errorf("HTML answer: %d %v %q", r.status, r.header, r.raw)
	}
	if r := upsert(t, s, body); r.status != 200 || r.raw != "" {
		t.Errorf("empty answer: %d %q", r.status, r.raw)
	}
	// http.DefaultClient follows the redirect to the unreachable host, so read it raw.
	req, _ := http.NewRequest("POST", s.URL+"/api/user/v1/upsert", nil)
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "https://elsewhere.test/api/user/v1/upsert" {
		t.Errorf("redirect: %d %v", res.StatusCode, res.Header)
	}
	if s.ProfileCount() != 0 {
		t.Errorf("%d profiles stored from answers that were not Insider's", s.ProfileCount())
	}
	if r := upsert(t, s, body); r.status != 200 || s.ProfileCount() != 1 {
		t.Errorf("after the queued answers: %d, %d profiles", r.status, s.ProfileCount())
	}
}

func TestRefuseUserBytes(t *testing.T) {
	s := newServer(t)
	s.RefuseUserBytes(`"spoiler"`)
	good := map[string]any{"identifiers": map[string]any{"email": "a@example.com"}, "attributes": map[string]any{"name": "x"}}
	bad := map[string]any{"identifiers": map[string]any{"email": "b@example.com"}, "attributes": map[string]any{"name": "spoiler"}}
	if r := upsert(t, s, users(good, bad)); r.status != 400 || r.body["error"] != "invalid request body: bad request" {
		t.Errorf("request holding the refused bytes: %d %s", r.status, r.raw)
	}
	if s.ProfileCount() != 0 {
		t.Error("a refused request stored users")
	}
	if r := upsert(t, s, users(good)); r.status != 200 || s.ProfileCount() != 1 {
		t.Errorf("request without them: %d, %d profiles", r.status, s.ProfileCount())
	}
}

func TestInvalidTextIsRefused(t *testing.T) {
	s := newServer(t)
	for _, v := range []string{"bad \xff byte", `lone \ud800 high`, `lone \udc00 low`, `high at end \ud83d`} {
		b := []byte(`{"skip_hook":false,"users":[{"identifiers":{"email":"a@example.com"},"attributes":{"name":"` + v + `"}}]}`)
		if r := upsert(t, s, b); r.status != 400 {
			t.Errorf("%q: status %d, want 400", v, r.status)
		}
	}
	b := []byte(`{"skip_hook":false,"users":[{"identifiers":{"email":"a@example.com"},"attributes":{"name":"pair \ud83d\ude00 ok \\ud800 not an escape"}}]}`)
	if r := upsert(t, s, b); r.status != 200 {
		t.Errorf("valid text: status %d %s", r.status, r.raw)
	}
}

func TestRejectUserBytes(t *testing.T) {
	s := newServer(t)
	s.RejectUserBytes(`"uuid":"2"`, "attributes.age.numeric", "age must be a number: 12x")
	s.RejectUserBytes(`"bad"`, "event_params.url.url", "not a url: bad")
	ok := map[string]any{"identifiers": map[string]any{"uuid": "1"}, "attributes": map[string]any{"name": "x"}}
	byID := map[string]any{"identifiers": map[string]any{"uuid": "2"}, "attributes": map[string]any{"name": "y"}}
	byEvent := map[string]any{"identifiers": map[string]any{"uuid": "3"}, "events": []any{
		map[string]any{"event_name": "view", "timestamp": "2026-01-01T00:00:00Z", "event_params": map[string]any{"url": "good"}},
		map[string]any{"event_name": "view", "timestamp": "2026-01-01T00:00:00Z", "event_params": map[string]any{"url": "bad"}},
	}}
	r := upsert(t, s, users(ok, byID, byEvent))
	want := `{"data":{"successful":{"count":1},"fail":{"count":2,"errors":{"users.1.attributes.age.numeric":["age must be a number: 12x"],` +
		`"users.2.events.1.event_params.url.url":["not a url: bad"]}}}}`
	if r.status != 200 || r.raw != want {
		t.Errorf("answer %d %s, want 200 %s", r.status, r.raw, want)
	}
	if _, found := s.FindByUUID("1"); !found || s.ProfileCount() != 1 {
		t.Errorf("%d profiles; the user without the bytes must be stored alone", s.ProfileCount())
	}
	s.ClearFaults()
	if r := upsert(t, s, users(byID)); r.status != 200 || s.ProfileCount() != 2 {
		t.Errorf("after ClearFaults: %d %s, %d profiles", r.status, r.raw, s.ProfileCount())
	}
}

func TestReceivedBodies(t *testing.T) {
	s := newServer(t)
	s.FailNext(fakeinsider.EndpointUpsert, 1, 500)
	first := users(map[string]any{"identifiers": map[string]any{"uuid": "1"}, "attributes": map[string]any{"name": "x"}})
	second := users(map[string]any{"identifiers": map[string]any{"uuid": "2"}, "attributes": map[string]any{"name": "y"}})
	if r := upsert(t, s, first); r.status != 500 {
		t.Fatalf("first upsert %d, want the injected 500", r.status)
	}
	if r := post(t, s, "/api/user/v1/upsert", "testpartner", "wrong-key", second); r.status != 401 {
		t.Fatalf("second upsert %d, want 401", r.status)
	}
	if r := upsert(t, s, second); r.status != 200 {
		t.Fatalf("third upsert %d", r.status)
	}
	got := s.ReceivedBodies()
	if len(got) != 3 || !bytes.Contains(got[0], []byte(`"uuid":"1"`)) || !bytes.Contains(got[2], []byte(`"uuid":"2"`)) {
		t.Errorf("received %q, want the three bodies in order", got)
	}
	if n := len(s.LastBodies(10)); n != 1 {
		t.Errorf("LastBodies holds %d bodies, want only the one the handler read", n)
	}
}
