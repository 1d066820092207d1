package integrationtests

import (
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
)

// TestE2EPipeFailsWhenTheSourceFails: in a direct pipe (source read | destination write), the
// source's TRACE ERROR reaches the destination, which must not end exit 0 with nothing read: it
// ends non-zero and repeats what the source said, so a cron job or a shell with pipefail sees
// the failure whichever exit code it looks at.
func TestE2EPipeFailsWhenTheSourceFails(t *testing.T) {
	e := newE2E(t, datagen.Options{Seed: 8, Count: 20})
	e.writeConfigs()
	e.hs.RevokeRefreshToken(true) // HubSpot refuses the token: the source fails before any record
	res := e.sync(nil)
	if res.SourceExit == 0 || len(res.SourceErrors) != 1 || res.Records != 0 {
		t.Fatalf("source exit %d, %d records, errors %q: want a refused token", res.SourceExit, res.Records, res.SourceErrors)
	}
	if res.DestinationExit == 0 {
		t.Fatalf("destination exit 0 after the source failed; its errors %q", res.DestinationErrors)
	}
	want := "the source failed: " + res.SourceErrors[0]
	if len(res.DestinationErrors) != 1 || !strings.HasPrefix(res.DestinationErrors[0], want) {
		t.Errorf("destination errors %q, want one starting %q", res.DestinationErrors, want)
	}
	if n := e.ins.UsersReceived(); n != 0 {
		t.Errorf("Insider received %d users, want none", n)
	}
}
