// Command demo runs the real HubSpot source piped into the real Insider One destination against
// built-in fakes of both APIs, twice (an initial and an incremental sync), and explains what
// happened:
//
//	go run ./integration_tests/demo [--out ./demo-output] [--contacts 3000] [--serve] [--dry-run]
//
// It needs no credentials and no network beyond 127.0.0.1. Everything it writes (binaries,
// configs, catalog, saved state, the connectors' logs in logs/, the fake Insider's profiles)
// stays in --out. --dry-run runs one sync with the destination's dry_run on and reports what
// would be sent.
package main

import (
	"context"
	"os"

	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
)

func main() {
	os.Exit(pipeline.Main("demo failed:", func(ctx context.Context) error {
		opts, err := parseFlags(os.Args[1:], os.Stderr)
		if err != nil {
			return pipeline.FlagError{Err: err}
		}
		opts.Stdout, opts.Stderr = os.Stdout, os.Stderr
		opts.Terminal = isTerminal(os.Stderr)
		_, err = Run(ctx, opts)
		return err
	}))
}
