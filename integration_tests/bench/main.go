// Command bench measures what the connectors themselves cost: the HubSpot source's read, the
// Insider destination's write and the piped sync, as built binaries against in-process fakes
// of both APIs answering at once, and prints records/s, CPU seconds per 100,000 records, peak
// RSS and requests per 1,000 contacts next to the project's targets:
//
//	go run ./integration_tests/bench [--sizes 10000,100000,1000000] [--out dir] [--quick]
//	go run ./integration_tests/bench --realistic [--realistic-contacts 20000]
//
// --realistic instead runs one piped sync against fakes with HubSpot's and Insider's answer
// times and HubSpot's rate limits on, with the source's default request budgets, and reports
// the throughput reached as a share of HubSpot's search bound and the 429 answers provoked.
package main

import (
	"context"
	"os"

	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
)

func main() {
	if isLauncher() {
		os.Exit(launcherMain())
	}
	os.Exit(pipeline.Main("bench failed:", func(ctx context.Context) error {
		opts, err := parseFlags(os.Args[1:], os.Stderr)
		if err != nil {
			return pipeline.FlagError{Err: err}
		}
		opts.Stdout, opts.Stderr = os.Stdout, os.Stderr
		return Run(ctx, opts)
	}))
}
