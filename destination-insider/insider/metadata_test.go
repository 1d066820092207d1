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

// TestStatusKind: Insider's documented refusals of the partner name (400 "Partner is invalid."),
// the key (401) and the key's access (403) are authentication failures, told apart by their
// status; other 4xx answers are not authentication problems.
func TestStatusKind(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status int
		body   string
		want   Kind
	}{
		{400, `{"success":false,"message":"Partner is invalid."}`, KindAuth},
		{401, `{"success":false,"message":"Bad Api Key."}`, KindAuth},
		{401, `"Partner token authentication failed."`, KindAuth},
		{403, `{"success":false,"message":"Access Denied."}`, KindAuth},
		{400, `{"error":"users must be defined: bad request"}`, KindRefused},
		{400, `{"error":"request body is bigger than maximum allowed size 5,000,000 bytes"}`, KindTooLarge},
		{413, ``, KindTooLarge},
		{404, `{"error":"not found"}`, KindUnavailable},
		{405, ``, KindUnavailable},
		{429, `{"error":"rejected: too many requests"}`, KindTemporary},
		{500, `{"success":false,"message":"The request processing has failed because of an unknown error."}`, KindTemporary},
	} {
		if got := statusKind(tc.status, tc.body); got != tc.want {
			t.Errorf("statusKind(%d %s) = %v, want %v", tc.status, tc.body, got, tc.want)
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
	c := New(Config{BaseURL: srv.URL, PartnerName: "p", APIKey: "k", HTTPClient: srv.Client()})
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
	missing := New(Config{BaseURL: srv.URL + "/nothing", PartnerName: "p", APIKey: "k", HTTPClient: srv.Client()})
	if err := missing.CheckProfile(context.Background()); err == nil {
		t.Error("CheckProfile succeeded on a host without the endpoint")
	}
	if _, err := missing.ContactColumns(context.Background()); KindOf(err) != KindUnavailable {
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
