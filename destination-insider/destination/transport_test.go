package destination

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// failingEndpoints starts servers that fail in each way a transport can, and returns the
// api_base_url of each with the cause the message must name.
func failingEndpoints(t *testing.T) []struct{ name, url, cause string } {
	t.Helper()
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(tlsSrv.Close)
	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-hang }))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(hang) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	return []struct{ name, url, cause string }{
		{"untrusted certificate", tlsSrv.URL, "TLS certificate is not signed by an authority this connector trusts"},
		{"closed port", closed, "connection was refused"},
		{"host that does not resolve", "https://connector-test.invalid", "connector-test.invalid does not resolve"},
		{"timeout", slow.URL, "timed out"},
	}
}

// TestTransportFailuresNameTheirCause checks that check's FAILED message and write's TRACE
// error name the real cause of a transport failure and the field to fix, not a generic
// "could not reach".
func TestTransportFailuresNameTheirCause(t *testing.T) {
	t.Parallel()
	for _, ep := range failingEndpoints(t) {
		t.Run(ep.name, func(t *testing.T) {
			hc := &http.Client{}
			if ep.name == "timeout" {
				hc.Timeout = 100 * time.Millisecond // only here: a loaded machine may take longer for a TLS handshake
			}
			client := WithHTTPClient(hc)
			r := runCmd(t, "check", baseConfig(ep.url, nil), nil, client)
			status, msg := connectionStatus(t, r)
			if status != "FAILED" || !strings.Contains(msg, ep.cause) || !strings.Contains(msg, "api_base_url") {
				t.Errorf("check: %s %q, want FAILED naming %q and api_base_url", status, msg, ep.cause)
			}
			r = runCmd(t, "write", baseConfig(ep.url, nil), []string{contact(1), stateLine("contacts", 1)}, client)
			if r.code == 0 || len(r.traces) == 0 {
				t.Fatalf("write: exit %d, traces %v", r.code, r.traces)
			}
			te := r.traces[len(r.traces)-1]["error"].(map[string]any)
			if msg := te["message"].(string); !strings.Contains(msg, ep.cause) {
				t.Errorf("write TRACE %q does not name %q", msg, ep.cause)
			}
		})
	}
}
