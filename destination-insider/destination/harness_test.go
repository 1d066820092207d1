package destination

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/protocol"
)

// fakeInsider behaves like Insider's upsert endpoint. decide, when set,
// chooses the answer for each request; the default accepts every user.
type fakeInsider struct {
	mu       sync.Mutex
	bodies   [][]byte
	requests int
	// decide returns the status and body for a request with these users;
	// status 0 accepts all. It may also drop the connection (status -1).
	decide func(req int, users []fakeUser) (int, string, http.Header)
	// maxBody is the largest body accepted (default Insider's 5,000,000);
	// larger ones get Insider's "bigger than maximum allowed size" 400.
	maxBody int
	// columns is the metadata answer (default defaultColumns); "404"
	// answers 404, as a host without the endpoint would.
	columns string
	hits    map[string]int // requests by path, whatever the answer
}

// fakeUser is the part of an upserted user the tests look at.
type fakeUser struct {
	Identifiers map[string]any   `json:"identifiers"`
	Attributes  map[string]any   `json:"attributes"`
	Events      []map[string]any `json:"events"`
	NotAppend   bool             `json:"not_append"`
}

// defaultColumns is the metadata answer of the fake: the custom attributes
// baseConfig maps are declared as strings.
const defaultColumns = `[{"key":"email","display_name":"Email","type":"string"},` +
	`{"key":"c_lifecycle_stage","display_name":"Lifecycle stage","type":"string"},` +
	`{"key":"c_crm_source","display_name":"CRM source","type":"string"}]`

func (f *fakeInsider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	if f.hits == nil {
		f.hits = map[string]int{}
	}
	f.hits[r.URL.Path]++
	missing := f.columns == "404" && r.URL.Path == "/api/user/v3/metadata/columns"
	f.mu.Unlock()
	if missing {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `404 page not found`)
		return
	}
	switch {
	case r.Header.Get("X-PARTNER-NAME") != "mybrand":
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"success":false,"message":"Partner is invalid."}`)
		return
	case r.Header.Get("X-REQUEST-TOKEN") != "secret-key":
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"success":false,"message":"Bad Api Key."}`)
		return
	}
	if r.URL.Path == "/api/user/v3/metadata/columns" {
		f.mu.Lock()
		cols := f.columns
		f.mu.Unlock()
		if cols == "" {
			cols = defaultColumns
		}
		_, _ = io.WriteString(w, cols)
		return
	}
	if r.URL.Path == "/api/user/v1/profile" {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"error":"no such user for these identifiers: no data"}`)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var req struct {
		SkipHook *bool      `json:"skip_hook"`
		Users    []fakeUser `json:"users"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.SkipHook == nil || len(req.Users) == 0 {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"error":"users must be defined: bad request"}`)
		return
	}
	f.mu.Lock()
	f.requests++
	n := f.requests
	f.bodies = append(f.bodies, body)
	f.mu.Unlock()
	limit := f.maxBody
	if limit == 0 {
		limit = insiderMaxBody
	}
	if len(body) > limit {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"error":"request body is bigger than maximum allowed size 5,000,000 bytes"}`)
		return
	}
	status, answer, hdr := 0, "", http.Header(nil)
	if f.decide != nil {
		status, answer, hdr = f.decide(n, req.Users)
	}
	for k, v := range hdr {
		w.Header()[k] = v
	}
	switch status {
	case -1:
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			_ = conn.Close()
		}
	case 0:
		fmt.Fprintf(w, `{"data":{"successful":{"count":%d},"fail":{}}}`, len(req.Users))
	default:
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer)
	}
}

// insiderMaxBody is the fake's body limit (Insider's).
const insiderMaxBody = 5_000_000

// hitCount is how many requests reached path, whatever the answer.
func (f *fakeInsider) hitCount(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[path]
}

func (f *fakeInsider) users() []fakeUser {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeUser
	for _, b := range f.bodies {
		var req struct{ Users []fakeUser }
		_ = json.Unmarshal(b, &req)
		out = append(out, req.Users...)
	}
	return out
}

// run is the outcome of one in-process command.
type run struct {
	code    int
	raw     []byte // stdout as written
	stdout  []map[string]any
	states  []map[string]any // STATE messages echoed
	logs    []string
	traces  []map[string]any
	summary *Summary
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

// defaultCatalog is the configured catalog of runCmd: contacts and event_signup, mapped by the config.
const defaultCatalog = `{"streams":[` +
	`{"stream":{"name":"contacts","json_schema":{},"supported_sync_modes":["incremental"]},"sync_mode":"incremental","destination_sync_mode":"append_dedup","primary_key":[["id"]]},` +
	`{"stream":{"name":"event_signup","json_schema":{},"supported_sync_modes":["incremental"]},"sync_mode":"incremental","destination_sync_mode":"append"}]}`

// runCmd runs a destination command in-process with the given stdin lines.
func runCmd(t testing.TB, cmd string, cfg map[string]any, stdin []string, opts ...Option) run {
	t.Helper()
	return runCmdCatalog(t, cmd, cfg, defaultCatalog, stdin, opts...)
}

// runCmdCatalog is runCmd with the configured catalog cat.
func runCmdCatalog(t testing.TB, cmd string, cfg map[string]any, cat string, stdin []string, opts ...Option) run {
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
	var r run
	opts = append([]Option{
		// The test inputs' events happened on 2026-01-02: well within Insider's retention.
		WithClock(func() time.Time { return time.Date(2026, 1, 5, 3, 4, 5, 0, time.UTC) }),
		WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }),
		WithMaxAttempts(3),
		WithSummary(func(s Summary) { r.summary = &s }),
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

func newFake(t testing.TB, f *fakeInsider) string {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv.URL
}
