package destination

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden writes testdata/input.jsonl with testdata/config.json against
// the fake and compares the users sent and stdout with golden files.
func TestGolden(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	url := f.URL
	dir := filepath.Join("..", "testdata")
	raw, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	cfg["api_base_url"] = url
	cfgPath := filepath.Join(t.TempDir(), "config.json")
	cb, _ := json.Marshal(cfg)
	if err := os.WriteFile(cfgPath, cb, 0o600); err != nil {
		t.Fatal(err)
	}
	input, err := os.ReadFile(filepath.Join(dir, "input.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	env := protocol.Env{
		Args:  []string{"write", "--config", cfgPath, "--catalog", filepath.Join(dir, "catalog.json")},
		Stdin: bytes.NewReader(input), Stdout: &out, Stderr: &bytes.Buffer{},
		Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
	}
	if code := protocol.RunDestination(context.Background(), env, New(WithClock(env.Now))); code != 0 {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	var bodies bytes.Buffer
	for _, b := range f.bodies() {
		var v any
		_ = json.Unmarshal(b, &v)
		pretty, _ := json.MarshalIndent(v, "", "  ")
		bodies.Write(pretty)
		bodies.WriteByte('\n')
	}
	var states bytes.Buffer
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, `{"type":"STATE"`) {
			states.WriteString(line + "\n")
		}
	}
	protocoltest.Golden(t, filepath.Join(dir, "upsert_bodies.golden.json"), bodies.Bytes(), *update)
	protocoltest.Golden(t, filepath.Join(dir, "states.golden.jsonl"), states.Bytes(), *update)
}
