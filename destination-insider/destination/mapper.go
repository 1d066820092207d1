package destination

import (
	"fmt"
	"strings"
	"time"

	"github.com/insider-hubspot/connectors/internal/jsontext"
	"github.com/insider-hubspot/connectors/protocol"
)

// Rejection reasons, as counted in Summary.Rejected.
const (
	ReasonNotObject         = "record_not_an_object"
	ReasonNoIdentifier      = "no_identifier"
	ReasonInvalidIdentifier = "invalid_identifier"
	ReasonNoAttributes      = "no_attributes"
	ReasonInvalidTimestamp  = "invalid_timestamp"
	ReasonTooLarge          = "too_large"
	ReasonInsider           = "rejected_by_insider" // listed as failed in Insider's 200 answer
	ReasonInsiderRefused    = "refused_by_insider"  // Insider answered 400 to a request of only this user
	// ReasonPastRetention is an event older than event_retention_days:
	// Insider does not write events past its retention, so it is not sent.
	ReasonPastRetention = "event_past_retention"
)

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

// outField is one compiled attribute or event parameter mapping.
type outField struct {
	slot int
	key  []byte // encoded name
	name string
	kind insiderKind
}

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
}

// mapper turns records into encoded Insider users. It is not safe for
// concurrent use: it reuses its buffers across calls.
type mapper struct {
	contacts *plan
	events   map[string]*plan
	objects  map[string]*plan // streams mapped by Airbyte (destination_object_name)
	coerce   coercer
	policy   string
	names    []string // configured stream names, sorted
	// catalogNames are the names of the configured catalog's streams, which
	// all start with the connection's stream prefix (streams.go).
	catalogNames []string
	resolved     map[string]streamMatch // stream name -> plan (streams.go)
	// types are the custom attributes Insider declares; nil when its
	// metadata could not be read (values are then sent as they come).
	types *attrTypes
	// droppedBy counts values left out because they could not be
	// converted, by attribute or parameter name.
	droppedBy map[string]int64
	// eventCutoff is the oldest event timestamp Insider still writes
	// (now minus event_retention_days); zero keeps events of any age.
	eventCutoff time.Time
	eventNow    time.Time // the clock reading the cutoff is taken from

	vals     []value
	idVal    [idCustom + 1]string
	cust     []string
	objTop   []byte // scratch of mapObject
	objCust  []byte
	objNames []string // scratch of mapObject: the member names of a record's "custom" object
}

// mapperOption sets what a mapper learns outside the config.
type mapperOption func(*mapper)

// withTypes converts custom attribute values to the types Insider declares.
func withTypes(t *attrTypes) mapperOption { return func(m *mapper) { m.types = t } }

// purchaseRetention is how long Insider keeps purchase events (its Data
// Retention page: 730 days), longer than custom events.
const purchaseRetention = 730 * 24 * time.Hour

// cutoffFor is the oldest timestamp of an event of plan p that is sent:
// eventCutoff, but never less than Insider's purchase retention for
// purchase events.
func (m *mapper) cutoffFor(p *plan) time.Time {
	if p.eventName == "purchase" && !m.eventCutoff.IsZero() && m.eventNow.Add(-purchaseRetention).Before(m.eventCutoff) {
		return m.eventNow.Add(-purchaseRetention)
	}
	return m.eventCutoff
}

// withEventCutoff skips events older than cutoff.
func withEventCutoff(now time.Time, retention time.Duration) mapperOption {
	return func(m *mapper) { m.eventNow, m.eventCutoff = now, now.Add(-retention) }
}

