package destination

import (
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/internal/httpx/httpxtest"
)

// TestTransportFailuresNameTheirCause checks that check's FAILED message and write's TRACE
// error name the real cause of a transport failure and the field to fix, not a generic
// "could not reach".
func TestTransportFailuresNameTheirCause(t *testing.T) {
	t.Parallel()
	for _, ep := range httpxtest.FailingEndpoints(t) {
		t.Run(ep.Name, func(t *testing.T) {
			hc := httpxtest.Client(t)
			if ep.Name == "timeout" {
				hc.Timeout = 100 * time.Millisecond // only here: a loaded machine may take longer for a TLS handshake
			}
			client := WithHTTPClient(hc)
			r := runCmd(t, "check", baseConfig(ep.URL, nil), nil, client)
			status, msg := connectionStatus(t, r)
			if status != "FAILED" || !strings.Contains(msg, ep.Cause) || !strings.Contains(msg, "api_base_url") {
				t.Errorf("check: %s %q, want FAILED naming %q and api_base_url", status, msg, ep.Cause)
			}
			r = runCmd(t, "write", baseConfig(ep.URL, nil), []string{contact(1), stateLine("contacts", 1)}, client)
			if r.code == 0 || len(r.traces) == 0 {
				t.Fatalf("write: exit %d, traces %v", r.code, r.traces)
			}
			te := r.traces[len(r.traces)-1]["error"].(map[string]any)
			if msg := te["message"].(string); !strings.Contains(msg, ep.Cause) {
				t.Errorf("write TRACE %q does not name %q", msg, ep.Cause)
			}
		})
	}
}
