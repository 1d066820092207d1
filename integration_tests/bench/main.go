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
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if isLauncher() {
		os.Exit(launcherMain())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts, err := parseFlags(os.Args[1:], os.Stderr)
	if err != nil {
		os.Exit(2)
	}
	opts.Stdout, opts.Stderr = os.Stdout, os.Stderr
	if err := Run(ctx, opts); err != nil {
		fmt.Fprintln(os.Stderr, "bench failed:", err)
		stop()
		os.Exit(1)
	}
}
