package protocol_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

// discoveringDestination is a fakeDestination that also answers discover.
type discoveringDestination struct {
	fakeDestination
	catalog *protocol.DestinationCatalog
	err     error
	config  json.RawMessage
}

func (d *discoveringDestination) Discover(_ context.Context, config json.RawMessage) (*protocol.DestinationCatalog, error) {
	d.config = config
	return d.catalog, d.err
}

var _ protocol.DestinationDiscoverer = (*discoveringDestination)(nil)

func runDestination(t *testing.T, d protocol.Destination, args ...string) (int, []protocol.Message) {
	t.Helper()
	var out bytes.Buffer
	code := protocol.RunDestination(context.Background(), protocol.Env{Args: args, Stdout: &out, Now: func() time.Time { return t0 }}, d)
	if os.Getenv(protocoltest.SchemaEnv) != "" {
		protocoltest.ValidateOutput(t, out.Bytes())
	}
	return code, protocoltest.Messages(t, out.Bytes())
}

func TestRunDestinationDiscoverWritesOneDestinationCatalog(t *testing.T) {
	d := &discoveringDestination{catalog: &protocol.DestinationCatalog{Operations: []protocol.DestinationOperation{
		{ObjectName: "user", SyncMode: protocol.DestinationSyncModeAppendDedup,
			JSONSchema:   json.RawMessage(`{"type":"object","properties":{"email":{"type":"string"}},"additionalProperties":true}`),
			MatchingKeys: [][]string{{"email"}, {"uuid"}}},
		{ObjectName: "event", SyncMode: protocol.DestinationSyncModeAppend, JSONSchema: json.RawMessage(`{"type":"object"}`)},
	}}}
	cfg := writeFile(t, "c.json", `{"api_key":"`+secret+`"}`)
	code, msgs := runDestination(t, d, "discover", "--config", cfg)
	if code != 0 || len(msgs) != 1 || msgs[0].Type != protocol.TypeDestinationCatalog {
		t.Fatalf("discover: exit %d, messages %+v", code, msgs)
	}
	got := msgs[0].DestinationCatalog
	if len(got.Operations) != 2 || got.Operations[0].ObjectName != "user" || len(got.Operations[0].MatchingKeys) != 2 ||
		got.Operations[1].MatchingKeys != nil {
		t.Errorf("catalog = %+v", got)
	}
	if !strings.Contains(string(d.config), secret) {
		t.Errorf("Discover got config %s, want the file's content", d.config)
	}
}

func TestRunDestinationDiscoverValidatesConfigFirst(t *testing.T) {
	d := &discoveringDestination{catalog: &protocol.DestinationCatalog{Operations: []protocol.DestinationOperation{}}}
	code, msgs := runDestination(t, d, "discover", "--config", writeFile(t, "c.json", `{}`))
	tr := protocoltest.OfType(msgs, protocol.TypeTrace)
	if code == 0 || len(tr) != 1 || tr[0].Trace.Error.FailureType != protocol.FailureConfig || d.config != nil {
		t.Fatalf("exit %d, traces %+v, Discover called: %v", code, tr, d.config != nil)
	}
}

func TestRunDestinationDiscoverErrorIsTrace(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    *discoveringDestination
		want protocol.FailureType
	}{
		{"error", &discoveringDestination{err: protocol.NewError(protocol.FailureConfig, "partner_name is wrong", nil)}, protocol.FailureConfig},
		{"no catalog", &discoveringDestination{}, protocol.FailureSystem},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, msgs := runDestination(t, tc.d, "discover", "--config", writeFile(t, "c.json", `{"api_key":"k"}`))
			tr := protocoltest.OfType(msgs, protocol.TypeTrace)
			if code == 0 || len(tr) != 1 || tr[0].Trace.Error.FailureType != tc.want ||
				len(protocoltest.OfType(msgs, protocol.TypeDestinationCatalog)) != 0 {
				t.Fatalf("exit %d, messages %+v", code, msgs)
			}
		})
	}
}

func TestRunDestinationWithoutDiscoverRefusesDiscover(t *testing.T) {
	code, msgs := runDestination(t, &fakeDestination{}, "discover", "--config", writeFile(t, "c.json", `{"api_key":"k"}`))
	tr := protocoltest.OfType(msgs, protocol.TypeTrace)
	if code == 0 || len(tr) != 1 || !strings.Contains(tr[0].Trace.Error.Message, `unknown command "discover"`) {
		t.Fatalf("exit %d, messages %+v", code, msgs)
	}
}

func TestWriterRejectsDestinationCatalogWithoutOperations(t *testing.T) {
	w := protocol.NewWriter(&bytes.Buffer{}, nil)
	if err := w.Write(&protocol.Message{Type: protocol.TypeDestinationCatalog, DestinationCatalog: &protocol.DestinationCatalog{}}); err == nil {
		t.Error("a DESTINATION_CATALOG without operations was written; the platform drops such messages")
	}
	if err := w.Write(&protocol.Message{Type: protocol.TypeDestinationCatalog, Catalog: &protocol.Catalog{Streams: []protocol.Stream{}}}); err == nil {
		t.Error("a DESTINATION_CATALOG carrying a CATALOG payload was written")
	}
}
