package source

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// TestTransportFailuresNameTheirCause checks that check's FAILED message and read's TRACE error
// name the real cause of a transport failure (certificate, DNS, refused, timeout) and the field
// to fix, not a generic "could not reach".
func TestTransportFailuresNameTheirCause(t *testing.T) {
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer tlsSrv.Close()
	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-hang }))
	defer slow.Close()
	defer close(hang)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	for _, tc := range []struct{ name, url, cause string }{
		{"untrusted certificate", tlsSrv.URL, "TLS certificate is not signed by an authority this connector trusts"},
		{"closed port", closed, "connection was refused"},
		{"host that does not resolve", "https://connector-test.invalid", "connector-test.invalid does not resolve"},
		{"timeout", slow.URL, "timed out"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.fake.addContacts(1, 5, t0.Add(-time.Hour))
			cat := e.catalog(protocol.SyncModeIncremental, "contacts")
			e.cfg["api_base_url"] = tc.url
			e.cfg["credentials"] = map[string]any{"credentials_title": "Private App Credentials", "access_token": "pat-secret-token"}
			e.http = &http.Client{}
			if tc.name == "timeout" {
				e.http.Timeout = 100 * time.Millisecond // only here: a loaded machine may take longer for a TLS handshake
			}
			e.opts = append(e.opts, WithRetry(hubspot.RetryPolicy{MaxAttempts: 2}))

			res := e.run("check", "--config", e.writeFile("config.json", e.cfg))
			var status, msg string
			for _, m := range res.msgs {
				if m.ConnectionStatus != nil {
					status, msg = m.ConnectionStatus.Status, m.ConnectionStatus.Message
				}
			}
			if status != "FAILED" || !strings.Contains(msg, tc.cause) || !strings.Contains(msg, "api_base_url") {
				t.Errorf("check: %s %q, want FAILED naming %q and api_base_url", status, msg, tc.cause)
			}
			res = e.read(cat, nil)
			errs := res.traceErrors()
			if res.code == 0 || len(errs) == 0 {
				t.Fatalf("read: exit %d, traces %v", res.code, errs)
			}
			if msg := errs[0].Trace.Error.Message; !strings.Contains(msg, tc.cause) {
				t.Errorf("read TRACE %q does not name %q", msg, tc.cause)
			}
		})
	}
}
