package destination

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden writes testdata/input.jsonl with testdata/config.json against
// the fake and compares the users sent and stdout with golden files.
func TestGolden(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	dir := filepath.Join("..", "testdata")
	var cfg map[string]any
	if err := json.Unmarshal(readTestdata(t, dir, "config.json"), &cfg); err != nil {
		t.Fatal(err)
	}
	cfg["api_base_url"] = f.URL
	cat := readTestdata(t, dir, "catalog.json")
	input := strings.Split(strings.TrimSuffix(string(readTestdata(t, dir, "input.jsonl")), "\n"), "\n")
	r := runCmdCatalog(t, "write", cfg, string(cat), input)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.raw)
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
	for _, line := range strings.Split(string(r.raw), "\n") {
		if strings.HasPrefix(line, `{"type":"STATE"`) {
			states.WriteString(line + "\n")
		}
	}
	protocoltest.Golden(t, filepath.Join(dir, "upsert_bodies.golden.json"), bodies.Bytes(), *update)
	protocoltest.Golden(t, filepath.Join(dir, "states.golden.jsonl"), states.Bytes(), *update)
}

func readTestdata(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
