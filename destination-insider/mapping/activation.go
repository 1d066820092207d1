package mapping

import (
	"fmt"
	"slices"
	"strings"

	"github.com/insider-hubspot/connectors/destination-insider/mapping/convert"
	"github.com/insider-hubspot/connectors/protocol"
)

// This file compiles the streams that Airbyte's data activation mapped onto an Insider object
// (a configured stream with destination_object_name): their records are already keyed by
// Insider names, so no config mapping applies to them. objectmap.go maps their records.

// compileObject builds the plan of a stream mapped onto Insider's user or event object. cs
// has been checked by CheckStreams.
func (m *Mapper) compileObject(cfg *Config, cs *protocol.ConfiguredStream) *plan {
	p := &plan{root: newPathNode()}
	o := &objectPlan{event: cs.DestinationObjectName == ObjectEvent, skip: map[string]bool{}, fixed: map[string]bool{},
		op: operationOf(cs.DestinationObjectName, cs.DestinationSyncMode)}
	p.object = o
	o.custSlot = p.root.add([]string{"custom"}, &p.slots)
	var keys []string
	for _, k := range cs.PrimaryKey {
		keys = append(keys, k[0])
	}
	if o.event {
		// An event's standard identifiers identify its user, with or without a matching key.
		for _, name := range standardIdentifiers {
			if !slices.Contains(keys, name) {
				keys = append(keys, name)
			}
		}
	}
	customIdx := map[string]int{}
	for _, name := range keys {
		if o.skip[name] {
			continue // named twice in primary_key
		}
		o.skip[name] = true
		f := idField{slot: p.root.add([]string{name}, &p.slots), name: name, target: identifierTarget(name)}
		if f.target == idCustom {
			f.nameKey = encodedKey(name)
			customIdx[name] = len(customIdx)
			f.custom = customIdx[name]
		}
		p.ids = append(p.ids, f)
	}
	p.customIDs = len(customIdx)
	o.keyFields = "matching key " + strings.Join(pkNames(cs.PrimaryKey), "+")
	if len(cs.PrimaryKey) == 0 {
		o.keyFields = "identifiers " + strings.Join(standardIdentifiers, "/")
	}

	fixed := func(name, val string, defaults map[string]convert.Kind) {
		o.fixed[name] = true
		k, isDefault := defaults[name]
		p.addFixed(name, val, k, isDefault)
	}
	if !o.event {
		o.defaults = defaultAttributes
		for _, fa := range cfg.FixedAttributes {
			fixed(fa.Attribute, fa.Value, defaultAttributes)
		}
		return p
	}
	o.defaults = defaultEventParams
	for _, fp := range cfg.FixedEventParameters {
		fixed(fp.Parameter, fp.Value, defaultEventParams)
	}
	o.skip[fieldEventName], o.skip[fieldTimestamp] = true, true
	o.nameSlot = p.root.add([]string{fieldEventName}, &p.slots)
	p.occurredAt = p.root.add([]string{fieldTimestamp}, &p.slots)
	return p
}

// CheckStreams returns a config_error naming the first configured stream this config cannot
// write: a stream mapped by Airbyte onto something other than Insider's user or event object,
// with a sync mode that is not an operation of its object (or a soft_delete matching on more
// than one field), or with a nested or missing matching key; or a
// stream the config itself maps (contacts, event_mappings) while identifier_mappings is empty.
func CheckStreams(cfg *Config, catalog *protocol.ConfiguredCatalog) error {
	if catalog == nil {
		return nil
	}
	fail := func(stream, format string, args ...any) error {
		e := protocol.NewError(protocol.FailureConfig, fmt.Sprintf("stream %s: ", stream)+fmt.Sprintf(format, args...), nil)
		e.Stream = stream
		return e
	}
	for i := range catalog.Streams {
		cs := &catalog.Streams[i]
		name := cs.Stream.Name
		obj := cs.DestinationObjectName
		if obj == "" {
			if len(cfg.IdentifierMappings) == 0 && configMaps(cfg, name) {
				return fail(name, "identifier_mappings is empty, but this stream is not mapped by Airbyte's data activation "+
					"(it has no destination_object_name), so the config's mappings apply to it: add identifier_mappings, "+
					"or map the stream onto Insider's user or event object in Airbyte")
			}
			continue
		}
		if obj != ObjectUser && obj != ObjectEvent {
			return fail(name, "destination_object_name %q is not an object of this destination: use %s or %s (the objects its discover lists)",
				obj, ObjectUser, ObjectEvent)
		}
		if problem := checkMode(obj, cs.DestinationSyncMode, cs.PrimaryKey); problem != "" {
			return fail(name, "%s", problem)
		}
		for _, k := range cs.PrimaryKey {
			switch {
			case len(k) != 1:
				return fail(name, "primary_key %s is a nested field path; Insider matching keys are top-level fields "+
					"(email, phone_number, uuid or a custom identifier): choose one of the matching keys this destination's discover lists", pkString(cs.PrimaryKey))
			case strings.TrimSpace(k[0]) == "" || k[0] == "custom" || k[0] == fieldEventName || k[0] == fieldTimestamp:
				return fail(name, "primary_key field %q cannot identify an Insider user: use email, phone_number, uuid or a custom identifier", k[0])
			}
		}
		if obj == ObjectUser && len(cs.PrimaryKey) == 0 {
			return fail(name, "it is mapped onto Insider's user object without a matching key (primary_key): "+
				"choose email, phone_number, uuid or a custom identifier as its matching key")
		}
	}
	return nil
}

// NeedsIdentifiers returns the config_error of a record of stream, mapped as s, when the
// config's own mappings apply to it (not Airbyte's data activation) while identifier_mappings is
// empty: a stream missing from the catalog, which CheckStreams could not see.
func (m *Mapper) NeedsIdentifiers(s Stream, stream string) error {
	if s.plan == nil || s.plan.object != nil || !m.noIDs {
		return nil
	}
	e := protocol.NewError(protocol.FailureConfig, fmt.Sprintf("stream %s: identifier_mappings is empty, but the config maps this stream "+
		"(it is not mapped by Airbyte's data activation): add identifier_mappings, or map the stream onto Insider's user or event object in Airbyte", stream), nil)
	e.Stream = stream
	return e
}

// configMaps reports whether the config's own mappings apply to a stream without
// destination_object_name.
func configMaps(cfg *Config, stream string) bool {
	if stream == ContactsStream || (stream == ListMembershipsStream && cfg.AudienceAttribute != "") {
		return true
	}
	for _, em := range cfg.EventMappings {
		if em.Stream == stream {
			return true
		}
	}
	return false
}

func pkNames(pk [][]string) []string {
	out := make([]string, 0, len(pk))
	for _, k := range pk {
		out = append(out, strings.Join(k, "."))
	}
	return out
}

func pkString(pk [][]string) string {
	parts := make([]string, 0, len(pk))
	for _, k := range pk {
		parts = append(parts, `["`+strings.Join(k, `","`)+`"]`)
	}
	return "[" + strings.Join(parts, ",") + "]"
}
