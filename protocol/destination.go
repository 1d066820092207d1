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