// newMapper compiles cfg. catalog, when not nil, supplies primary keys.
func newMapper(cfg *Config, catalog *protocol.ConfiguredCatalog, opts ...mapperOption) *mapper {
	m := &mapper{
		droppedBy: map[string]int64{},
		events:    map[string]*plan{},
		objects:   map[string]*plan{},
		coerce: coercer{
			boolAsString: cfg.BooleanFormat == BooleanFormatString,
			phone:        newPhoneRules(cfg.Phone.normalize(), cfg.Phone.DefaultRegion),
		},
		policy: cfg.InvalidIdentifierPolicy,
		names:  configuredNames(cfg),
	}
	for _, o := range opts {
		o(m)
	}
	m.contacts = m.compile(cfg, "", pkPath(catalog, ContactsStream))
	for _, em := range cfg.EventMappings {
		m.events[em.Stream] = m.compile(cfg, em.Stream, pkPath(catalog, em.Stream))
	}
	if catalog != nil {
		for i := range catalog.Streams {
			cs := &catalog.Streams[i]
			m.catalogNames = append(m.catalogNames, cs.Stream.Name)
			if cs.DestinationObjectName != "" {
				m.objects[cs.Stream.Name] = m.compileObject(cfg, cs)
			}
		}
	}
	return m
}

// pkPath returns the primary key path of a configured stream, default "id".
func pkPath(catalog *protocol.ConfiguredCatalog, stream string) []string {
	if catalog != nil {
		if cs := catalog.Stream(stream); cs != nil {
			if len(cs.PrimaryKey) == 1 && len(cs.PrimaryKey[0]) > 0 {
				return cs.PrimaryKey[0]
			}
			if pk := cs.Stream.SourceDefinedPrimaryKey; len(pk) == 1 && len(pk[0]) > 0 {
				return pk[0]
			}
		}
	}
	return []string{"id"}
}

// compile builds the plan of the contacts stream (eventStream "") or of a
// mapped event stream.
func (m *mapper) compile(cfg *Config, eventStream string, pk []string) *plan {
	p := &plan{root: newPathNode()}
	addPath := func(prefix []string, path string) int {
		return p.root.add(append(prefix, strings.Split(path, ".")...), &p.slots)
	}
	var idPrefix []string
	if eventStream != "" {
		idPrefix = []string{"contact"}
	}
	customIdx := map[string]int{}
	for _, im := range cfg.IdentifierMappings {
		f := idField{slot: addPath(idPrefix, im.SourceField), name: im.Identifier, target: identifierTarget(im.Identifier)}
		if f.target == idCustom {
			f.name = strings.TrimSpace(im.CustomName)
			f.nameKey = encodedKey(f.name)
			if _, ok := customIdx[f.name]; !ok {
				customIdx[f.name] = len(customIdx)
			}
			f.custom = customIdx[f.name]
		}
		p.ids = append(p.ids, f)
	}
	p.customIDs = len(customIdx)
	p.keySlot = p.root.add(pk, &p.slots)

	place := func(name, path string, defaults map[string]insiderKind) {
		f := outField{slot: addPath(nil, path), key: encodedKey(name), name: name}
		if k, ok := defaults[name]; ok {
			f.kind = k
			p.defaults = append(p.defaults, f)
		} else {
			f.kind = m.customKind(eventStream, name)
			p.customs = append(p.customs, f)
		}
	}
	fixed := func(name, val string, defaults map[string]insiderKind) {
		k, isDefault := defaults[name]
		if !isDefault {
			k = m.customKind(eventStream, name)
		}
		p.addFixed(name, val, k, isDefault)
	}
	if eventStream == "" {
		for _, am := range cfg.AttributeMappings {
			place(am.Attribute, am.SourceField, defaultAttributes)
		}
		for _, fa := range cfg.FixedAttributes {
			fixed(fa.Attribute, fa.Value, defaultAttributes)
		}
		return p
	}
	for _, em := range cfg.EventMappings {
		if em.Stream != eventStream {
			continue
		}
		p.eventName = em.EventName // ParseConfig accepts only names Insider takes as they are
		p.event = encodedKey(p.eventName)
		for _, pm := range em.Parameters {
			place(pm.Parameter, pm.SourceField, defaultEventParams)
		}
	}
	for _, fp := range cfg.FixedEventParameters {
		fixed(fp.Parameter, fp.Value, defaultEventParams)
	}
	p.occurredAt = p.root.add([]string{"occurredAt"}, &p.slots)
	return p
}

// customKind is the kind of a custom attribute (eventStream "") as Insider
// declares it; custom event parameters and undeclared attributes are sent
// as they come.
func (m *mapper) customKind(eventStream, name string) insiderKind {
	if eventStream != "" || m.types == nil {
		return kindAny
	}
	k, _ := m.types.kind(name)
	return k
}

