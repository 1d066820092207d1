package protocol_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/insider-hubspot/connectors/protocol"
)

// greetings is a whole Source: a spec, a check, one stream, and a read that writes two records
// and a STATE. RunSource does the rest: flags, config validation, stream statuses, exit codes.
type greetings struct{}

func (greetings) Spec(context.Context) (*protocol.Spec, error) {
	return &protocol.Spec{ConnectionSpecification: json.RawMessage(`{"type":"object"}`)}, nil
}

func (greetings) Check(context.Context, json.RawMessage) error { return nil }

func (greetings) Discover(context.Context, json.RawMessage) (*protocol.Catalog, error) {
	return &protocol.Catalog{Streams: []protocol.Stream{{Name: "greetings", JSONSchema: json.RawMessage(`{}`),
		SupportedSyncModes: []protocol.SyncMode{protocol.SyncModeFullRefresh}}}}, nil
}

func (greetings) Read(_ context.Context, _ json.RawMessage, _ *protocol.ConfiguredCatalog, _ *protocol.InputState, out *protocol.SourceOutput) error {
	return errors.Join(out.Record("greetings", []byte(`{"text":"hello"}`)), out.Record("greetings", []byte(`{"text":"world"}`)),
		out.State("greetings", map[string]int{"read": 2}), out.CompleteStream("greetings"))
}

// ExampleRunSource runs a minimal Source's read command in-process, as its main would.
func ExampleRunSource() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	config, catalog := filepath.Join(dir, "config.json"), filepath.Join(dir, "catalog.json")
	_ = os.WriteFile(config, []byte(`{}`), 0o600)
	_ = os.WriteFile(catalog, []byte(`{"streams":[{"stream":{"name":"greetings","json_schema":{},"supported_sync_modes":["full_refresh"]},`+
		`"sync_mode":"full_refresh","destination_sync_mode":"overwrite"}]}`), 0o600)

	env := protocol.Env{
		Args:   []string{"read", "--config", config, "--catalog", catalog},
		Stdout: os.Stdout,
		Now:    func() time.Time { return time.Unix(1767225600, 0) },
	}
	code := protocol.RunSource(context.Background(), env, greetings{})
	fmt.Println("exit", code)
	// Output:
	// {"type":"TRACE","trace":{"type":"STREAM_STATUS","emitted_at":1767225600000,"stream_status":{"stream_descriptor":{"name":"greetings"},"status":"STARTED"}}}
	// {"type":"TRACE","trace":{"type":"STREAM_STATUS","emitted_at":1767225600000,"stream_status":{"stream_descriptor":{"name":"greetings"},"status":"RUNNING"}}}
	// {"type":"RECORD","record":{"stream":"greetings","data":{"text":"hello"},"emitted_at":1767225600000}}
	// {"type":"RECORD","record":{"stream":"greetings","data":{"text":"world"},"emitted_at":1767225600000}}
	// {"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"greetings"},"stream_state":{"read":2}},"sourceStats":{"recordCount":2.0}}}
	// {"type":"TRACE","trace":{"type":"STREAM_STATUS","emitted_at":1767225600000,"stream_status":{"stream_descriptor":{"name":"greetings"},"status":"COMPLETE"}}}
	// exit 0
}
