// Package pipeline builds the two connector binaries and runs a sync the way Airbyte does: the
// source's read piped into the destination's write through an OS pipe, with the echoed states
// saved (the latest per stream, as a JSON array) and passed to the next run as --state. The
// end-to-end tests, the demo and the benchmark command use it.
package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
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
	b := binariesIn(outDir)
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

// Connectors returns the connectors in prebuilt, a folder holding already built source-hubspot
// and destination-insider binaries, when it is set; otherwise it builds them into dir (created
// if needed), saying so on progress.
func Connectors(ctx context.Context, prebuilt, dir string, progress io.Writer) (Binaries, error) {
	if prebuilt != "" {
		return binariesIn(prebuilt), nil
	}
	fmt.Fprintf(progress, "building source-hubspot and destination-insider into %s\n", dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Binaries{}, err
	}
	bins, err := Build(ctx, dir)
	if err != nil {
		return bins, fmt.Errorf("build the connectors: %w", err)
	}
	return bins, nil
}

// binariesIn are the connectors' paths in dir.
func binariesIn(dir string) Binaries {
	return Binaries{Source: filepath.Join(dir, "source-hubspot"), Destination: filepath.Join(dir, "destination-insider")}
}
