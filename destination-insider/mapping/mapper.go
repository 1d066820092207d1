package mapping

import (
	"strings"
	"time"

	"github.com/insider-hubspot/connectors/destination-insider/mapping/convert"
)

// plan is the compiled mapping of one stream.
type plan struct {
	root       *pathNode
	slots      int
	ids        []idField
	customIDs  int
	defaults   []outField // attributes or event parameters placed at the top
	customs    []outField // placed under "custom"
	fixedTop   []byte     // encoded `"k":v,"k":v` of fixed values placed at the top
	fixedCust  []byte     // encoded fixed values placed under "custom"
	keySlot    int        // primary key, for logs
	event      []byte     // encoded event name; nil for the contacts stream
	eventName  string
	occurredAt int         // slot of occurredAt for events (timestamp for mapped events)
	object     *objectPlan // set for a stream mapped by Airbyte's data activation
	contact    *contactPlan
	audience   *audiencePlan // set for list_memberships under audience_attribute
}

// outField is one compiled attribute or event parameter mapping.
type outField struct {
	slot int
	key  []byte // encoded name
	name string
	kind convert.Kind
}

// Mapper turns records into encoded Insider users. It is not safe for concurrent use: it
// reuses its buffers across calls, and a Record it returns is valid until its next Scan.
type Mapper struct {
	contacts *plan
	audience *plan // list_memberships; nil without audience_attribute
	events   map[string]*plan
	objects  map[string]*plan // streams mapped by Airbyte (destination_object_name)
	conv     convert.Rules    // boolean_format and the phone settings
	policy   string
	noIDs    bool     // identifier_mappings is empty
	names    []string // configured stream names, sorted
	// catalogNames are the names of the configured catalog's streams, which
	// all start with the connection's stream prefix (streams.go).
	catalogNames []string
	resolved     map[string]Stream // stream name -> its mapping (streams.go)
	// types are the custom attributes Insider declares; nil when its
	// metadata could not be read (values are then sent as they come).
	types *Types
	// droppedBy counts values left out because they could not be
	// converted, by attribute or parameter name.
	droppedBy map[string]int64
	// eventCutoff is the oldest event timestamp Insider still writes
	// (now minus event_retention_days); zero keeps events of any age.
	eventCutoff time.Time
	eventNow    time.Time // the clock reading the cutoff is taken from

	// clearEmpty makes Map return the attribute deletions of empty mapped attributes
	// (WithClearEmpty); clearBuf, clearWhole and clearCustom are its scratch.
	clearEmpty  bool
	clearBuf    []byte
	clearWhole  []string
	clearCustom []string

	vals     []convert.Value
	idVal    [idCustom + 1]string
	cust     []string
	objTop   []byte // scratch of mapObject
	objCust  []byte
	objNames []string // scratch of mapObject: the member names of a record's "custom" object
}

// Option sets what a Mapper learns outside the config.
type Option func(*Mapper)

// WithTypes converts custom attribute values to the types Insider declares.
func WithTypes(t *Types) Option { return func(m *Mapper) { m.types = t } }

// WithEventCutoff skips events older than retention before now.
func WithEventCutoff(now time.Time, retention time.Duration) Option {
	return func(m *Mapper) { m.eventNow, m.eventCutoff = now, now.Add(-retention) }
}

// purchaseRetention is how long Insider keeps purchase events (its Data
// Retention page: 730 days), longer than custom events.
const purchaseRetention = 730 * 24 * time.Hour

// cutoffFor is the oldest timestamp of an event of plan p that is sent:
// eventCutoff, but never less than Insider's purchase retention for
// purchase events.
func (m *Mapper) cutoffFor(p *plan) time.Time {
	if p.eventName == "purchase" && !m.eventCutoff.IsZero() && m.eventNow.Add(-purchaseRetention).Before(m.eventCutoff) {
		return m.eventNow.Add(-purchaseRetention)
	}
	return m.eventCutoff
}

