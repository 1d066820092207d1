// Command source-hubspot is the Airbyte-protocol HubSpot source: spec, check, discover, read.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := protocol.RunSource(ctx, protocol.OSEnv(), source.New())
	stop()
	os.Exit(code)
}
