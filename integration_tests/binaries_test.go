package integrationtests

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

// The tests that build the real binaries and run them as processes: the end-to-end syncs, the
// SIGTERM tests and TestBinarySmoke. The acceptance suites run the connectors in this process
// (inprocess_test.go).

var (
	buildOnce sync.Once
	builtBins pipeline.Binaries
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// binDirEnv names an environment variable that, when set, points at a directory holding already
// built source-hubspot and destination-insider binaries to test instead of building them.
const binDirEnv = "CONNECTORS_BIN_DIR"

// skipShort skips t under -short: building and piping the real binaries is what -short leaves
// out. connectorBinaries calls it; a test whose subtests run the binaries calls it first, so
// that it is reported as skipped rather than passed.
func skipShort(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: this test builds and runs the real connector binaries")
	}
}

// connectorBinaries builds both connectors once per test binary (into a directory removed by
// TestMain) and returns their paths; under -short it skips t.
func connectorBinaries(t testing.TB) pipeline.Binaries {
	t.Helper()
	skipShort(t)
	buildOnce.Do(func() {
		if dir := os.Getenv(binDirEnv); dir != "" {
			builtBins = pipeline.Binaries{Source: filepath.Join(dir, "source-hubspot"), Destination: filepath.Join(dir, "destination-insider")}
			return
		}
		buildDir, buildErr = os.MkdirTemp("", "connectors-bin-")
		if buildErr != nil {
			return
		}
		ctx, cancel := runContext(t)
		defer cancel()
		builtBins, buildErr = pipeline.Build(ctx, buildDir)
	})
	if buildErr != nil {
		t.Fatalf("build connectors: %v", buildErr)
	}
	return builtBins
}

// runConnector runs bin with args (stdin may be nil), checks that every stdout line is a valid
// Airbyte message, and returns what the process wrote.
func runConnector(t testing.TB, bin string, stdin io.Reader, args ...string) connectorRun {
	t.Helper()
	ctx, cancel := runContext(t)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, &stdout, &stderr
	err := cmd.Run()
	res := connectorRun{Stdout: stdout.Bytes(), Stderr: stderr.Bytes(),
		Exit: exitStatus(t, fmt.Sprintf("%s %v", filepath.Base(bin), args), err)}
	validateProtocol(t, res.Stdout)
	res.Msgs = protocoltest.Messages(t, res.Stdout)
	return res
}

// exitStatus is the exit code err reports for a finished command (0 for nil); an error that is
// not an exit status (the command did not start) fails t, naming what ran.
func exitStatus(t testing.TB, what string, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("run %s: %v", what, err)
	}
	return ee.ExitCode()
}
