package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// checkDestCatalog checks the output of the destination's discover (exit is its exit code): one
// DESTINATION_CATALOG with the operations of the contract, or, while the binary has no discover
// command, a note saying so. Any other outcome is an error, so the check tightens by itself once
// discover exists.
func checkDestCatalog(v *validator, path string, exit int) error {
	msgs, err := v.readMessages(path)
	if err != nil {
		return err
	}
	line, err := destCatalogResult(msgs, exit)
	if err != nil {
		return err
	}
	fmt.Println(line)
	return nil
}

// destOperation is the part of a DestinationOperation the check reads.
type destOperation struct {
	ObjectName   string     `json:"object_name"`
	SyncMode     string     `json:"sync_mode"`
	MatchingKeys [][]string `json:"matching_keys"`
	JSONSchema   struct {
		Type       any                        `json:"type"`
		Properties map[string]json.RawMessage `json:"properties"`
	} `json:"json_schema"`
}

// destCatalogResult decides what a destination discover run said; see checkDestCatalog.
func destCatalogResult(msgs []message, exit int) (string, error) {
	var found []message
	for _, m := range msgs {
		if m.Type == "DESTINATION_CATALOG" {
			found = append(found, m)
		}
	}
	if len(found) == 0 {
		for _, e := range traceErrors(msgs) {
			if exit != 0 && strings.Contains(e, `unknown command "discover"`) {
				return "NOTE: this destination does not answer discover yet (" + e + "); skipped", nil
			}
		}
		return "", fmt.Errorf("discover exited %d without a DESTINATION_CATALOG (types: %v; errors: %v)",
			exit, countTypes(msgs), traceErrors(msgs))
	}
	if exit != 0 {
		return "", fmt.Errorf("discover printed a DESTINATION_CATALOG but exited %d", exit)
	}
	m, err := only(msgs, "DESTINATION_CATALOG")
	if err != nil {
		return "", err
	}
	var cat struct {
		Operations []destOperation `json:"operations"`
	}
	if err := json.Unmarshal(m.DestCatalog, &cat); err != nil {
		return "", fmt.Errorf("DESTINATION_CATALOG: %w", err)
	}
	user, ok := findOperation(cat.Operations, "user", "append_dedup")
	if !ok {
		return "", fmt.Errorf("DESTINATION_CATALOG has no user/append_dedup operation (has %s)", listOperations(cat.Operations))
	}
	for _, key := range []string{"email", "phone_number", "uuid"} {
		if !slices.ContainsFunc(user.MatchingKeys, func(k []string) bool { return slices.Equal(k, []string{key}) }) {
			return "", fmt.Errorf("user/append_dedup has no matching key [%q] (has %v)", key, user.MatchingKeys)
		}
		if _, ok := user.JSONSchema.Properties[key]; !ok {
			return "", fmt.Errorf("user/append_dedup json_schema has no property %q", key)
		}
	}
	event, ok := findOperation(cat.Operations, "event", "append")
	if !ok {
		return "", fmt.Errorf("DESTINATION_CATALOG has no event/append operation (has %s)", listOperations(cat.Operations))
	}
	for _, key := range []string{"event_name", "timestamp"} {
		if _, ok := event.JSONSchema.Properties[key]; !ok {
			return "", fmt.Errorf("event/append json_schema has no property %q", key)
		}
	}
	return fmt.Sprintf("one DESTINATION_CATALOG: %s; user matching keys %v, %d user properties",
		listOperations(cat.Operations), user.MatchingKeys, len(user.JSONSchema.Properties)), nil
}

func findOperation(ops []destOperation, object, mode string) (destOperation, bool) {
	for _, op := range ops {
		if op.ObjectName == object && op.SyncMode == mode {
			return op, true
		}
	}
	return destOperation{}, false
}

func listOperations(ops []destOperation) string {
	if len(ops) == 0 {
		return "no operations"
	}
	names := make([]string, len(ops))
	for i, op := range ops {
		names[i] = op.ObjectName + "/" + op.SyncMode
	}
	return strings.Join(names, ", ")
}
