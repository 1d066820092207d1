package stream

// The source's stream names (the streams are listed in docs/source-hubspot.md).
const (
	// Contacts is the contacts stream.
	Contacts = "contacts"
	// EventPrefix begins the name of each custom behavioral event stream: event_<fully
	// qualified event name>.
	EventPrefix = "event_"
	// Lists is the list_memberships stream: one record per membership change of a contact list.
	Lists = "list_memberships"
)

// MergedIDsProperty is HubSpot's ";"-separated list of the contact ids merged into a contact. It
// is always in the contacts schema, so the destination can re-key merged profiles, and every
// batch read asks for it (ReadResolved).
const MergedIDsProperty = "hs_merged_object_ids"
