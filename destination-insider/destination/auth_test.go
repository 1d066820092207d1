package destination

import (
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// TestWriteAuthFailure: Insider's answers to a bad partner name (400
// "Partner is invalid.") and a bad key (401) stop the run before or at the
// first batch with a config_error naming the field to fix; nothing else is
// sent and no state is echoed, so the next run sends every record.
func TestWriteAuthFailure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		edit        func(c map[string]any)
		noMetadata  bool // the fake has no metadata endpoint
		wantUpserts int
		wantMsg     []string
	}{
		{name: "bad key, stopped by the metadata read", edit: func(c map[string]any) { c["api_key"] = "wrong-key" },
			wantUpserts: 0, wantMsg: []string{"Insider rejected the API key (HTTP 401)", "api_key", "X-REQUEST-TOKEN"}},
		{name: "bad partner, stopped by the metadata read", edit: func(c map[string]any) { c["partner_name"] = "Other" },
			wantUpserts: 0, wantMsg: []string{`"Partner is invalid."`, "partner_name", "X-PARTNER-NAME"}},
		{name: "bad partner without metadata: only the first batch goes", noMetadata: true,
			edit:        func(c map[string]any) { c["partner_name"] = "Other" },
			wantUpserts: 1, wantMsg: []string{`"Partner is invalid."`, "partner_name", "records were held back"}},
		{name: "bad key without metadata: only the first batch goes", noMetadata: true,
			edit:        func(c map[string]any) { c["api_key"] = "wrong-key" },
			wantUpserts: 1, wantMsg: []string{"HTTP 401", "api_key", "records were held back"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newInsider(t, fakeinsider.Options{NoMetadata: tc.noMetadata})
			cfg := baseConfig(f.URL, func(c map[string]any) {
				tc.edit(c)
				c["batch_size"] = 1
				c["max_concurrent_requests"] = 4
			})
			var in []string
			for i := range 20 {
				in = append(in, contact(i+1), stateLine("contacts", i+1))
			}
			r := runCmd(t, "write", cfg, in)
			if r.code == 0 || len(r.states) != 0 {
				t.Fatalf("exit %d, states %v", r.code, r.states)
			}
			if n := f.RequestCount(fakeinsider.EndpointUpsert); n != tc.wantUpserts {
				t.Errorf("%d upsert requests, want %d", n, tc.wantUpserts)
			}
			if len(r.traces) != 1 {
				t.Fatalf("want one TRACE, got %v", r.traces)
			}
			e := r.traces[0]["error"].(map[string]any)
			if e["failure_type"] != "config_error" {
				t.Errorf("failure_type %v", e["failure_type"])
			}
			for _, w := range tc.wantMsg {
				if !strings.Contains(e["message"].(string), w) {
					t.Errorf("message %q lacks %q", e["message"], w)
				}
			}
		})
	}
}

// TestCheckFallsBackToProfile: without the (undocumented) metadata endpoint,
// check uses the documented read-profile call, where 404 "no such user"
// means the credentials work, and still names the field of a refusal.
func TestCheckFallsBackToProfile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, partner, wantStatus, wantMsg string
	}{
		{name: "credentials accepted", partner: "MyBrand", wantStatus: "SUCCEEDED"},
		{name: "partner refused", partner: "nobody", wantStatus: "FAILED", wantMsg: "partner_name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newInsider(t, fakeinsider.Options{NoMetadata: true})
			r := runCmd(t, "check", baseConfig(f.URL, func(c map[string]any) { c["partner_name"] = tc.partner }), nil)
			status, msg := connectionStatus(t, r)
			if status != tc.wantStatus || !strings.Contains(msg, tc.wantMsg) {
				t.Errorf("status %s %q, want %s with %q", status, msg, tc.wantStatus, tc.wantMsg)
			}
			if n := f.RequestCount(fakeinsider.EndpointProfile); n != 1 {
				t.Errorf("%d profile calls, want 1", n)
			}
		})
	}
}
