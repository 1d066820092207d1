package destination

import (
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// sourceTrace is a TRACE ERROR line as the source writes it when HubSpot refuses its token.
const sourceTrace = `{"type":"TRACE","trace":{"type":"ERROR","emitted_at":1767323045000,"error":{"message":"HubSpot refused the credentials (HTTP 401): reconnect","internal_message":"oauth2: invalid_grant","failure_type":"config_error"}}}`

// TestWriteFailsOnASourceTraceError: Airbyte never passes a source's TRACE to a destination, so
// a TRACE ERROR on stdin means a direct pipe (source read | destination write). The destination
// delivers what it read and echoes the states it may, then fails with what the source said, so
// the pipe does not end "exit 0" with a failed source.
func TestWriteFailsOnASourceTraceError(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	in := []string{
		contact(1), stateLine("contacts", 1),
		`{"type":"TRACE","trace":{"type":"STREAM_STATUS","emitted_at":1,"stream_status":{"stream_descriptor":{"name":"contacts"},"status":"RUNNING"}}}`,
		`{"type":"TRACE","trace":{"type":"ESTIMATE","emitted_at":1,"estimate":{"name":"contacts","type":"STREAM","row_estimate":10}}}`,
		contact(2), stateLine("contacts", 2),
		sourceTrace,
	}
	r := runCmd(t, "write", baseConfig(f.URL, nil), in)
	if r.code == 0 {
		t.Fatal("exit 0 after the source failed")
	}
	if got := echoes(r); len(got) != 2 || got[1].Seq != 2 {
		t.Errorf("echoed %v, want both states: their records were delivered", got)
	}
	if f.ProfileCount() != 2 {
		t.Errorf("%d profiles in Insider, want the 2 contacts read before the error", f.ProfileCount())
	}
	if len(r.traces) != 1 {
		t.Fatalf("traces %v, want one", r.traces)
	}
	e := r.traces[0]["error"].(map[string]any)
	if msg := e["message"].(string); msg != "the source failed: HubSpot refused the credentials (HTTP 401): reconnect" {
		t.Errorf("message %q, want the source's, prefixed", msg)
	}
	if e["failure_type"] != "config_error" {
		t.Errorf("failure_type %v, want the source's config_error", e["failure_type"])
	}
	if im, _ := e["internal_message"].(string); !strings.Contains(im, "oauth2: invalid_grant") {
		t.Errorf("internal_message %q does not carry the source's", im)
	}
	if r.summary.SourceErrors != 1 {
		t.Errorf("summary counts %d source errors, want 1", r.summary.SourceErrors)
	}
}

// TestWriteReportsTheFirstOfSeveralSourceErrors: a source that failed one stream and went on
// with the others: everything is delivered, the first error is repeated with the number of the
// others, and its stream is named.
func TestWriteReportsTheFirstOfSeveralSourceErrors(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	in := []string{
		`{"type":"TRACE","trace":{"type":"ERROR","emitted_at":1,"error":{"message":"event stream failed","failure_type":"transient_error","stream_descriptor":{"name":"event_signup"}}}}`,
		contact(1), stateLine("contacts", 1),
		`{"type":"TRACE","trace":{"type":"ERROR","emitted_at":2,"error":{"message":"second"}}}`,
	}
	r := runCmd(t, "write", baseConfig(f.URL, nil), in)
	if r.code == 0 || len(r.traces) != 1 {
		t.Fatalf("exit %d, traces %v: want a failure", r.code, r.traces)
	}
	if len(r.states) != 1 || f.ProfileCount() != 1 {
		t.Errorf("echoed %d states, %d profiles: records after a source error are delivered too", len(r.states), f.ProfileCount())
	}
	e := r.traces[0]["error"].(map[string]any)
	if msg := e["message"].(string); !strings.HasPrefix(msg, "the source failed: event stream failed") || !strings.Contains(msg, "1 more") {
		t.Errorf("message %q", msg)
	}
	if e["failure_type"] != "transient_error" || e["stream_descriptor"].(map[string]any)["name"] != "event_signup" {
		t.Errorf("trace %v, want the first error's failure type and stream", e)
	}
}

// TestWriteNamesTheSourceNextToItsOwnFailure: when a batch also failed for good, the run reports
// that failure (its records are held back), and says the source failed too.
func TestWriteNamesTheSourceNextToItsOwnFailure(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	f.FailNext(fakeinsider.EndpointUpsert, 100, 500)
	r := runCmd(t, "write", baseConfig(f.URL, nil), []string{contact(1), stateLine("contacts", 1), sourceTrace})
	if r.code == 0 || len(r.traces) != 1 {
		t.Fatalf("exit %d, traces %v: want a failure", r.code, r.traces)
	}
	msg := r.traces[0]["error"].(map[string]any)["message"].(string)
	if !strings.Contains(msg, "held back") || !strings.Contains(msg, "the source failed too: HubSpot refused the credentials") {
		t.Errorf("message %q, want the held-back records and the source's error", msg)
	}
}
