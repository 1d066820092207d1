package fakehubspot

import (
	"fmt"
	"net/url"
	"strconv"
)

// maxHistoryInputs is the most contacts one read returns with property history. HubSpot answers
// a batch read that asks for propertiesWithHistory with more inputs 400 VALIDATION_ERROR "The
// maximum number of inputs supported in a batch request for property histories is 50. Please
// reduce the number of items and try again" (a HubSpot answer quoted in
// https://github.com/activepieces/activepieces/pull/9359). Its reference says history "will
// reduce the maximum number of contacts that can be read by a single request" of the list
// endpoint too, without a figure: the fake caps a list page with history at 50 (guessed, the
// figure peers use).
const maxHistoryInputs = 50

// historyLimitError is the 400 message for a batch read with history over maxHistoryInputs.
func historyLimitError() string {
	return fmt.Sprintf("The maximum number of inputs supported in a batch request for property histories is %d. "+
		"Please reduce the number of items and try again", maxHistoryInputs)
}

// historyParams reads propertiesWithHistory=a,b and repeated propertiesWithHistory parameters.
func historyParams(qv url.Values) []string {
	var out []string
	for _, v := range qv["propertiesWithHistory"] {
		out = append(out, splitList(v)...)
	}
	return out
}

// appendWithHistory writes contact i as appendContact does and, when hist names properties, adds
// "propertiesWithHistory": {name: [{value, timestamp, sourceType, sourceId, sourceLabel,
// updatedByUserId}, ...]} with each property's versions newest first (the order of HubSpot's
// answers as peers read them; the reference does not state it). Unknown names are left out as in
// "properties"; a known property never set has an empty list (guessed). Caller holds store.mu.
func (s *Server) appendWithHistory(b []byte, i int, props []propRef, hist []string) []byte {
	b = s.appendContact(b, i, props)
	if len(hist) == 0 {
		return b
	}
	b = append(b[:len(b)-1], `,"propertiesWithHistory":{`...)
	seen := map[string]bool{}
	for _, name := range hist {
		if seen[name] || !s.knownProperty(name) {
			continue
		}
		if len(seen) > 0 {
			b = append(b, ',')
		}
		seen[name] = true
		b = appendJSONString(b, name)
		b = append(b, ':', '[')
		vs := s.store.historyOf(i, name)
		for k := len(vs) - 1; k >= 0; k-- {
			if k < len(vs)-1 {
				b = append(b, ',')
			}
			b = appendVersion(b, vs[k])
		}
		b = append(b, ']')
	}
	return append(b, '}', '}')
}

// knownProperty reports whether name is in the catalog, stored or derived. Caller holds store.mu.
func (s *Server) knownProperty(name string) bool {
	if isDerived(name) {
		return true
	}
	if _, ok := s.store.slot[name]; ok {
		return true
	}
	_, ok := s.propertyType(name)
	return ok
}

// appendVersion writes one ValueWithTimestamp; empty optional members are left out, as in
// HubSpot's answers.
func appendVersion(b []byte, v version) []byte {
	b = append(b, `{"value":`...)
	b = appendJSONString(b, v.value)
	b = append(b, `,"timestamp":`...)
	b = appendTime(b, v.ts)
	b = append(b, `,"sourceType":`...)
	b = appendJSONString(b, v.src.Type)
	if v.src.ID != "" {
		b = append(b, `,"sourceId":`...)
		b = appendJSONString(b, v.src.ID)
	}
	if v.src.Label != "" {
		b = append(b, `,"sourceLabel":`...)
		b = appendJSONString(b, v.src.Label)
	}
	if v.src.UserID != 0 {
		b = append(b, `,"updatedByUserId":`...)
		b = strconv.AppendInt(b, v.src.UserID, 10)
	}
	return append(b, '}')
}
