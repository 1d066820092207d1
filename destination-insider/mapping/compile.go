package mapping

import (
	"strings"

	"github.com/insider-hubspot/connectors/destination-insider/mapping/convert"
	"github.com/insider-hubspot/connectors/protocol"
)

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
		conv: convert.Rules{
			BoolAsString: cfg.BooleanFormat == BooleanFormatString,
			Phone:        convert.NewPhoneRules(cfg.Phone.Normalized(), cfg.Phone.DefaultRegion),
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
	if cfg.AudienceAttribute != "" {
		m.audience = newAudiencePlan(cfg)
	}
	for _, em := range cfg.EventMappings {
		m.events[em.Stream] = m.compile(cfg, em.Stream, pkPath(catalog, em.Stream))
	}
	m.compileCatalog(cfg, catalog)
	if m.clearEmpty {
		m.contacts.contact.clears = newClears(m.contacts, cfg, selectedFields(m.contactsStream(catalog)))
	}
	return m
}

// compileCatalog notes the streams of catalog (nil: none) and compiles those Airbyte's data
// activation maps to an object.
func (m *Mapper) compileCatalog(cfg *Config, catalog *protocol.ConfiguredCatalog) {
	if catalog == nil {
		return
	}
	for i := range catalog.Streams {
		cs := &catalog.Streams[i]
		m.catalogNames = append(m.catalogNames, cs.Stream.Name)
		if cs.DestinationObjectName != "" {
			m.objects[cs.Stream.Name] = m.compileObject(cfg, cs)
		}
	}
}

// pkPath returns the primary key path of a configured stream, default "id".
func pkPath(catalog *protocol.ConfiguredCatalog, stream string) []string {
	var cs *protocol.ConfiguredStream
	if catalog != nil {
		cs = catalog.Stream(stream)
	}
	switch {
	case cs == nil:
	case len(cs.PrimaryKey) == 1 && len(cs.PrimaryKey[0]) > 0:
		return cs.PrimaryKey[0]
	case len(cs.Stream.SourceDefinedPrimaryKey) == 1 && len(cs.Stream.SourceDefinedPrimaryKey[0]) > 0:
		return cs.Stream.SourceDefinedPrimaryKey[0]
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
	p.compileIDs(cfg, idPrefix)
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

// compileIDs adds the identifier mappings of cfg, their source fields read under prefix.
func (p *plan) compileIDs(cfg *Config, prefix []string) {
	customIdx := map[string]int{}
	for _, im := range cfg.IdentifierMappings {
		f := idField{slot: p.addPath(prefix, im.SourceField), name: im.Identifier, target: identifierTarget(im.Identifier)}
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
}

// place adds the mapping of a record path to an attribute or event parameter: a default name
// (one of defaults) at the top, any other under custom.
func (m *Mapper) place(p *plan, eventStream, name, path string, defaults map[string]convert.Kind) {
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
func (m *Mapper) fixed(p *plan, eventStream, name, val string, defaults map[string]convert.Kind) {
	k, isDefault := defaults[name]
	if !isDefault {
		k = m.customKind(eventStream, name)
	}
	p.addFixed(name, val, k, isDefault)
}
