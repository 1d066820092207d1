package destination

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
	"github.com/insider-hubspot/connectors/internal/httpx/httpxtest"
	"github.com/insider-hubspot/connectors/protocol"
)

// insiderFake is the project's Insider fake (integration_tests/fakeinsider) as these tests
// use it: the account of baseConfig, whose metadata declares the custom attributes baseConfig
// maps as strings, and the upserts it received.
type insiderFake struct{ *fakeinsider.Server }

// fakeUser is the part of an upserted user the tests look at.
type fakeUser struct {
	Identifiers map[string]any   `json:"identifiers"`
	Attributes  map[string]any   `json:"attributes"`
	Events      []map[string]any `json:"events"`
	NotAppend   bool             `json:"not_append"`
}

// newInsider starts the fake for baseConfig's partner and key; opts may set more options.
func newInsider(t testing.TB, opts fakeinsider.Options) insiderFake {
	opts.PartnerName, opts.APIKey = "mybrand", "secret-key"
	if opts.Clock == nil {
		// The test inputs' events happened on 2026-01-02: well within Insider's retention.
		opts.Clock = func() time.Time { return time.Date(2026, 1, 5, 3, 4, 5, 0, time.UTC) }
	}
	if opts.CustomAttributes == nil {
		opts.CustomAttributes = map[string]string{"lifecycle_stage": "string", "crm_source": "string"}
	}
	if opts.MaxLoggedBodies == 0 {
		opts.MaxLoggedBodies = 10000
	}
	srv := fakeinsider.New(opts)
	t.Cleanup(srv.Close)
	return insiderFake{srv}
}

// bodies are the upsert bodies Insider received, whatever it answered.
func (f insiderFake) bodies() [][]byte { return f.ReceivedBodies() }

// users are the users of every upsert Insider received, in order.
func (f insiderFake) users() []fakeUser {
	var out []fakeUser
	for _, b := range f.bodies() {
		var req struct{ Users []fakeUser }
		_ = json.Unmarshal(b, &req)
		out = append(out, req.Users...)
	}
	return out
}

// cmdResult is the outcome of one in-process command.
type cmdResult struct {
	code    int
	raw     []byte // stdout as written
	stdout  []map[string]any
	states  []map[string]any // STATE messages echoed
	logs    []string
	traces  []map[string]any
	summary *settle.Summary
}

// baseConfig is a config for the fake at url; edit adjusts it.
func baseConfig(url string, edit func(c map[string]any)) map[string]any {
	c := map[string]any{
		"partner_name": "MyBrand",
		"api_key":      "secret-key",
		"api_base_url": url,
		"identifier_mappings": []any{
			map[string]any{"identifier": "email", "source_field": "email"},
			map[string]any{"identifier": "uuid", "source_field": "hs_object_id"},
		},
		"attribute_mappings": []any{
			map[string]any{"source_field": "firstname", "attribute": "name"},
			map[string]any{"source_field": "lifecyclestage", "attribute": "lifecycle_stage"},
		},
		"fixed_attributes": []any{map[string]any{"attribute": "crm_source", "value": "hubspot"}},
		"event_mappings": []any{map[string]any{
			"stream": "event_signup", "event_name": "newsletter_signup",
			"parameters": []any{map[string]any{"source_field": "properties.page", "parameter": "url"}},
		}},
		"skip_hook": true,
	}
	if edit != nil {
		edit(c)
	}
	return c
}

// configuredContacts is the contacts stream as configured for a connection whose config maps it.
const configuredContacts = `{"stream":{"name":"contacts","json_schema":{},"supported_sync_modes":["incremental"]},"sync_mode":"incremental","destination_sync_mode":"append_dedup","primary_key":[["id"]]}`

// defaultCatalog is the configured catalog of runCmd: contacts and event_signup, mapped by the config.
const defaultCatalog = `{"streams":[` + configuredContacts + `,` +
	`{"stream":{"name":"event_signup","json_schema":{},"supported_sync_modes":["incremental"]},"sync_mode":"incremental","destination_sync_mode":"append"}]}`

