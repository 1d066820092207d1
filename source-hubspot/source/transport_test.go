package source

import (
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/internal/httpx/httpxtest"
	"github.com/insider-hubspot/connectors/protocol"
)

// TestTransportFailuresNameTheirCause checks that check's FAILED message and read's TRACE error
// name the real cause of a transport failure (certificate, DNS, refused, timeout) and the field
// to fix, not a generic "could not reach".
func TestTransportFailuresNameTheirCause(t *testing.T) {
	for _, tc := range httpxtest.FailingEndpoints(t) {
		t.Run(tc.Name, func(t *testing.T) {
			e := newEnv(t)
			e.fake.addContacts(1, 5, t0.Add(-time.Hour))
			cat := e.catalog(protocol.SyncModeIncremental, "contacts")
			e.cfg["api_base_url"] = tc.URL
			e.cfg["credentials"] = map[string]any{"credentials_title": "Private App Credentials", "access_token": "pat-secret-token"}
			e.http = httpxtest.Client(t)
			if tc.Name == "timeout" {
				e.http.Timeout = 100 * time.Millisecond // only here: a loaded machine may take longer for a TLS handshake
			}
			e.opts = append(e.opts, WithMaxAttempts(2))

			res := e.run("check", "--config", e.writeFile("config.json", e.cfg))
			var status, msg string
			for _, m := range res.msgs {
				if m.ConnectionStatus != nil {
					status, msg = m.ConnectionStatus.Status, m.ConnectionStatus.Message
				}
			}
			if status != "FAILED" || !strings.Contains(msg, tc.Cause) || !strings.Contains(msg, "api_base_url") {
				t.Errorf("check: %s %q, want FAILED naming %q and api_base_url", status, msg, tc.Cause)
			}
			res = e.read(cat, nil)
			errs := res.traceErrors()
			if res.code == 0 || len(errs) == 0 {
				t.Fatalf("read: exit %d, traces %v", res.code, errs)
			}
			if msg := errs[0].Trace.Error.Message; !strings.Contains(msg, tc.Cause) {
				t.Errorf("read TRACE %q does not name %q", msg, tc.Cause)
			}
		})
	}
}
