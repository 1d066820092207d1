// Command demo runs the real HubSpot source piped into the real Insider One destination against
// built-in fakes of both APIs, twice (an initial and an incremental sync), and explains what
// happened:
//
//	go run ./integration_tests/demo [--out ./demo-output] [--contacts 3000] [--serve]
//
// It needs no credentials and no network beyond 127.0.0.1. Everything it writes (binaries,
// configs, catalog, saved state, connector logs, the fake Insider's profiles) stays in --out.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts, err := parseFlags(os.Args[1:], os.Stderr)
	if err != nil {
		os.Exit(2)
	}
	opts.Stdout, opts.Stderr = os.Stdout, os.Stderr
	opts.Terminal = isTerminal(os.Stderr)
	if _, err := Run(ctx, opts); err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		stop()
		os.Exit(1)
	}
}
