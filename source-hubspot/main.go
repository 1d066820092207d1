// Command source-hubspot is the Airbyte-protocol HubSpot source: spec, check, discover, read.
package main

import (
	"context"
	"os"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source"
)

// main runs one command; protocol.RunSource cancels the run on SIGTERM or SIGINT.
func main() {
	os.Exit(protocol.RunSource(context.Background(), protocol.OSEnv(), source.New()))
}
