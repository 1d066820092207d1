package source

import (
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// TestDeletedEventDefinitionWarns: the stream of a definition deleted in HubSpot completes with
// no record and one WARN that names it and says to deselect it, on every run; a live stream
// that delivers nothing gets no such warning; the streams read at once share one definitions
// call.
func TestDeletedEventDefinitionWarns(t *testing.T) {
	t.Parallel()
	e, srv := sharedEnv(t, fakehubspot.Options{})
	defs := srv.EventDefinitions()
	gone, quiet := defs[0].FullyQualifiedName, defs[1].FullyQualifiedName
	cat := e.catalog(protocol.SyncModeIncremental, stream.EventPrefix+gone, stream.EventPrefix+quiet)
	if !srv.DeleteEventDefinition(gone) {
		t.Fatal("no definition deleted")
	}
	for run := 1; run <= 2; run++ {
		before := srv.Count(fakehubspot.EndpointEventDefinitions)
		res := e.read(cat, nil)
		if res.code != 0 {
			t.Fatalf("run %d: exit %d %+v", run, res.code, res.traceErrors())
		}
		var warned []string
		for _, l := range res.logs("WARN") {
			if strings.Contains(l, "no longer exists in HubSpot") {
				warned = append(warned, l)
			}
		}
		if len(warned) != 1 || !strings.Contains(warned[0], stream.EventPrefix+gone) || !strings.Contains(warned[0], "deselect") {
			t.Errorf("run %d: warnings %q; want one naming %s and saying to deselect it", run, warned, stream.EventPrefix+gone)
		}
		if n := srv.Count(fakehubspot.EndpointEventDefinitions) - before; n != 1 {
			t.Errorf("run %d: %d definitions calls, want 1", run, n)
		}
	}
}
