package destination

import (
	"fmt"
	"slices"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// sameSecond are four occurrences of one event in one second, as HubSpot writes occurredAt
// (milliseconds), and one at a whole second.
var sameSecond = []string{"2026-01-02T03:04:05.100Z", "2026-01-02T03:04:05.250Z", "2026-01-02T03:04:05.500Z", "2026-01-02T03:04:05.999Z"}

// storedTimestamps are the timestamps of the events Insider stored for email, sorted.
func storedTimestamps(t *testing.T, f insiderFake, email string) []string {
	t.Helper()
	p, ok := f.FindByEmail(email)
	if !ok {
		t.Fatalf("no profile for %s", email)
	}
	var got []string
	for _, e := range p.Events {
		got = append(got, e.Timestamp)
	}
	slices.Sort(got)
	return got
}

// TestWriteKeepsMillisecondsOfEventTimestamps: Insider takes an event's timestamp as part of
// its identity, so four occurrences of one event with equal parameters in one second are four
// stored events only when their milliseconds are sent.
func TestWriteKeepsMillisecondsOfEventTimestamps(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	var in []string
	for i, at := range sameSecond {
		in = append(in, recordLine("event_signup", fmt.Sprintf(
			`{"id":"e%d","occurredAt":%q,"properties":{"page":"https://x.test/p"},"contact":{"email":"a@example.com"}}`, i, at)))
	}
	in = append(in, recordLine("event_signup", `{"id":"e9","occurredAt":"2026-01-02T03:04:06Z","contact":{"email":"a@example.com"}}`),
		stateLine("event_signup", 1))
	r := runCmd(t, "write", baseConfig(f.URL, nil), in)
	if r.code != 0 {
		t.Fatalf("exit %d, traces %v", r.code, r.traces)
	}
	if got := echoes(r); len(got) != 1 || got[0].Count != 5 {
		t.Fatalf("echoed %v, want one state counting 5 records", got)
	}
	got := storedTimestamps(t, f, "a@example.com")
	want := []string{"2026-01-02T03:04:05.100Z", "2026-01-02T03:04:05.250Z", "2026-01-02T03:04:05.500Z", "2026-01-02T03:04:05.999Z",
		"2026-01-02T03:04:06Z"}
	if !slices.Equal(got, want) {
		t.Errorf("Insider stored events at %q, want %q: each occurrence with its milliseconds, a whole second without a fraction", got, want)
	}
}

// TestWriteKeepsMillisecondsOfActivationEvents: the same for an event stream that Airbyte's data
// activation maps onto Insider's event object, whose timestamp may be epoch milliseconds.
func TestWriteKeepsMillisecondsOfActivationEvents(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	cat := mappedCatalog(mappedStream("event_pe1_signup", "event", "append", `[["email"]]`))
	var in []string
	for _, at := range sameSecond {
		in = append(in, recordLine("event_pe1_signup", fmt.Sprintf(`{"email":"a@example.com","event_name":"signup","timestamp":%q,"url":"u"}`, at)))
	}
	in = append(in, recordLine("event_pe1_signup", `{"email":"a@example.com","event_name":"signup","timestamp":1767323045678,"url":"u"}`),
		stateLine("event_pe1_signup", 1))
	r := runCmdCatalog(t, "write", baseConfig(f.URL, func(c map[string]any) { c["identifier_mappings"] = []any{} }), cat, in)
	if r.code != 0 {
		t.Fatalf("exit %d, traces %v", r.code, r.traces)
	}
	got := storedTimestamps(t, f, "a@example.com")
	want := []string{"2026-01-02T03:04:05.100Z", "2026-01-02T03:04:05.250Z", "2026-01-02T03:04:05.500Z", "2026-01-02T03:04:05.678Z",
		"2026-01-02T03:04:05.999Z"}
	if !slices.Equal(got, want) {
		t.Errorf("Insider stored events at %q, want %q", got, want)
	}
}
