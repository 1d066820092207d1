package hubspot

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// scriptedTokens hands out tokens in order; replacedFirst makes the first rejected token one that
// another caller had already replaced.
type scriptedTokens struct {
	tokens        []string
	i             int
	replacedFirst bool
	rejected      []string
}

func (s *scriptedTokens) Token(context.Context) (string, error) { return s.tokens[s.i], nil }

func (s *scriptedTokens) Rejected(tok string) (retry, replaced bool) {
	s.rejected = append(s.rejected, tok)
	s.i++
	return true, s.replacedFirst && len(s.rejected) == 1
}

// statusByToken answers 401 to every token in expired, 200 otherwise, recording what it saw.
type statusByToken struct {
	expired map[string]bool
	seen    []string
}

func (s *statusByToken) RoundTrip(r *http.Request) (*http.Response, error) {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.seen = append(s.seen, tok)
	code := http.StatusOK
	if s.expired[tok] {
		code = http.StatusUnauthorized
	}
	return &http.Response{StatusCode: code, Body: io.NopCloser(strings.NewReader("{}")), Header: http.Header{}, Request: r}, nil
}

func TestAuthTransportReplays(t *testing.T) {
	for _, tc := range []struct {
		name          string
		replacedFirst bool
		expired       []string
		wantStatus    int
		wantSeen      string
	}{
		// Another reader refreshed "a" to "b" meanwhile, and "b" expired too before this replay:
		// the replay with "b" cost no refresh of this request's own, so it may still refresh once.
		{"replaced token then expiry", true, []string{"a", "b"}, 200, "a,b,c"},
		// This request's own refresh gave "b", which HubSpot refuses too: give up after one refresh.
		{"persistent 401", false, []string{"a", "b", "c"}, 401, "a,b"},
		{"one refresh", false, []string{"a"}, 200, "a,b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			next := &statusByToken{expired: map[string]bool{}}
			for _, tok := range tc.expired {
				next.expired[tok] = true
			}
			tr := &authTransport{next: next, host: "127.0.0.1", tokens: &scriptedTokens{tokens: []string{"a", "b", "c", "d"}, replacedFirst: tc.replacedFirst}}
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://127.0.0.1/x", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus || strings.Join(next.seen, ",") != tc.wantSeen {
				t.Errorf("status %d after tokens %v; want %d after %s", resp.StatusCode, next.seen, tc.wantStatus, tc.wantSeen)
			}
		})
	}
}
