package settle

import "github.com/insider-hubspot/connectors/protocol"

// Tracker receives every record's outcome and the input's states, and
// echoes each state once the records before it are settled. A real run uses
// *protocol.StateTracker; a dry run, which saves no state, uses NoTracker.
// Implementations are safe for concurrent use: the read loop and the
// senders report to it at once.
type Tracker interface {
	// Record registers the next record of stream and returns its handle.
	Record(stream protocol.StreamDescriptor) protocol.RecordRef
	// State registers a STATE message, echoed once the records before it are settled.
	State(m *protocol.Input) error
	// Commit, Reject and Fail settle a record: delivered, deliberately
	// skipped, or failed for good (no later state of its stream is echoed).
	Commit(r protocol.RecordRef) error
	Reject(r protocol.RecordRef) error
	Fail(r protocol.RecordRef) error
	// Count adds n to the count name echoed in the destinationStats of the state covering r;
	// call it before r is settled.
	Count(r protocol.RecordRef, name string, n int64)
	// HeldBack is the number of records no echoed state covers because a
	// record failed for good.
	HeldBack() int64
	// Echoed is the number of states echoed.
	Echoed() int
}

var _ Tracker = (*protocol.StateTracker)(nil)

// NoTracker is the Tracker of a dry run: nothing is tracked or echoed.
type NoTracker struct{}

// Record returns the zero handle.
func (NoTracker) Record(protocol.StreamDescriptor) protocol.RecordRef { return protocol.RecordRef{} }

// State echoes nothing.
func (NoTracker) State(*protocol.Input) error { return nil }

// Commit settles nothing.
func (NoTracker) Commit(protocol.RecordRef) error { return nil }

// Reject settles nothing.
func (NoTracker) Reject(protocol.RecordRef) error { return nil }

// Fail settles nothing.
func (NoTracker) Fail(protocol.RecordRef) error { return nil }

// Count counts nothing.
func (NoTracker) Count(protocol.RecordRef, string, int64) {}

// HeldBack is 0: a dry run holds nothing back.
func (NoTracker) HeldBack() int64 { return 0 }

// Echoed is 0: a dry run echoes no state.
func (NoTracker) Echoed() int { return 0 }
