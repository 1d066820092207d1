package source

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// BenchmarkFirstRunListVsSearch measures reading 3,000 contacts with the production request
// budgets (real rate limiters): through the list endpoint (a full refresh) and through search
// from the beginning (a first incremental run), against the fake answering at once or after
// 300 ms. Run it with -benchtime 1x; it takes about 25 s of wall time because the limiters and
// latencies are real.
func BenchmarkFirstRunListVsSearch(b *testing.B) {
	for _, tc := range []struct {
		name    string
		state   json.RawMessage
		latency time.Duration
	}{
		{"list", nil, 0},
		{"search", json.RawMessage(`{"lastmodifieddate":"1970-01-01T00:06:00Z"}`), 0},
		{"list latency 300ms", nil, 300 * time.Millisecond},
		{"search latency 300ms", json.RawMessage(`{"lastmodifieddate":"1970-01-01T00:06:00Z"}`), 300 * time.Millisecond},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				e := newEnv(b)
				e.opts = append(e.opts, WithLimits(hubspot.Limits{})) // production budgets
				if tc.latency > 0 {
					e.fake.SetLatency(fakehubspot.EndpointAny, tc.latency) // a benchmark, not a test: HubSpot's answer time
				}
				e.fake.addContacts(1, 3000, t0.Add(-time.Hour))
				cat := e.catalog(protocol.SyncModeIncremental, "contacts")
				start := time.Now()
				var res *result
				if tc.state == nil {
					res = e.read(cat, nil)
				} else {
					res = e.read(cat, tc.state)
				}
				if n := len(res.records("contacts")); n != 3000 {
					b.Fatalf("got %d records", n)
				}
				b.ReportMetric(3000/time.Since(start).Seconds(), "contacts/s")
			}
		})
	}
}
