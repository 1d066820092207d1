package protocol_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

var update = flag.Bool("update", false, "rewrite golden files")

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 678e6, time.UTC)

// everyMessage writes one message of every type the package can write.
func everyMessage(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := protocol.NewWriter(&buf, protocol.NewRedactor("s3cr3t-token"))
	ms := t0.UnixMilli()
	msgs := []*protocol.Message{
		{Type: protocol.TypeSpec, Spec: &protocol.Spec{DocumentationURL: "https://example.com/docs",
			ConnectionSpecification:       json.RawMessage(`{"type":"object","properties":{"api_key":{"type":"string","airbyte_secret":true}}}`),
			SupportedDestinationSyncModes: []protocol.DestinationSyncMode{protocol.DestinationSyncModeAppend, protocol.DestinationSyncModeAppendDedup}}},
		{Type: protocol.TypeConnectionStatus, ConnectionStatus: &protocol.ConnectionStatus{Status: protocol.StatusFailed, Message: "token s3cr3t-token was refused"}},
		{Type: protocol.TypeCatalog, Catalog: &protocol.Catalog{Streams: []protocol.Stream{{Name: "contacts",
			JSONSchema:          json.RawMessage(`{"type":"object","properties":{"id":{"type":"string"}}}`),
			SupportedSyncModes:  []protocol.SyncMode{protocol.SyncModeFullRefresh, protocol.SyncModeIncremental},
			SourceDefinedCursor: true, DefaultCursorField: []string{"lastmodifieddate"},
			SourceDefinedPrimaryKey: [][]string{{"id"}}, IsResumable: true}}}},
		{Type: protocol.TypeLog, Log: &protocol.Log{Level: protocol.LogWarn, Message: "retrying after s3cr3t-token"}},
		{Type: protocol.TypeState, State: &protocol.State{Type: protocol.StateStream, Stream: &protocol.StreamState{
			StreamDescriptor: protocol.StreamDescriptor{Name: "contacts"}, StreamState: json.RawMessage(`{"lastmodifieddate":"2026-01-02T03:04:05.678Z","id":12345678901234567890}`)},
			SourceStats: &protocol.StateStats{RecordCount: 42}}},
		{Type: protocol.TypeTrace, Trace: &protocol.Trace{Type: protocol.TraceError, EmittedAt: ms, Error: &protocol.ErrorTrace{
			Message: "HubSpot refused the token", InternalMessage: "401 body: s3cr3t-token", FailureType: protocol.FailureConfig,
			StreamDescriptor: &protocol.StreamDescriptor{Name: "contacts"}}}},
		{Type: protocol.TypeTrace, Trace: &protocol.Trace{Type: protocol.TraceEstimate, EmittedAt: ms,
			Estimate: &protocol.Estimate{Name: "contacts", Type: "STREAM", RowEstimate: 12000}}},
		{Type: protocol.TypeTrace, Trace: &protocol.Trace{Type: protocol.TraceStreamStatus, EmittedAt: ms,
			StreamStatus: &protocol.StreamStatus{StreamDescriptor: protocol.StreamDescriptor{Name: "contacts"}, Status: protocol.StreamRunning}}},
		{Type: protocol.TypeDestinationCatalog, DestinationCatalog: &protocol.DestinationCatalog{Operations: []protocol.DestinationOperation{
			{ObjectName: "user", SyncMode: protocol.DestinationSyncModeAppendDedup, MatchingKeys: [][]string{{"email"}, {"uuid"}},
				JSONSchema: json.RawMessage(`{"type":"object","properties":{"email":{"type":"string"}},"additionalProperties":true}`)},
			{ObjectName: "event", SyncMode: protocol.DestinationSyncModeAppend, JSONSchema: json.RawMessage(`{"type":"object"}`)}}}},
		{Type: protocol.TypeControl, Control: &protocol.Control{Type: "CONNECTOR_CONFIG", EmittedAt: ms,
			ConnectorConfig: &protocol.ConnectorConfig{Config: json.RawMessage(`{"page_size":200}`)}}},
	}
	for _, m := range msgs {
		if err := w.Write(m); err != nil {
			t.Fatalf("write %s: %v", m.Type, err)
		}
	}
	if err := w.WriteRecord("contacts", []byte(`{"id":"101","email":"a@b.com","big":12345678901234567890}`), ms); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGoldenMessages(t *testing.T) {
	got := everyMessage(t)
	if bytes.Contains(got, []byte("s3cr3t-token")) {
		t.Errorf("secret leaked into output:\n%s", got)
	}
	golden(t, "messages.jsonl", got)
}

func TestMessagesValidateAgainstSchema(t *testing.T) {
	protocoltest.ValidateOutput(t, everyMessage(t))
}

func TestWriterRejectsMismatchedPayload(t *testing.T) {
	w := protocol.NewWriter(&bytes.Buffer{}, nil)
	for _, m := range []*protocol.Message{
		{Type: protocol.TypeRecord, Log: &protocol.Log{Level: protocol.LogInfo, Message: "x"}},
		{Type: protocol.TypeLog},
		{Type: protocol.TypeLog, Log: &protocol.Log{}, Trace: &protocol.Trace{}},
		{Type: "BOGUS", Log: &protocol.Log{}},
	} {
		if err := w.Write(m); err == nil {
			t.Errorf("Write(%+v) = nil, want a payload error", m)
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestWriterKeepsWriteError(t *testing.T) {
	w := protocol.NewWriter(failingWriter{}, nil)
	st := &protocol.Message{Type: protocol.TypeState, State: &protocol.State{Type: protocol.StateStream,
		Stream: &protocol.StreamState{StreamDescriptor: protocol.StreamDescriptor{Name: "s"}, StreamState: json.RawMessage(`{}`)}}}
	if err := w.Write(st); err == nil {
		t.Fatal("STATE to a broken stdout: want an error (a STATE is flushed at once)")
	}
	if err := w.WriteRecord("s", []byte(`{}`), 1); err == nil {
		t.Fatal("later writes must keep failing")
	}
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	protocoltest.Golden(t, filepath.Join("testdata", name), got, *update)
}
