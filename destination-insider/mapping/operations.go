package mapping

import (
	"fmt"
	"slices"
	"strings"

	"github.com/insider-hubspot/connectors/protocol"
)

// This file holds the operations a stream mapped by Airbyte's data activation can ask of
// Insider's objects (its destination_sync_mode): what discover offers, what write accepts, and
// the profile a soft_delete record names.

// Operation is what the records of a stream ask of Insider.
type Operation uint8

const (
	// OperationUpsert creates or updates the user or event each record becomes: the contacts
	// and event streams the config maps, and the data-activation operations append_dedup (user)
	// and append (event).
	OperationUpsert Operation = iota
	// OperationUpdate upserts a user only when Insider already has a profile for its
	// identifiers (the user object's update operation), as update_only does for a whole run.
	OperationUpdate
	// OperationSoftDelete deletes (or anonymizes) the profile the record's matching key finds
	// (the user object's soft_delete operation); the record's other fields are not sent.
	OperationSoftDelete
)

// objectModes are the destination_sync_mode values write accepts for each object: discover's
// operations, and for compatibility append and append_dedup on either object (as before the
// update and soft_delete operations) and an empty mode.
var objectModes = map[string][]protocol.DestinationSyncMode{
	ObjectUser: {protocol.DestinationSyncModeAppendDedup, protocol.DestinationSyncModeUpdate, protocol.DestinationSyncModeSoftDelete,
		protocol.DestinationSyncModeAppend, ""},
	ObjectEvent: {protocol.DestinationSyncModeAppend, protocol.DestinationSyncModeAppendDedup, ""},
}

// operationOf is the operation of a stream mapped onto obj with mode, which CheckStreams accepted.
func operationOf(obj string, mode protocol.DestinationSyncMode) Operation {
	if obj != ObjectUser {
		return OperationUpsert
	}
	switch mode {
	case protocol.DestinationSyncModeUpdate:
		return OperationUpdate
	case protocol.DestinationSyncModeSoftDelete:
		return OperationSoftDelete
	}
	return OperationUpsert
}

// checkMode returns what is wrong with a stream mapped onto obj with mode and primary key pk,
// or "" when write can honour it.
func checkMode(obj string, mode protocol.DestinationSyncMode, pk [][]string) string {
	if !slices.Contains(objectModes[obj], mode) {
		return fmt.Sprintf("destination_sync_mode %q is not an operation of Insider's %s object: this destination's discover offers "+
			"append_dedup, update and soft_delete for user and append for event; choose one of them for this stream in the connection's mapping",
			mode, obj)
	}
	if operationOf(obj, mode) == OperationSoftDelete && len(pk) > 1 {
		return fmt.Sprintf("its soft_delete operation matches on %s, more than one field: a delete names one profile by one identifier, "+
			"and two identifiers could name two profiles; choose one matching key (email, phone_number, uuid or a custom identifier)",
			strings.Join(pkNames(pk), "+"))
	}
	return ""
}

// Operation is what the records of the stream ask of Insider.
func (s Stream) Operation() Operation {
	if s.plan == nil || s.plan.object == nil {
		return OperationUpsert
	}
	return s.plan.object.op
}

// Uses reports whether a stream of the configured catalog asks op of Insider.
func (m *Mapper) Uses(op Operation) bool {
	for _, p := range m.objects {
		if p.object.op == op {
			return true
		}
	}
	return op == OperationUpsert
}

// Deletion returns the identifiers object (encoded) of the profile a record of a soft_delete
// stream deletes: its matching-key value, validated and normalised as for an upsert. When the
// record names no profile, ids is nil and res says why (res.FailRun under the fail_run policy).
func (m *Mapper) Deletion(r Record) (ids []byte, res Result) {
	p := r.plan
	if p.object == nil {
		return nil, Result{Reason: ReasonNotObject, Detail: "the stream has no soft_delete operation"}
	}
	res.Key = p.object.keyFields
	if !r.ok {
		return nil, Result{Reason: ReasonNotObject, Detail: "record data is not a JSON object", Key: res.Key}
	}
	if !m.identifiers(p, r.vals, &res) {
		if res.Reason == ReasonNoIdentifier {
			res.Detail = "the record has no value for its " + p.object.keyFields + ", so it names no profile to delete"
		}
		return nil, res
	}
	ids = append(ids, '{')
	ids = m.appendIdentifiers(ids, p)
	return append(ids, '}'), res
}
