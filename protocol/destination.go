package protocol

import (
	"context"
	"encoding/json"
)

// Destination is a connector that writes to an API.
//
// RunDestination calls exactly one method per process, after it has parsed the command line and
// validated the config against Spec's connectionSpecification. Every method receives a context
// that is cancelled when the process gets SIGTERM or SIGINT; methods must return promptly after
// that. The context carries the run's logger (zerolog.Ctx) and redactor (AddSecret). Methods are
// never called concurrently.
type Destination interface {
	// Spec returns the connector specification. It must not use the network.
	Spec(ctx context.Context) (*Spec, error)
	// Check verifies that the config can write. A config_error becomes a FAILED connection
	// status (exit 0); any other error becomes a TRACE error (exit 1).
	Check(ctx context.Context, config json.RawMessage) error
	// Write reads messages from in until io.EOF, registers every RECORD it handles and every
	// STATE with states, in input order, and reports each record's outcome to states (from any
	// goroutine) before it returns. It must not write stdout itself. An error it returns becomes
	// a TRACE error and exit 1; states already echoed stay echoed.
	Write(ctx context.Context, config json.RawMessage, catalog *ConfiguredCatalog, in *Reader, states *StateTracker) error
}

// DestinationDiscoverer is a Destination that also answers discover with its own catalog, for
// Airbyte's data activation: the objects it writes, their sync modes, matching keys and fields.
// RunDestination accepts the discover command only for destinations that implement it, and
// writes the catalog it returns as exactly one DESTINATION_CATALOG message. Discover is called
// under the same rules as the other methods.
type DestinationDiscoverer interface {
	Destination
	// Discover returns the destination catalog for config. A config_error becomes a TRACE
	// error (exit 1), like any other error.
	Discover(ctx context.Context, config json.RawMessage) (*DestinationCatalog, error)
}
