// Command destination-insider is the Insider One Airbyte destination.
package main

import (
	"context"
	"os"
	"runtime/debug"

	"github.com/insider-hubspot/connectors/destination-insider/destination"
	"github.com/insider-hubspot/connectors/protocol"
)

// memoryLimit keeps the heap, and so the RSS, small whatever the input size;
// the GOMEMLIMIT environment variable overrides it.
const memoryLimit = 40 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	os.Exit(protocol.RunDestination(context.Background(), protocol.OSEnv(), destination.New()))
}
