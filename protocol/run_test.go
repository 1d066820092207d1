package protocol_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

const testSpec = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "required": ["credentials"],
  "properties": {
    "credentials": {"type": "object", "oneOf": [
      {"type": "object", "required": ["credentials_title", "client_id", "client_secret"], "properties": {
        "credentials_title": {"type": "string", "const": "OAuth Credentials"},
        "client_id": {"type": "string"},
        "client_secret": {"type": "string", "airbyte_secret": true}}},
      {"type": "object", "required": ["credentials_title", "access_token"], "properties": {
        "credentials_title": {"type": "string", "const": "Private App Credentials"},
        "access_token": {"type": "string", "airbyte_secret": true}}}]},
    "page_size": {"type": "integer", "minimum": 1, "maximum": 200}
  }
}`

// fakeSource is a Source whose behaviour each test sets.
type fakeSource struct {
	check func(ctx context.Context) error
	read  func(ctx context.Context, state *protocol.InputState, out *protocol.SourceOutput) error
}

func (s *fakeSource) Spec(context.Context) (*protocol.Spec, error) {
	return &protocol.Spec{ConnectionSpecification: json.RawMessage(testSpec)}, nil
}

func (s *fakeSource) Check(ctx context.Context, _ json.RawMessage) error { return s.check(ctx) }

func (s *fakeSource) Discover(context.Context, json.RawMessage) (*protocol.Catalog, error) {
	return &protocol.Catalog{Streams: []protocol.Stream{{Name: "contacts", JSONSchema: json.RawMessage(`{"type":"object"}`),
		SupportedSyncModes: []protocol.SyncMode{protocol.SyncModeFullRefresh}}}}, nil
}

func (s *fakeSource) Read(ctx context.Context, _ json.RawMessage, _ *protocol.ConfiguredCatalog, st *protocol.InputState, out *protocol.SourceOutput) error {
	return s.read(ctx, st, out)
}

const secret = "shh-very-secret-value"

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func goodConfig(t *testing.T) string {
	return writeFile(t, "config.json", `{"credentials":{"credentials_title":"Private App Credentials","access_token":"`+secret+`"}}`)
}

func catalogFile(t *testing.T) string {
	return writeFile(t, "catalog.json", `{"streams":[{"stream":{"name":"contacts","json_schema":{"type":"object"},"supported_sync_modes":["full_refresh"]},"sync_mode":"full_refresh","destination_sync_mode":"append"}]}`)
}

func runSource(t *testing.T, s protocol.Source, args ...string) (int, []protocol.Message, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := protocol.RunSource(context.Background(), protocol.Env{Args: args, Stdout: &out, Stderr: &errOut, Now: func() time.Time { return t0 }}, s)
	if os.Getenv(protocoltest.SchemaEnv) != "" {
		protocoltest.ValidateOutput(t, out.Bytes())
	}
	return code, protocoltest.Messages(t, out.Bytes()), out.String()
}

func TestRunSpec(t *testing.T) {
	code, msgs, _ := runSource(t, &fakeSource{}, "spec", "--debug")
	if code != 0 || len(msgs) != 1 || msgs[0].Type != protocol.TypeSpec {
		t.Fatalf("spec: exit %d, messages %+v", code, msgs)
	}
}

// TestRunNamesIgnoredFlags: a flag no command takes does not fail the run, and the WARN that
// says it was ignored names it.
func TestRunNamesIgnoredFlags(t *testing.T) {
	code, msgs, _ := runSource(t, &fakeSource{}, "spec", "--log-format", "json")
	specs, logs := protocoltest.OfType(msgs, protocol.TypeSpec), protocoltest.OfType(msgs, protocol.TypeLog)
	if code != 0 || len(specs) != 1 || len(logs) != 1 || logs[0].Log.Level != protocol.LogWarn ||
		!strings.Contains(logs[0].Log.Message, "ignored command-line flags") || !strings.Contains(logs[0].Log.Message, "--log-format") {
		t.Fatalf("spec --log-format json: exit %d, messages %+v", code, msgs)
	}
}

func TestRunCheckConfigErrorsAreFailedStatus(t *testing.T) {
	for _, tc := range []struct{ name, config, want string }{
		{"missing field", `{"credentials":{"credentials_title":"OAuth Credentials","client_id":"x"}}`, "credentials.client_secret: missing"},
		{"wrong option", `{"credentials":{"credentials_title":"Other"}}`, "credentials: does not match any of the allowed options"},
		{"bad type", `{"credentials":{"credentials_title":"Private App Credentials","access_token":"abcd"},"page_size":"9"}`, "page_size: expected integer"},
		{"not json", `{`, "not valid JSON"},
		{"not an object", `[]`, "must be a JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			called := false
			src := &fakeSource{check: func(context.Context) error { called = true; return nil }}
			code, msgs, _ := runSource(t, src, "check", "--config", writeFile(t, "c.json", tc.config))
			if code != 0 || called {
				t.Fatalf("exit %d, Check called %v; want exit 0 and no call", code, called)
			}
			st := protocoltest.OfType(msgs, protocol.TypeConnectionStatus)
			if len(st) != 1 || st[0].ConnectionStatus.Status != protocol.StatusFailed || !strings.Contains(st[0].ConnectionStatus.Message, tc.want) {
				t.Fatalf("statuses = %+v, want one FAILED containing %q", st, tc.want)
			}
		})
	}
}

func TestRunCheckCredentialErrorRedacted(t *testing.T) {
	src := &fakeSource{check: func(ctx context.Context) error {
		zerolog.Ctx(ctx).Warn().Str("body", `{"token":"`+secret+`"}`).Msg("refused")
		return protocol.NewError(protocol.FailureConfig, "HubSpot refused the token",
			errors.New(`401 {"message":"bad token `+secret+`"}`))
	}}
	code, msgs, raw := runSource(t, src, "check", "--config", goodConfig(t))
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if strings.Contains(raw, secret) {
		t.Fatalf("secret leaked:\n%s", raw)
	}
	st := protocoltest.OfType(msgs, protocol.TypeConnectionStatus)
	if len(st) != 1 || st[0].ConnectionStatus.Message != "HubSpot refused the token" {
		t.Fatalf("statuses = %+v", st)
	}
}

func TestRunCheckSystemErrorIsTrace(t *testing.T) {
	src := &fakeSource{check: func(context.Context) error {
		return protocol.NewError(protocol.FailureTransient, "HubSpot is unavailable", errors.New("503"))
	}}
	code, msgs, _ := runSource(t, src, "check", "--config", goodConfig(t))
	tr := protocoltest.OfType(msgs, protocol.TypeTrace)
	if code == 0 || len(tr) != 1 || tr[0].Trace.Error.FailureType != protocol.FailureTransient {
		t.Fatalf("exit %d, traces %+v", code, tr)
	}
}

func TestRunPanicBecomesTrace(t *testing.T) {
	src := &fakeSource{read: func(context.Context, *protocol.InputState, *protocol.SourceOutput) error {
		panic("boom")
	}}
	code, msgs, _ := runSource(t, src, "read", "--config", goodConfig(t), "--catalog", catalogFile(t))
	tr := protocoltest.OfType(msgs, protocol.TypeTrace)
	if code == 0 || len(tr) != 1 || tr[0].Trace.Error == nil || tr[0].Trace.Error.FailureType != protocol.FailureSystem ||
		!strings.Contains(tr[0].Trace.Error.StackTrace, "run_test.go") {
		t.Fatalf("exit %d, traces %+v", code, tr)
	}
}

func TestRunReadBadStateIsConfigError(t *testing.T) {
	read := false
	src := &fakeSource{read: func(context.Context, *protocol.InputState, *protocol.SourceOutput) error { read = true; return nil }}
	code, msgs, _ := runSource(t, src, "read", "--config", goodConfig(t), "--catalog", catalogFile(t), "--state", writeFile(t, "s.json", "garbage"))
	tr := protocoltest.OfType(msgs, protocol.TypeTrace)
	if code == 0 || read || len(tr) != 1 || tr[0].Trace.Error.FailureType != protocol.FailureConfig ||
		!strings.Contains(tr[0].Trace.Error.Message, "--state") {
		t.Fatalf("exit %d, read %v, traces %+v", code, read, tr)
	}
}

func TestRunMissingFileNamesFlagAndPath(t *testing.T) {
	code, msgs, _ := runSource(t, &fakeSource{}, "read", "--config", "/nonexistent/c.json", "--catalog", "x")
	tr := protocoltest.OfType(msgs, protocol.TypeTrace)
	if code == 0 || len(tr) != 1 || !strings.Contains(tr[0].Trace.Error.Message, "--config file /nonexistent/c.json") {
		t.Fatalf("exit %d, traces %+v", code, tr)
	}
}

func TestRunEmptyStateFiles(t *testing.T) {
	for _, content := range []string{"", "null", "{}", "[]"} {
		var got *protocol.InputState
		src := &fakeSource{read: func(_ context.Context, st *protocol.InputState, _ *protocol.SourceOutput) error { got = st; return nil }}
		code, _, _ := runSource(t, src, "read", "--config", goodConfig(t), "--catalog", catalogFile(t), "--state", writeFile(t, "s.json", content))
		if code != 0 || !got.Empty() {
			t.Errorf("state %q: exit %d, state empty %v", content, code, got.Empty())
		}
	}
}

func TestRunFailedStreamExitsNonZeroAfterOthers(t *testing.T) {
	src := &fakeSource{read: func(_ context.Context, _ *protocol.InputState, out *protocol.SourceOutput) error {
		if err := out.StartStream("a"); err != nil {
			return err
		}
		if err := out.FailStream("a", protocol.NewError(protocol.FailureConfig, "no scope", nil)); err != nil {
			return err
		}
		if err := out.Record("b", []byte(`{"id":"1"}`)); err != nil {
			return err
		}
		if err := out.State("b", map[string]string{"c": "1"}); err != nil {
			return err
		}
		return out.CompleteStream("b")
	}}
	code, msgs, _ := runSource(t, src, "read", "--config", goodConfig(t), "--catalog", catalogFile(t))
	if code == 0 {
		t.Fatal("exit 0 after a failed stream")
	}
	if n := len(protocoltest.OfType(msgs, protocol.TypeRecord)); n != 1 {
		t.Errorf("records = %d, want the other stream's record", n)
	}
	var errs int
	for _, m := range protocoltest.OfType(msgs, protocol.TypeTrace) {
		if m.Trace.Error != nil {
			errs++
			if m.Trace.Error.StreamDescriptor == nil || m.Trace.Error.StreamDescriptor.Name != "a" {
				t.Errorf("stream error without its stream: %+v", m.Trace.Error)
			}
		}
	}
	if errs != 1 {
		t.Errorf("error traces = %d, want exactly the stream's own", errs)
	}
}

func TestRunCancelsOnSIGTERM(t *testing.T) {
	started := make(chan struct{})
	src := &fakeSource{read: func(ctx context.Context, _ *protocol.InputState, out *protocol.SourceOutput) error {
		if err := out.StartStream("contacts"); err != nil {
			return err
		}
		close(started)
		<-ctx.Done()
		return ctx.Err()
	}}
	go func() {
		<-started
		_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
	}()
	code, msgs, _ := runSource(t, src, "read", "--config", goodConfig(t), "--catalog", catalogFile(t))
	tr := protocoltest.OfType(msgs, protocol.TypeTrace)
	last := tr[len(tr)-1]
	if code == 0 || last.Trace.Error == nil || last.Trace.Error.FailureType != protocol.FailureTransient {
		t.Fatalf("exit %d, last trace %+v", code, last.Trace)
	}
	var statuses []protocol.StreamStatusKind
	for _, m := range tr {
		if m.Trace.StreamStatus != nil {
			statuses = append(statuses, m.Trace.StreamStatus.Status)
		}
	}
	if len(statuses) != 2 || statuses[1] != protocol.StreamIncomplete {
		t.Errorf("statuses = %v, want STARTED then INCOMPLETE", statuses)
	}
}