// addPath registers the dotted path under prefix and returns its slot.
func (p *plan) addPath(prefix []string, path string) int {
	return p.root.add(append(prefix, strings.Split(path, ".")...), &p.slots)
}

// customKind is the kind of a custom attribute (eventStream "") as Insider
// declares it; custom event parameters and undeclared attributes are sent
// as they come.
func (m *Mapper) customKind(eventStream, name string) convert.Kind {
	if eventStream != "" || m.types == nil {
		return convert.Any
	}
	k, _ := m.types.kind(name)
	return k
}

// addFixed adds a fixed attribute or parameter value, coerced to k, to the
// plan's top-level (top) or custom fixed members.
func (p *plan) addFixed(name, val string, k convert.Kind, top bool) {
	enc, ok := convert.Fixed(val, k)
	if !ok {
		return // Problems refuses such values
	}
	dst := &p.fixedCust
	if top {
		dst = &p.fixedTop
	}
	if len(*dst) > 0 {
		*dst = append(*dst, ',')
	}
	*dst = append(*dst, encodedKey(name)...)
	*dst = append(*dst, ':')
	*dst = append(*dst, enc...)
}

// Stream is how the records of one stream are mapped, as Mapper.Stream resolves its name.
type Stream struct {
	plan   *plan
	Name   string // the configured name matched; "" when none
	Prefix string // what the connection put before it
}

// Mapped reports whether the stream's records are mapped; those of other streams are ignored.
func (s Stream) Mapped() bool { return s.plan != nil }

// Audience reports whether the stream's records are list memberships (list_memberships under
// audience_attribute, also under a connection prefix): read them with Membership.
func (s Stream) Audience() bool { return s.plan != nil && s.plan.audience != nil }

// Contacts reports whether the stream's records are contacts mapped by the config (also under a
// connection prefix): they can be archived or merged.
func (s Stream) Contacts() bool { return s.plan != nil && s.plan.contact != nil }

// identifier slots in the identifiers object, in encoding order.
const (
	idEmail = iota
	idPhone
	idUUID
	idCustom
)

// identifierTarget is the identifiers slot of an identifier name: a
// standard one, or else idCustom.
func identifierTarget(name string) int {
	switch name {
	case "email":
		return idEmail
	case "phone_number":
		return idPhone
	case "uuid":
		return idUUID
	}
	return idCustom
}

// idField is one compiled identifier mapping.
type idField struct {
	slot    int    // value slot of the source path
	target  int    // idEmail, idPhone, idUUID or idCustom
	name    string // identifier name for logs; the custom name for custom ones
	nameKey []byte // encoded custom name
	custom  int    // index among the distinct custom names
}

// objectPlan is the part of a plan that only streams mapped by Airbyte have.
type objectPlan struct {
	event     bool
	skip      map[string]bool         // record fields that are not attributes or parameters
	fixed     map[string]bool         // names a fixed attribute or parameter sets: it wins
	defaults  map[string]convert.Kind // Insider's default names of the object
	nameSlot  int                     // event_name, for events
	custSlot  int                     // the record's "custom" field, whose members win over top-level fields of their name
	keyFields string                  // the matching key, for logs (never a value: it is personal data)
	op        Operation               // what the records ask of Insider (destination_sync_mode)
}

// contactPlan is the part of the contacts plan that reads what a contacts record says of the
// contact's profile besides its attributes: archives, permanent deletions, merges, identity
// changes and cleared values.
type contactPlan struct {
	archived  int       // slot of "archived"
	permanent int       // slot of "deleted_permanently"
	id        int       // slot of the record's "id" (the contact id)
	merged    int       // slot of hs_merged_object_ids
	idFields  []idField // identifiers mapped from the contact id: a merge re-keys these
	// prev holds, for each identifier mapping of p.ids, the slot of its source field under
	// previous_values; -1 for those mapped from the contact id, which no change touches.
	prev []int
	// groups are the identifiers previous_values can change, with their mappings.
	groups []idGroup
	// clears are the mapped attributes cleared when empty (WithClearEmpty); nil without it.
	clears []clearField
}