// runCmd runs a destination command in-process with the given stdin lines.
func runCmd(t testing.TB, cmd string, cfg map[string]any, stdin []string, opts ...Option) cmdResult {
	t.Helper()
	return runCmdCatalog(t, cmd, cfg, defaultCatalog, stdin, opts...)
}

// runCmdCatalog is runCmd with the configured catalog cat.
func runCmdCatalog(t testing.TB, cmd string, cfg map[string]any, cat string, stdin []string, opts ...Option) cmdResult {
	t.Helper()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.json")
	catPath := filepath.Join(dir, "catalog.json")
	cb, _ := json.Marshal(cfg)
	if err := os.WriteFile(cfgPath, cb, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(catPath, []byte(cat), 0o600); err != nil {
		t.Fatal(err)
	}
	var r cmdResult
	opts = append([]Option{
		// Not http.DefaultTransport: every run closes its client's idle connections, as does
		// every httptest.Server.Close, which breaks requests of the tests running in parallel.
		WithHTTPClient(httpxtest.Client(t)),
		// An alert is posted in the background and waited for at the end of the run, at most
		// this long: the default 5 s can pass on a loaded machine before the webhook has it.
		WithAlertTimeout(time.Minute),
		// The test inputs' events happened on 2026-01-02: well within Insider's retention.
		WithClock(func() time.Time { return time.Date(2026, 1, 5, 3, 4, 5, 0, time.UTC) }),
		WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }),
		WithMaxAttempts(3),
		WithSummary(func(s settle.Summary) { r.summary = &s }),
		withoutIdleFlush,
	}, opts...)
	var out, errb bytes.Buffer
	env := protocol.Env{
		Args:   []string{cmd, "--config", cfgPath, "--catalog", catPath},
		Stdin:  strings.NewReader(strings.Join(stdin, "\n") + "\n"),
		Stdout: &out, Stderr: &errb,
		Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
	}
	r.code = protocol.RunDestination(context.Background(), env, New(opts...))
	r.raw = out.Bytes()
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("stdout line is not JSON: %q", line)
		}
		r.stdout = append(r.stdout, m)
		switch m["type"] {
		case "STATE":
			r.states = append(r.states, m["state"].(map[string]any))
		case "LOG":
			r.logs = append(r.logs, m["log"].(map[string]any)["message"].(string))
		case "TRACE":
			r.traces = append(r.traces, m["trace"].(map[string]any))
		}
	}
	if strings.Contains(out.String(), "secret-key") {
		t.Errorf("stdout contains the API key")
	}
	return r
}

// withoutIdleFlush leaves the idle flush out of a test run, so that how
// records are batched does not depend on how fast the machine reads them;
// idle_test.go drives it.
func withoutIdleFlush(d *Destination) {
	d.schedule = func(time.Duration, func()) func() { return func() {} }
}

// recordLine is a RECORD message line.
func recordLine(stream string, data string) string {
	return fmt.Sprintf(`{"type":"RECORD","record":{"stream":%q,"data":%s,"emitted_at":1}}`, stream, data)
}

// stateLine is a STREAM STATE message line with a sequence number.
func stateLine(stream string, seq int) string {
	return fmt.Sprintf(`{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":%q},"stream_state":{"seq":%d}}}}`, stream, seq)
}

// contact is a contacts record whose uuid is 1000+id.
func contact(id int) string {
	return recordLine("contacts", fmt.Sprintf(`{"id":"%d","email":"user%d@example.com","hs_object_id":%d,"firstname":"Ann","lifecyclestage":"lead"}`, id, id, 1000+id))
}

// stateInfo extracts stream, seq and destinationStats of an echoed state.
func stateInfo(s map[string]any) (stream string, seq int, committed, rejected int) {
	st := s["stream"].(map[string]any)
	stream = st["stream_descriptor"].(map[string]any)["name"].(string)
	seq = int(st["stream_state"].(map[string]any)["seq"].(float64))
	ds := s["destinationStats"].(map[string]any)
	committed = int(ds["recordCount"].(float64))
	if r, ok := ds["rejectedRecordCount"].(float64); ok {
		rejected = int(r)
	}
	return
}
