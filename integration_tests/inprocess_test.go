package integrationtests

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/destination-insider/destination"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
	"github.com/insider-hubspot/connectors/source-hubspot/source"
)

// connector is one of the two connectors as its main function runs it, called in this
// process: the acceptance suites run under -race and count towards coverage, and cost no
// build. TestBinarySmoke checks that the built binaries answer as these do.
type connector struct {
	name string
	main func(ctx context.Context, env protocol.Env) int
}

// The connectors, built by the constructors their main functions use, one per run as one
// process is.
var (
	sourceHubSpot = connector{name: "source-hubspot", main: func(ctx context.Context, env protocol.Env) int {
		return protocol.RunSource(ctx, env, source.New())
	}}
	destinationInsider = connector{name: "destination-insider", main: func(ctx context.Context, env protocol.Env) int {
		return protocol.RunDestination(ctx, env, destination.New())
	}}
)

// run runs c with args as its process would be run (stdin may be nil: an empty input), checks
// that every stdout line is a valid Airbyte message, and returns what the run wrote.
func (c connector) run(t testing.TB, stdin io.Reader, args ...string) connectorRun {
	t.Helper()
	ctx, cancel := runContext(t)
	defer cancel()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	// Like the files a process writes to, the buffers take writes from any goroutine.
	var stdout, stderr strings.Builder
	code := c.main(ctx, protocol.Env{Args: args, Stdin: stdin, Stdout: &syncWriter{b: &stdout},
		Stderr: &syncWriter{b: &stderr}, Now: time.Now})
	if ctx.Err() != nil {
		t.Fatalf("%s %v did not end within its time: %v", c.name, args, ctx.Err())
	}
	res := connectorRun{Stdout: []byte(stdout.String()), Stderr: []byte(stderr.String()), Exit: code}
	validateProtocol(t, res.Stdout)
	res.Msgs = protocoltest.Messages(t, res.Stdout)
	return res
}
