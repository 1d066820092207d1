package source

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/insider-hubspot/connectors/internal/alert/alerttest"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// message is the part of an output line the tests look at.
type message struct {
	Type   string `json:"type"`
	Record *struct {
		Stream string          `json:"stream"`
		Data   json.RawMessage `json:"data"`
	} `json:"record"`
	State *struct {
		Type   string `json:"type"`
		Stream struct {
			Descriptor struct {
				Name string `json:"name"`
			} `json:"stream_descriptor"`
			State json.RawMessage `json:"stream_state"`
		} `json:"stream"`
	} `json:"state"`
	Log *struct {
		Level   string `json:"level"`
		Message string `json:"message"`
	} `json:"log"`
	Trace *struct {
		Type  string `json:"type"`
		Error *struct {
			Message         string `json:"message"`
			InternalMessage string `json:"internal_message"`
			FailureType     string `json:"failure_type"`
		} `json:"error"`
		Estimate *struct {
			RowEstimate int64 `json:"row_estimate"`
		} `json:"estimate"`
		StreamStatus *struct {
			Status string `json:"status"`
		} `json:"stream_status"`
	} `json:"trace"`
	ConnectionStatus *struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	} `json:"connectionStatus"`
	Catalog *protocol.Catalog `json:"catalog"`
	raw     string
}

// result is one run's output.
type result struct {
	code   int
	msgs   []message
	stderr string
}

func (r *result) records(stream string) []json.RawMessage {
	var out []json.RawMessage
	for _, m := range r.msgs {
		if m.Type == "RECORD" && m.Record.Stream == stream {
			out = append(out, m.Record.Data)
		}
	}
	return out
}

func (r *result) states(stream string) []json.RawMessage {
	var out []json.RawMessage
	for _, m := range r.msgs {
		if m.Type == "STATE" && m.State.Stream.Descriptor.Name == stream {
			out = append(out, m.State.Stream.State)
		}
	}
	return out
}

func (r *result) lastState(t testing.TB, stream string) json.RawMessage {
	s := r.states(stream)
	if len(s) == 0 {
		t.Fatalf("no STATE for %s", stream)
	}
	return s[len(s)-1]
}

func (r *result) logs(level string) []string {
	var out []string
	for _, m := range r.msgs {
		if m.Type == "LOG" && m.Log.Level == level {
			out = append(out, m.Log.Message)
		}
	}
	return out
}

func (r *result) traceErrors() []message {
	var out []message
	for _, m := range r.msgs {
		if m.Type == "TRACE" && m.Trace.Type == "ERROR" {
			out = append(out, m)
		}
	}
	return out
}

func (r *result) statuses() []string {
	var out []string
	for _, m := range r.msgs {
		if m.Type == "TRACE" && m.Trace.StreamStatus != nil {
			out = append(out, m.Trace.StreamStatus.Status)
		}
	}
	return out
}

// env is one test's world: a fake HubSpot, a clock and the source options.
type env struct {
	t    testing.TB
	fake *hubFake
	clk  *fakeClock
	cfg  map[string]any
	opts []Option
	http *http.Client       // overrides the fake's client (for the shared fake)
	hook *alerttest.Webhook // receives alerts when the config names it

	sleepMu sync.Mutex
	sleeps  []time.Duration
}

