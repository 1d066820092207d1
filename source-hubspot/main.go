// Command source-hubspot is the Airbyte-protocol HubSpot source: spec, check, discover, read.
// "source-hubspot authorize ..." obtains OAuth credentials without Airbyte (package authorize).
package main

import (
	"context"
	"os"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/authorize"
	"github.com/insider-hubspot/connectors/source-hubspot/source"
)

// main runs one command; protocol.RunSource cancels the run on SIGTERM or SIGINT.
func main() {
	env := protocol.OSEnv()
	if args, ok := authorize.Args(env.Args); ok {
		os.Exit(authorize.Main(context.Background(), authorize.OSEnv(), args))
	}
	os.Exit(protocol.RunSource(context.Background(), env, source.New()))
}
