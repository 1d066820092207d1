package authorize_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// tokenSchema compiles the token request schema the hubspot package's request schema test uses
// (derived from HubSpot's published token operation; see that folder's README).
func tokenSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "hubspot", "testdata", "requestschema", "token.json"))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	if err := c.AddResource("token.json", bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("token.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sentRequest is a request the command put on the wire.
type sentRequest struct {
	method, contentType string
	body                []byte
}

// recorder is a transport that records each request before sending it on.
type recorder struct {
	mu   sync.Mutex
	sent []sentRequest
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		_ = req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	r.mu.Lock()
	r.sent = append(r.sent, sentRequest{method: req.Method, contentType: req.Header.Get("Content-Type"), body: body})
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

// TestTokenFormMatchesHubSpotSchema: the authorization-code form the command posts, captured on
// the wire, is a form valid against HubSpot's published token request shape (token.json's
// authorization_code branch: client id and secret, code, redirect_uri).
func TestTokenFormMatchesHubSpotSchema(t *testing.T) {
	h := newHarness(t)
	rec := &recorder{}
	h.client = &http.Client{Transport: rec}
	if code, _, stderr := h.run(t.Context(), nil, "--client-secret-file", h.secretFile); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.sent) != 1 {
		t.Fatalf("the command sent %d requests to the token endpoint, want 1", len(rec.sent))
	}
	s := rec.sent[0]
	if s.method != http.MethodPost || s.contentType != "application/x-www-form-urlencoded" {
		t.Errorf("token request %s with Content-Type %q, want a POSTed form", s.method, s.contentType)
	}
	vals, err := url.ParseQuery(string(s.body))
	if err != nil {
		t.Fatalf("token form %q: %v", s.body, err)
	}
	form := map[string]any{}
	for k, vs := range vals {
		if len(vs) == 1 {
			form[k] = vs[0]
		} else {
			form[k] = vs // a field sent twice, which no schema accepts
		}
	}
	if form["grant_type"] != "authorization_code" {
		t.Errorf("grant_type %v, want authorization_code", form["grant_type"])
	}
	if err := tokenSchema(t).Validate(form); err != nil {
		t.Errorf("token form %s is not valid against token.json:\n%v", s.body, err)
	}
}
