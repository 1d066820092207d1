package hubspot

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func longProperties(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("custom_property_with_a_rather_long_descriptive_name_%04d", i)
	}
	return out
}

// TestNoRequestURLPastTheLimit: a list request whose properties do not fit a URL is refused
// before it is sent, and ListFits says so beforehand; GetContact sends its properties in a body.
func TestNoRequestURLPastTheLimit(t *testing.T) {
	var calls atomic.Int64
	var gotBody map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if len(r.RequestURI) > MaxURLLength {
			t.Errorf("%s with a %d-byte URL", r.Method, len(r.RequestURI))
		}
		if r.Method == http.MethodPost {
			_ = json.NewDecoder(r.Body).Decode(&gotBody)
		}
		_, _ = w.Write([]byte(`{"status":"COMPLETE","results":[{"id":"7","properties":{"email":"a@b.com"}}]}`))
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, Credentials: Credentials{AccessToken: "pat"}, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	many := longProperties(1000)
	if c.ListFits(many) || !c.ListFits(many[:100]) {
		t.Errorf("ListFits(1000 names) = %v, ListFits(100 names) = %v; want false, true", c.ListFits(many), c.ListFits(many[:100]))
	}
	_, err = c.ListContacts(t.Context(), ListRequest{Properties: many, Limit: 100})
	if err == nil || !strings.Contains(err.Error(), "over the 15000") {
		t.Errorf("list with 1000 properties: %v, want a URL-length error", err)
	}
	if calls.Load() != 0 {
		t.Errorf("%d requests sent; the too-long one must not be", calls.Load())
	}
	o, err := c.GetContact(t.Context(), "a@b.com", "email", many)
	if err != nil || o.ID != "7" {
		t.Fatalf("GetContact: %+v, %v", o, err)
	}
	if props, _ := gotBody["properties"].([]any); len(props) != 1000 || gotBody["idProperty"] != "email" {
		t.Errorf("batch read body has %d properties and idProperty %v", len(props), gotBody["idProperty"])
	}
}
