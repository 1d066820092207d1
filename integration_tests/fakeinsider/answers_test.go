package fakeinsider_test

import (
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
