package mapping

import (
	"fmt"
	"slices"
	"strings"

	"github.com/insider-hubspot/connectors/protocol"
)

// This file decides which plan a stream name gets. A connection may add a
// stream prefix (Airbyte's "Stream prefix" setting), so the source's
// contacts stream can arrive as hubspot_contacts and an event stream as
// hubspot_event_pe123_signup. A stream takes the plan of the configured name
// (contacts, or an event_mappings stream) it equals, or else of the longest
// configured name it ends with after a connection prefix.
//
// What comes before that name is a connection prefix only if it can be one:
//   - it does not itself hold the start of an event stream name ("event_" at
//     its start or after a character other than a letter or digit), so
//     event_pe123456_imported_contacts, with or without a prefix, is an
//     event stream, never contacts under the prefix event_pe123456_imported_;
//   - every stream of the configured catalog starts with it, since Airbyte
//     puts one prefix before every stream of a connection.

// Stream resolves a stream name, caching the answer. It is not safe for
// concurrent use.
func (m *Mapper) Stream(stream string) Stream {
	if r, ok := m.resolved[stream]; ok {
		return r
	}
	var r Stream
	if p := m.exact(stream); p != nil {
		r = Stream{plan: p, Name: stream}
	} else {
		for _, name := range m.names {
			if len(name) > len(r.Name) && strings.HasSuffix(stream, name) && m.canBePrefix(strings.TrimSuffix(stream, name)) {
				r = Stream{plan: m.exact(name), Name: name, Prefix: strings.TrimSuffix(stream, name)}
			}
		}
	}
	if m.resolved == nil {
		m.resolved = map[string]Stream{}
	}
	m.resolved[stream] = r
	return r
}

func (m *Mapper) exact(stream string) *plan {
	if p := m.objects[stream]; p != nil {
		return p
	}
	if stream == ContactsStream {
		return m.contacts
	}
	return m.events[stream]
}

// canBePrefix reports whether prefix can be the connection's stream prefix.
func (m *Mapper) canBePrefix(prefix string) bool {
	if startsEventName(prefix) {
		return false
	}
	for _, name := range m.catalogNames {
		if !strings.HasPrefix(name, prefix) {
			return false
		}
	}
	return true
}

// startsEventName reports whether s holds the start of an event stream name:
// "event_" at its start or after a character other than an ASCII letter or digit.
func startsEventName(s string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], eventStreamStart)
		if j < 0 {
			return false
		}
		i += j
		if i == 0 || !isAlnum(s[i-1]) {
			return true
		}
		i++
	}
}

// eventStreamStart begins the name of every event stream of the HubSpot source.
const eventStreamStart = "event_"

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// configuredNames lists the stream names the config maps, sorted.
func configuredNames(cfg *Config) []string {
	names := []string{ContactsStream}
	for _, em := range cfg.EventMappings {
		names = append(names, em.Stream)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// checkCatalog returns a config error naming every configured stream the
// destination would receive but could not send: such a stream would
// otherwise end as "synced" with nothing sent. Streams that Airbyte maps
// itself (destination_object_name) are not the config's business.
func (m *Mapper) checkCatalog(catalog *protocol.ConfiguredCatalog) error {
	if catalog == nil {
		return nil
	}
	var bad []string
	for _, cs := range catalog.Streams {
		if cs.DestinationObjectName != "" {
			continue
		}
		if !m.Stream(cs.Stream.Name).Mapped() {
			bad = append(bad, fmt.Sprintf("%q", cs.Stream.Name))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	what := "stream " + bad[0]
	if len(bad) > 1 {
		what = "streams " + strings.Join(bad, ", ")
	}
	return protocol.NewError(protocol.FailureConfig, fmt.Sprintf(
		"the connection selects %s, which this destination cannot send to Insider: it sends the contacts stream "+
			"and the streams named in event_mappings (%s), also under a connection stream prefix (hubspot_contacts matches contacts; "+
			"a stream whose name starts with event_, after the prefix, is an event stream even when it ends in contacts). "+
			"Add an event_mappings entry for each event stream listed, or deselect the stream in the connection", what, strings.Join(m.names, ", ")), nil)
}
