package mapping

// Rejection reasons of the mapping, as the destination counts them in its summary.
const (
	ReasonNotObject         = "record_not_an_object"
	ReasonNoIdentifier      = "no_identifier"
	ReasonInvalidIdentifier = "invalid_identifier"
	ReasonNoAttributes      = "no_attributes"
	ReasonInvalidTimestamp  = "invalid_timestamp"
	// ReasonPastRetention is an event older than event_retention_days:
	// Insider does not write events past its retention, so it is not sent.
	ReasonPastRetention = "event_past_retention"
	// ReasonNoEventName rejects a record of a mapped event stream without a usable event_name.
	ReasonNoEventName = "no_event_name"
)

// Result is the outcome of mapping one record.
type Result struct {
	User       []byte // the encoded user; nil when the record is rejected
	Reason     string // rejection reason when User is nil
	Detail     string // what was wrong, without personal data
	Key        string // the record's primary key, for logs
	Events     int    // events in the user
	DroppedIDs int    // invalid identifiers left out (skip_identifier)
	Dropped    int    // attribute or parameter values that could not be converted
	FailRun    bool   // an invalid identifier under the fail_run policy
	// Clear is the attribute-delete user (insider.AttributeDelete) of the mapped attributes the
	// contact leaves empty, found by the same identifiers as User; nil when none is, or without
	// WithClearEmpty. It may be set while User is nil with ReasonNoAttributes: the contact has
	// nothing to upsert but values to clear. It aliases the Mapper's memory until the next Map.
	Clear []byte
	// Email and Phone are the contact's email and phone_number identifiers as sent, for a
	// contacts record; "" when it has none.
	Email, Phone string

	// For an event: User[:idsEnd] is `{"identifiers":{...}` and
	// User[evStart:evEnd] the event object, so that events of one contact
	// can share a user object.
	idsEnd, evStart, evEnd int
}

// Event splits the user of a mapped event into its identifiers part (`{"identifiers":{...}`, the
// user object up to its events) and the event object, so that the events of one contact can
// travel in one user object. ok is false for a user that is not one event with its offsets kept.
func (r *Result) Event() (ids, event []byte, ok bool) {
	if r.Events == 0 || r.idsEnd == 0 {
		return nil, nil, false
	}
	return r.User[:r.idsEnd], r.User[r.evStart:r.evEnd], true
}
