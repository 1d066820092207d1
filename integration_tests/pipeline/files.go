package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/insider-hubspot/connectors/protocol"
)

// Discover runs the source's discover with the config at configPath and returns its catalog.
func Discover(ctx context.Context, source, configPath string) (*protocol.Catalog, error) {
	cmd := exec.CommandContext(ctx, source, "discover", "--config", configPath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, runErr := cmd.Output()
	var catalog *protocol.Catalog
	var problems []string
	sc := Lines(bytes.NewReader(out))
	for sc.Scan() {
		var m protocol.Message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return nil, fmt.Errorf("discover printed a line that is not an Airbyte message: %w", err)
		}
		switch {
		case m.Type == protocol.TypeCatalog:
			catalog = m.Catalog
		case m.Type == protocol.TypeTrace && m.Trace != nil && m.Trace.Error != nil:
			problems = append(problems, m.Trace.Error.Message)
		}
	}
	if runErr != nil || catalog == nil {
		if runErr == nil {
			runErr = errors.New("no catalog")
		}
		return nil, fmt.Errorf("source discover failed (%w): %s %s", runErr, strings.Join(problems, "; "), stderr.String())
	}
	return catalog, nil
}

// WriteJSONFile writes v as indented JSON, readable only by the user (configs hold keys).
func WriteJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", filepath.Base(path), err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ReadJSONFile decodes the JSON file at path into v.
func ReadJSONFile(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode %s: %w", filepath.Base(path), err)
	}
	return nil
}

// LogFields splits the fields of a connector LOG message, `msg k=v k2="quoted value"` after the
// message text has been cut off, into a map.
func LogFields(s string) (map[string]string, error) {
	out := map[string]string{}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		key, rest, ok := strings.Cut(s, "=")
		if !ok || strings.ContainsAny(key, " \"") {
			return nil, fmt.Errorf("expected key=value at %q", s)
		}
		if strings.HasPrefix(rest, `"`) {
			dec := json.NewDecoder(strings.NewReader(rest))
			var v string
			if err := dec.Decode(&v); err != nil {
				return nil, fmt.Errorf("field %s: %w", key, err)
			}
			out[key] = v
			s = rest[dec.InputOffset():]
			continue
		}
		val, next, _ := strings.Cut(rest, " ")
		out[key], s = val, next
	}
	return out, nil
}

// OutputDir returns dir as an absolute path, creating it if needed: the folder a tool writes
// everything it produces into.
func OutputDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return "", fmt.Errorf("create the output folder: %w", err)
	}
	return abs, nil
}