func (e *env) slept() []time.Duration {
	e.sleepMu.Lock()
	defer e.sleepMu.Unlock()
	return append([]time.Duration(nil), e.sleeps...)
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newEnv(t testing.TB) *env {
	clk := &fakeClock{t: t0}
	e := &env{t: t, clk: clk}
	e.fake = newFake(t, clk)
	e.cfg = map[string]any{
		"credentials":  map[string]any{"credentials_title": "OAuth Credentials", "client_id": "client", "client_secret": "secret", "refresh_token": "refresh-good"},
		"api_base_url": e.fake.URL,
	}
	return e
}

func (e *env) source() *Source {
	hc := e.http
	if hc == nil {
		hc = e.fake.HTTPServer().Client()
	}
	opts := append([]Option{
		WithHTTPClient(hc),
		WithClock(e.clk.Now),
		WithSleep(func(ctx context.Context, d time.Duration) error {
			e.sleepMu.Lock()
			e.sleeps = append(e.sleeps, d)
			e.sleepMu.Unlock()
			return ctx.Err()
		}),
		WithLimits(hubspot.Limits{Search: rate.Inf, Other: rate.Inf}),
		// An alert is posted in the background and waited for at the end of the run, at most
		// this long: the default 5 s can pass on a loaded machine before the webhook has it.
		WithAlertTimeout(time.Minute),
	}, e.opts...)
	return New(opts...)
}

func (e *env) writeFile(name string, v any) string {
	p := filepath.Join(e.t.TempDir(), name)
	var b []byte
	switch x := v.(type) {
	case []byte:
		b = x
	case string:
		b = []byte(x)
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := os.WriteFile(p, b, 0o600); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// run runs one command in-process and parses its stdout.
func (e *env) run(args ...string) *result {
	var out, errb bytes.Buffer
	code := protocol.RunSource(context.Background(), protocol.Env{Args: args, Stdin: strings.NewReader(""),
		Stdout: &out, Stderr: &errb, Now: e.clk.Now}, e.source())
	res := &result{code: code, stderr: errb.String()}
	for _, line := range bytes.Split(bytes.TrimSpace(out.Bytes()), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m message
		if err := json.Unmarshal(line, &m); err != nil {
			e.t.Fatalf("stdout line is not JSON: %s", line)
		}
		m.raw = string(line)
		res.msgs = append(res.msgs, m)
	}
	return res
}

// catalog returns a configured catalog of the discovered streams named.
func (e *env) catalog(mode protocol.SyncMode, names ...string) *protocol.ConfiguredCatalog {
	res := e.run("discover", "--config", e.writeFile("config.json", e.cfg))
	var cat *protocol.Catalog
	for _, m := range res.msgs {
		if m.Catalog != nil {
			cat = m.Catalog
		}
	}
	if cat == nil {
		e.t.Fatalf("discover gave no catalog: %+v", res.msgs)
	}
	cc := &protocol.ConfiguredCatalog{}
	for _, s := range cat.Streams {
		for _, n := range names {
			if s.Name == n {
				cc.Streams = append(cc.Streams, protocol.ConfiguredStream{Stream: s, SyncMode: mode,
					DestinationSyncMode: protocol.DestinationSyncModeAppendDedup, CursorField: s.DefaultCursorField})
			}
		}
	}
	return cc
}

// read runs read with the catalog and an optional state (a stream_state for contacts, or any
// raw state file content when given as []byte).
func (e *env) read(cat *protocol.ConfiguredCatalog, state any) *result {
	args := []string{"read", "--config", e.writeFile("config.json", e.cfg), "--catalog", e.writeFile("catalog.json", cat)}
	switch s := state.(type) {
	case nil:
	case []byte:
		args = append(args, "--state", e.writeFile("state.json", s))
	case json.RawMessage:
		args = append(args, "--state", e.writeFile("state.json", streamStateFile("contacts", s)))
	default:
		e.t.Fatalf("bad state %T", state)
	}
	return e.run(args...)
}

func streamStateFile(stream string, s json.RawMessage) []byte {
	b, _ := json.Marshal([]any{map[string]any{"type": "STREAM", "stream": map[string]any{
		"stream_descriptor": map[string]string{"name": stream}, "stream_state": s}}})
	return b
}

// watermarkState is a contacts stream_state of only a watermark: every contact modified at or
// before at was delivered.
func watermarkState(at time.Time) json.RawMessage {
	return json.RawMessage(`{"lastmodifieddate":"` + stream.FormatTime(at) + `"}`)
}

// ids extracts the "id" of each record.
func ids(t testing.TB, recs []json.RawMessage) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		var v struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(r, &v); err != nil {
			t.Fatalf("record %s: %v", r, err)
		}
		out[i] = v.ID
	}
	return out
}

func writeFileB(p string, data []byte) error { return os.WriteFile(p, data, 0o600) }
