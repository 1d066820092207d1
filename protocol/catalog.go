package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// configuredShape is the wrapping that tells a configured catalog from other JSON.
const configuredShape = `a configured catalog is {"streams": [{"stream": <a stream of discover's catalog>, ` +
	`"sync_mode": "incremental" or "full_refresh", "destination_sync_mode": "append"}, ...]}`

// ParseConfiguredCatalog decodes a --catalog file and checks that it is a configured catalog
// (Airbyte's ConfiguredAirbyteCatalog) that selects at least one stream: an object whose
// streams each have a stream with a name and a sync_mode. It names what is wrong when it is
// something else, such as {}, an array, discover's output or discover's catalog, instead of
// letting a run read or write nothing. destination_sync_mode and json_schema are not required
// (a source does not use the first; an absent schema selects everything).
func ParseConfiguredCatalog(data []byte) (*ConfiguredCatalog, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, errors.New("the file is empty; " + configuredShape)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		if !json.Valid(data) {
			return nil, fmt.Errorf("not valid JSON (%w); %s", err, configuredShape)
		}
		return nil, errors.New("not a JSON object; " + configuredShape)
	}
	if _, ok := top["catalog"]; ok && string(top["type"]) == `"CATALOG"` {
		return nil, errors.New("this is discover's output message (type CATALOG), not a configured catalog: " +
			"choose the streams to read from its catalog; " + configuredShape)
	}
	rawStreams, ok := top["streams"]
	if !ok || isNullJSON(rawStreams) {
		return nil, errors.New("it has no streams; " + configuredShape)
	}
	var streams []map[string]json.RawMessage
	if err := json.Unmarshal(rawStreams, &streams); err != nil {
		return nil, fmt.Errorf("streams is not an array of objects; %s", configuredShape)
	}
	if len(streams) == 0 {
		return nil, errors.New("it selects no stream (streams is empty), so nothing would be synced; " +
			"select at least one stream of discover's catalog")
	}
	seen := map[string]bool{}
	for i, s := range streams {
		name, err := checkConfiguredStream(s)
		if err != nil {
			return nil, fmt.Errorf("streams[%d]: %w", i, err)
		}
		if seen[name] {
			return nil, fmt.Errorf("streams[%d]: stream %s is selected twice; select each stream once", i, name)
		}
		seen[name] = true
	}
	var c ConfiguredCatalog
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%w; %s", err, configuredShape)
	}
	return &c, nil
}

// checkConfiguredStream checks one entry of a configured catalog and returns its stream's
// namespace-qualified name.
func checkConfiguredStream(s map[string]json.RawMessage) (string, error) {
	rawStream, ok := s["stream"]
	if !ok || isNullJSON(rawStream) {
		if _, named := s["name"]; named {
			return "", errors.New("this is a stream of discover's catalog, not a configured stream: " +
				`wrap it as {"stream": <the discovered stream>, "sync_mode": "incremental", "destination_sync_mode": "append"}`)
		}
		return "", errors.New(`it has no "stream"; ` + configuredShape)
	}
	var st struct {
		Name       *string         `json:"name"`
		Namespace  string          `json:"namespace"`
		JSONSchema json.RawMessage `json:"json_schema"`
	}
	if err := json.Unmarshal(rawStream, &st); err != nil {
		return "", fmt.Errorf("stream is not a stream object: %w", err)
	}
	if st.Name == nil || *st.Name == "" {
		return "", errors.New("stream has no name")
	}
	name := *st.Name
	if st.Namespace != "" {
		name = st.Namespace + "." + name
	}
	if len(st.JSONSchema) > 0 && !isNullJSON(st.JSONSchema) && !isObject(st.JSONSchema) {
		return "", fmt.Errorf("stream %s: json_schema is not a JSON object", name)
	}
	rawMode, ok := s["sync_mode"]
	if !ok || isNullJSON(rawMode) {
		return "", fmt.Errorf(`stream %s has no sync_mode: set "incremental" or "full_refresh"`, name)
	}
	var mode SyncMode
	if err := json.Unmarshal(rawMode, &mode); err != nil || (mode != SyncModeIncremental && mode != SyncModeFullRefresh) {
		return "", fmt.Errorf(`stream %s: sync_mode %s is not "incremental" or "full_refresh"`, name, excerpt(rawMode, 40))
	}
	return name, nil
}

func isNullJSON(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}
