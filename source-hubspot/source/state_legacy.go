package source

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

var _ protocol.LegacyStateChecker = (*Source)(nil)

// legacyCursors are the keys that make a bare legacy object a contacts state: this source's
// watermark and Airbyte's HubSpot source's.
var legacyCursors = []string{contactsCursor, "updatedAt"}

// CheckLegacyState accepts the legacy states this source reads (see streamState): a bare
// contacts cursor ({"lastmodifieddate": ...} or Airbyte's HubSpot {"updatedAt": ...}), or an
// object keyed by stream name that holds at least one stream of this source (contacts, event_*;
// Airbyte's HubSpot source keys its other streams beside them). Anything else, such as
// {"foo": 1}, is not a state of this source; the runner refuses it. Only key names are named.
func (s *Source) CheckLegacyState(legacy json.RawMessage) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(legacy, &obj); err != nil {
		return errors.New("the state is not a JSON object")
	}
	for k := range obj {
		if slices.Contains(legacyCursors, k) || k == stream.Contacts || strings.HasPrefix(k, stream.EventPrefix) {
			return nil
		}
	}
	keys := slices.Sorted(maps.Keys(obj))
	if len(keys) > 5 {
		keys = append(keys[:5], "…")
	}
	return fmt.Errorf("it is an object with the keys %s, which hold no state of this source's streams: "+
		"a state is the JSON array of state messages a previous run ended with, or a contacts cursor "+
		`{"lastmodifieddate": "<RFC 3339>"} (or Airbyte's HubSpot {"updatedAt": ...})`, strings.Join(keys, ", "))
}
