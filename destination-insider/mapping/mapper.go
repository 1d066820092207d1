package mapping

import (
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/insider-hubspot/connectors/internal/jsontext"
	"github.com/insider-hubspot/connectors/protocol"
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
}

// outField is one compiled attribute or event parameter mapping.
type outField struct {
	slot int
	key  []byte // encoded name
	name string
	kind insiderKind
}

// Mapper turns records into encoded Insider users. It is not safe for concurrent use: it
// reuses its buffers across calls, and a Record it returns is valid until its next Scan.
type Mapper struct {
	contacts *plan
	events   map[string]*plan
	objects  map[string]*plan // streams mapped by Airbyte (destination_object_name)
	coerce   coercer
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

	vals     []value
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

// Compile compiles the mapping of cfg, a config without Problems. catalog, when not nil,
// supplies primary keys and the streams Airbyte's data activation maps. The error is a
// config_error naming every stream of the catalog the config cannot map (checkCatalog).
func Compile(cfg *Config, catalog *protocol.ConfiguredCatalog, opts ...Option) (*Mapper, error) {
	m := newMapper(cfg, catalog, opts...)
	if err := m.checkCatalog(catalog); err != nil {
		return nil, err
	}
	return m, nil
}

func newMapper(cfg *Config, catalog *protocol.ConfiguredCatalog, opts ...Option) *Mapper {
	m := &Mapper{
		droppedBy: map[string]int64{},
		events:    map[string]*plan{},
		objects:   map[string]*plan{},
		coerce: coercer{
			boolAsString: cfg.BooleanFormat == BooleanFormatString,
			phone:        newPhoneRules(cfg.Phone.Normalized(), cfg.Phone.DefaultRegion),
		},
		policy: cfg.InvalidIdentifierPolicy,
		noIDs:  len(cfg.IdentifierMappings) == 0,
		names:  configuredNames(cfg),
	}
	for _, o := range opts {
		o(m)
	}
	m.contacts = m.compile(cfg, "", pkPath(catalog, ContactsStream))
	m.contacts.contact = newContactPlan(m.contacts, cfg)
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
func (m *Mapper) compile(cfg *Config, eventStream string, pk []string) *plan {
	p := &plan{root: newPathNode()}
	var idPrefix []string
	if eventStream != "" {
		idPrefix = []string{"contact"}
	}
	customIdx := map[string]int{}
	for _, im := range cfg.IdentifierMappings {
		f := idField{slot: p.addPath(idPrefix, im.SourceField), name: im.Identifier, target: identifierTarget(im.Identifier)}
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

	if eventStream == "" {
		for _, am := range cfg.AttributeMappings {
			m.place(p, eventStream, am.Attribute, am.SourceField, defaultAttributes)
		}
		for _, fa := range cfg.FixedAttributes {
			m.fixed(p, eventStream, fa.Attribute, fa.Value, defaultAttributes)
		}
		return p
	}
	for _, em := range cfg.EventMappings {
		if em.Stream != eventStream {
			continue
		}
		p.eventName = em.EventName // Problems refuses names Insider would not take as they are
		p.event = encodedKey(p.eventName)
		for _, pm := range em.Parameters {
			m.place(p, eventStream, pm.Parameter, pm.SourceField, defaultEventParams)
		}
	}
	for _, fp := range cfg.FixedEventParameters {
		m.fixed(p, eventStream, fp.Parameter, fp.Value, defaultEventParams)
	}
	p.occurredAt = p.root.add([]string{"occurredAt"}, &p.slots)
	return p
}

// addPath registers the dotted path under prefix and returns its slot.
func (p *plan) addPath(prefix []string, path string) int {
	return p.root.add(append(prefix, strings.Split(path, ".")...), &p.slots)
}

// place adds the mapping of a record path to an attribute or event parameter: a default name
// (one of defaults) at the top, any other under custom.
func (m *Mapper) place(p *plan, eventStream, name, path string, defaults map[string]insiderKind) {
	f := outField{slot: p.addPath(nil, path), key: encodedKey(name), name: name}
	if k, ok := defaults[name]; ok {
		f.kind = k
		p.defaults = append(p.defaults, f)
	} else {
		f.kind = m.customKind(eventStream, name)
		p.customs = append(p.customs, f)
	}
}

// fixed adds a fixed attribute or event parameter value.
func (m *Mapper) fixed(p *plan, eventStream, name, val string, defaults map[string]insiderKind) {
	k, isDefault := defaults[name]
	if !isDefault {
		k = m.customKind(eventStream, name)
	}
	p.addFixed(name, val, k, isDefault)
}

// customKind is the kind of a custom attribute (eventStream "") as Insider
// declares it; custom event parameters and undeclared attributes are sent
// as they come.
func (m *Mapper) customKind(eventStream, name string) insiderKind {
	if eventStream != "" || m.types == nil {
		return kindAny
	}
	k, _ := m.types.kind(name)
	return k
}

// addFixed adds a fixed attribute or parameter value, coerced to k, to the
// plan's top-level (top) or custom fixed members.
func (p *plan) addFixed(name, val string, k insiderKind, top bool) {
	enc, ok := coerceFixed(val, k)
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

// Record is one record's data with the values its stream's mapping reads, taken in one pass
// by Scan. Map, Identity and Merge read them; Archived tells an archived contact. A Record
// aliases the Mapper's buffers: it is valid until the next Scan.
type Record struct {
	plan *plan
	data []byte
	vals []value
	ok   bool // data is a JSON object
}

// Scan reads the values of stream s's paths from the record data in one pass. s must be
// mapped (Stream.Mapped).
func (m *Mapper) Scan(s Stream, data []byte) Record {
	p := s.plan
	if cap(m.vals) < p.slots {
		m.vals = make([]value, p.slots)
	}
	vals := m.vals[:p.slots]
	clear(vals)
	return Record{plan: p, data: data, vals: vals, ok: p.root.extract(data, vals)}
}

// key is the record's primary key as text, for logs; "" when it has none.
func (r Record) key() string {
	k, _ := r.vals[r.plan.keySlot].text()
	return k
}

// Map encodes the record as the Insider user it becomes, appending it to dst[:0]. The
// returned User aliases dst's memory.
func (m *Mapper) Map(r Record, dst []byte) Result {
	if !r.ok {
		return Result{Reason: ReasonNotObject, Detail: "record data is not a JSON object"}
	}
	p, vals := r.plan, r.vals
	if p.object != nil {
		return m.mapObject(p, r.data, vals, dst)
	}
	res := Result{Key: r.key()}
	dst = dst[:0]
	dst = append(dst, `{"identifiers":{`...)
	if !m.identifiers(p, vals, &res) {
		return res
	}
	dst = m.appendIdentifiers(dst, p)
	dst = append(dst, '}')
	var ok bool
	if p.event == nil {
		if dst, ok = m.appendFields(dst, `,"attributes":{`, p, vals, p.fixedTop, p.fixedCust, &res); !ok {
			return Result{Reason: ReasonNoAttributes, Detail: "no mapped attribute has a value", Key: res.Key}
		}
	} else {
		t, ok := parseDate(vals[p.occurredAt])
		if !ok {
			return Result{Reason: ReasonInvalidTimestamp, Detail: "occurredAt is missing or not a date-time", Key: res.Key}
		}
		if cutoff := m.cutoffFor(p); t.Before(cutoff) {
			return Result{Reason: ReasonPastRetention, Key: res.Key, Detail: fmt.Sprintf(
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

// DroppedBy returns how many values were left out because they could not be converted, by
// attribute or parameter name.
func (m *Mapper) DroppedBy() map[string]int64 {
	return maps.Clone(m.droppedBy)
}
