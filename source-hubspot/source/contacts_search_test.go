package source

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// failHighRange answers the searches of the id range just above splitID with a 400 and holds the
// searches of the range up to splitID until they are cancelled, so that range ends with a
// cancellation that comes after the 400. Other calls go to the fake.
type failHighRange struct {
	next    http.RoundTripper
	splitID string
}

func (f failHighRange) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/contacts/search") {
		return f.next.RoundTrip(req)
	}
	raw, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	var body struct {
		FilterGroups []struct {
			Filters []hubspot.Filter `json:"filters"`
		} `json:"filterGroups"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, err
	}
	above, upTo := false, false
	for _, g := range body.FilterGroups {
		for _, fl := range g.Filters {
			above = above || fl.PropertyName == "hs_object_id" && fl.Operator == "GT" && fl.Value == f.splitID
			upTo = upTo || fl.PropertyName == "hs_object_id" && fl.Operator == "LTE" && fl.Value == f.splitID
		}
	}
	if above {
		return &http.Response{StatusCode: http.StatusBadRequest, Request: req,
			Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(
				`{"status":"error","message":"There was a problem with the request.","category":"VALIDATION_ERROR"}`))}, nil
	}
	req.Body = io.NopCloser(bytes.NewReader(raw))
	if !upTo {
		return f.next.RoundTrip(req)
	}
	select {
	case <-req.Context().Done():
		return nil, req.Context().Err()
	case <-time.After(time.Minute): // failsafe: the 400 did not stop the other range
		return f.next.RoundTrip(req)
	}
}

// TestRangeFailureIsReportedNotTheCancellationItCauses: when one id range of a concurrent search
// fails for good, the others are cancelled, and the stream fails with the range's own error (a
// config_error quoting HubSpot), not with the cancellation of a range that was still reading.
func TestRangeFailureIsReportedNotTheCancellationItCauses(t *testing.T) {
	e := newEnv(t)
	e.fake.addContacts(1, 1500, t0.Add(-30*time.Minute))
	e.http = &http.Client{Transport: failHighRange{next: e.fake.HTTPServer().Client().Transport, splitID: "500"}}
	past := stream.FormatTime(t0.Add(-time.Hour))
	state := json.RawMessage(`{"lastmodifieddate":"` + past + `","resume":{"method":"search","start":"` + past +
		`","end":"` + stream.FormatTime(t0.Add(-5*time.Minute)) + `","ranges":[{"after_id":"0","up_to_id":"500"},{"after_id":"500","up_to_id":"1000"},{"after_id":"1000"}]}}`)
	res := e.read(e.catalog(protocol.SyncModeIncremental, "contacts"), state)
	errs := res.traceErrors()
	if len(errs) != 1 {
		t.Fatalf("exit %d, %d TRACE errors %+v; want one", res.code, len(errs), errs)
	}
	te := errs[0].Trace.Error
	if !strings.Contains(te.Message, "VALIDATION_ERROR: There was a problem") || strings.Contains(te.Message, "stopped") {
		t.Errorf("failure_type %s, message %q; want HubSpot's 400 quoted, not the cancellation", te.FailureType, te.Message)
	}
}