// mapped is the outcome of mapping one record.
type mapped struct {
	User       []byte // the encoded user; nil when the record is rejected
	Reason     string // rejection reason when User is nil
	Detail     string // what was wrong, without personal data
	Key        string // the record's primary key, for logs
	Events     int    // events in the user
	DroppedIDs int    // invalid identifiers left out (skip_identifier)
	Dropped    int    // attribute or parameter values that could not be converted
	FailRun    bool   // an invalid identifier under the fail_run policy

	// For an event: User[:idsEnd] is `{"identifiers":{...}` and
	// User[evStart:evEnd] the event object, so that events of one contact
	// can share a user object.
	idsEnd, evStart, evEnd int
}

// Map encodes the record data of a stream with plan p, appending the user
// to dst[:0]. The returned User aliases dst's memory.
func (m *mapper) Map(p *plan, data []byte, dst []byte) mapped {
	if p.object != nil {
		return m.mapObject(p, data, dst)
	}
	vals, ok := extractInto(&m.vals, p, data)
	if !ok {
		return mapped{Reason: ReasonNotObject, Detail: "record data is not a JSON object"}
	}
	res := mapped{}
	if k, ok := vals[p.keySlot].text(); ok {
		res.Key = k
	}
	dst = dst[:0]
	dst = append(dst, `{"identifiers":{`...)
	if !m.identifiers(p, vals, &res) {
		return res
	}
	dst = m.appendIdentifiers(dst, p)
	dst = append(dst, '}')
	if p.event == nil {
		if dst, ok = m.appendFields(dst, `,"attributes":{`, p, vals, p.fixedTop, p.fixedCust, &res); !ok {
			return mapped{Reason: ReasonNoAttributes, Detail: "no mapped attribute has a value", Key: res.Key}
		}
	} else {
		t, ok := parseDate(vals[p.occurredAt])
		if !ok {
			return mapped{Reason: ReasonInvalidTimestamp, Detail: "occurredAt is missing or not a date-time", Key: res.Key}
		}
		if cutoff := m.cutoffFor(p); t.Before(cutoff) {
			return mapped{Reason: ReasonPastRetention, Key: res.Key, Detail: fmt.Sprintf(
				"occurredAt %s is older than event_retention_days allows (before %s): Insider does not write events past its retention",
				t.Format(time.RFC3339), cutoff.Format(time.RFC3339))}
		}
		res.idsEnd = len(dst)
		dst = append(dst, `,"events":[`...)
		res.evStart = len(dst)
		dst = append(dst, `{"event_name":`...)
		dst = append(dst, p.event...)
		dst = append(dst, `,"timestamp":`...)
		dst = appendTimestamp(dst, t)
		dst, _ = m.appendFields(dst, `,"event_params":{`, p, vals, p.fixedTop, p.fixedCust, &res)
		dst = append(dst, '}')
		res.evEnd = len(dst)
		dst = append(dst, ']')
		res.Events = 1
	}
	dst = append(dst, `,"not_append":true}`...)
	if !jsontext.ValidUnicode(dst) {
		// Record values pass through raw: invalid UTF-8 and lone
		// surrogate escapes become U+FFFD, so the body is valid JSON text.
		dst = jsontext.AppendValidUnicode(nil, dst)
		res.idsEnd, res.evStart, res.evEnd = 0, 0, 0 // offsets moved: the event travels in its own user
	}
	res.User = dst
	return res
}

// extractInto reads the values of p's paths from the record data into
// *buf, grown as needed, and returns them; false when data is not a JSON
// object.
func extractInto(buf *[]value, p *plan, data []byte) ([]value, bool) {
	if cap(*buf) < p.slots {
		*buf = make([]value, p.slots)
	}
	vals := (*buf)[:p.slots]
	clear(vals)
	return vals, p.root.extract(data, vals)
}

// addFixed adds a fixed attribute or parameter value, coerced to k, to the
// plan's top-level (top) or custom fixed members.
func (p *plan) addFixed(name, val string, k insiderKind, top bool) {
	enc, ok := coerceFixed(val, k)
	if !ok {
		return // ParseConfig rejects such values
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
