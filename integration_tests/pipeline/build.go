// Package pipeline builds the two connector binaries and runs a sync the way Airbyte does: the
// source's read piped into the destination's write through an OS pipe, with the echoed states
// saved (the latest per stream, as a JSON array) and passed to the next run as --state. The
// end-to-end tests, the demo and the benchmark command use it.
package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// Binaries are the paths of the built connectors.
type Binaries struct {
	Source      string
	Destination string
}

// ModuleRoot returns the directory holding the project's go.mod.
func ModuleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == "/dev/null" {
		return "", fmt.Errorf("not inside the project's module (run from the repository)")
	}
	return filepath.Dir(mod), nil
}

// Build compiles both connectors into outDir.
func Build(ctx context.Context, outDir string) (Binaries, error) {
	root, err := ModuleRoot(ctx)
	if err != nil {
		return Binaries{}, err
	}
	b := Binaries{Source: filepath.Join(outDir, "source-hubspot"), Destination: filepath.Join(outDir, "destination-insider")}
	for _, t := range []struct{ pkg, out string }{{"./source-hubspot", b.Source}, {"./destination-insider", b.Destination}} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", t.out, t.pkg)
		cmd.Dir = root
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return Binaries{}, fmt.Errorf("go build %s: %w\n%s", t.pkg, err, stderr.String())
		}
	}
	return b, nil
}
