package insider

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAuthCause: Insider's documented refusals name what to fix; other
// 4xx answers are not authentication problems.
func TestAuthCause(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status int
		body   string
		want   Auth
	}{
		{400, `{"success":false,"message":"Partner is invalid."}`, AuthPartner},
		{401, `{"success":false,"message":"Bad Api Key."}`, AuthKey},
		{401, `"Partner token authentication failed."`, AuthKey},
		{403, `{"success":false,"message":"Access Denied."}`, AuthAccess},
		{400, `{"error":"users must be defined: bad request"}`, AuthNone},
		{400, `{"error":"request body is bigger than maximum allowed size 5,000,000 bytes"}`, AuthNone},
		{500, `{"success":false,"message":"The request processing has failed because of an unknown error."}`, AuthNone},
	} {
		err := &APIError{StatusCode: tc.status, Body: tc.body}
		if got := AuthCause(err); got != tc.want {
			t.Errorf("AuthCause(%d %s) = %v, want %v", tc.status, tc.body, got, tc.want)
		}
		if IsAuth(err) != (tc.want != AuthNone) {
			t.Errorf("IsAuth(%d %s) = %v", tc.status, tc.body, IsAuth(err))
		}
	}
}

// TestContactColumnsAndProfileCheck: the metadata answer is parsed with
// custom attributes recognised by their c_ prefix; the profile check takes
// 404 "no such user" as success but not a 404 of a missing route.
func TestContactColumnsAndProfileCheck(t *testing.T) {
	t.Parallel()
	profile := `{"error":"no such user for these identifiers: no data"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case ColumnsPath:
			_, _ = io.WriteString(w, `[{"key":"email","display_name":"Email","type":"string"},{"key":"c_plan","display_name":"Plan","type":"array"}]`)
		case ProfilePath:
			var req struct {
				Identifiers map[string]string `json:"identifiers"`
				Attributes  []string          `json:"attributes"`
			}
			if json.Unmarshal(body, &req) != nil || req.Identifiers["uuid"] == "" || len(req.Attributes) == 0 {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, profile)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	c := New(Config{BaseURL: srv.URL, PartnerName: "p", APIKey: "k"})
	cols, err := c.ContactColumns(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Column{{"email", "Email", "string"}, {"c_plan", "Plan", "array"}}, cols); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	if name, ok := cols[1].CustomName(); !ok || name != "plan" {
		t.Errorf("Custom() = %q %v", name, ok)
	}
	if _, ok := cols[0].CustomName(); ok {
		t.Errorf("email is not custom")
	}
	if err := c.CheckProfile(context.Background()); err != nil {
		t.Errorf("CheckProfile: %v", err)
	}
	missing := New(Config{BaseURL: srv.URL + "/nothing", PartnerName: "p", APIKey: "k"})
	if err := missing.CheckProfile(context.Background()); err == nil {
		t.Error("CheckProfile succeeded on a host without the endpoint")
	}
	if _, err := missing.ContactColumns(context.Background()); !IsUnavailable(err) {
		t.Errorf("ContactColumns on a host without the endpoint: %v", err)
	}
}

// TestBatchErrorCallback: error_callback_endpoint is a top-level field of
// every request body, kept across Reset and in split halves.
func TestBatchErrorCallback(t *testing.T) {
	t.Parallel()
	b := NewBatch(true)
	b.SetErrorCallback(`https://hooks.example.com/x?a="b"`)
	b.Add([]byte(`{"identifiers":{"uuid":"1"}}`))
	b.Add([]byte(`{"identifiers":{"uuid":"2"}}`))
	want := `{"skip_hook":true,"error_callback_endpoint":"https://hooks.example.com/x?a=\"b\"","users":[{"identifiers":{"uuid":"1"}},{"identifiers":{"uuid":"2"}}]}`
	if got := string(b.Body()); got != want {
		t.Errorf("body %s", got)
	}
	if got := string(b.slice(1, 2).Body()); got != `{"skip_hook":true,"error_callback_endpoint":"https://hooks.example.com/x?a=\"b\"","users":[{"identifiers":{"uuid":"2"}}]}` {
		t.Errorf("half %s", got)
	}
	b.Reset(false)
	if b.ErrorCallback() != `https://hooks.example.com/x?a="b"` || b.Size() != len(`{"skip_hook":false,"error_callback_endpoint":"https://hooks.example.com/x?a=\"b\"","users":[]}`) {
		t.Errorf("after Reset: %q size %d", b.ErrorCallback(), b.Size())
	}
	b.SetErrorCallback("")
	if string(b.Body()) != `{"skip_hook":false,"users":[]}` {
		t.Errorf("without callback %s", b.Body())
	}
}
