package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// The checks of a sync run the way a third-party runner runs it (Faros AI's airbyte-local-cli,
// https://github.com/faros-ai/airbyte-local-cli): the catalog it builds, the state file it
// keeps, and what must have reached Insider.

// runnerCatalog turns the CATALOG of a discover run into the configured catalog such a runner
// builds for every discovered stream: json_schema {}, incremental where the stream supports it,
// destination_sync_mode append, no cursor_field and no primary_key. It returns the names of the
// streams other than contacts, for the destination's event mappings.
func runnerCatalog(v *validator, path, out string) ([]string, error) {
	m, _, err := v.readOnly(path, "CATALOG")
	if err != nil {
		return nil, err
	}
	var cat struct {
		Streams []struct {
			Name  string   `json:"name"`
			Modes []string `json:"supported_sync_modes"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(m.Catalog, &cat); err != nil {
		return nil, err
	}
	streams := make([]any, 0, len(cat.Streams))
	var others []string
	hasContacts := false
	for _, s := range cat.Streams {
		mode := "full_refresh"
		if slices.Contains(s.Modes, "incremental") {
			mode = "incremental"
		}
		streams = append(streams, map[string]any{
			"stream":                map[string]any{"name": s.Name, "json_schema": map[string]any{}, "supported_sync_modes": s.Modes},
			"sync_mode":             mode,
			"destination_sync_mode": "append",
		})
		if s.Name == "contacts" {
			hasContacts = true
		} else {
			others = append(others, s.Name)
		}
	}
	if !hasContacts {
		return nil, fmt.Errorf("discover has no contacts stream (%d streams)", len(cat.Streams))
	}
	data, err := json.Marshal(map[string]any{"streams": streams})
	if err != nil {
		return nil, err
	}
	return others, os.WriteFile(out, append(data, '\n'), 0o600)
}

// saveStates writes the state file such a runner keeps: the last STREAM state the destination
// echoed for each stream in path, as a JSON array.
func saveStates(v *validator, path, out string) error {
	msgs, err := v.readMessages(path)
	if err != nil {
		return err
	}
	last := map[string]json.RawMessage{}
	var order []string
	for _, m := range msgs {
		if m.Type != "STATE" || m.State.Stream == nil {
			continue
		}
		var env struct {
			State json.RawMessage `json:"state"`
		}
		if err := json.Unmarshal(m.Raw, &env); err != nil {
			return err
		}
		name := m.State.Stream.StreamDescriptor.Name
		if _, seen := last[name]; !seen {
			order = append(order, name)
		}
		last[name] = env.State
	}
	if len(last) == 0 {
		return fmt.Errorf("%s holds no STREAM state", path)
	}
	states := make([]json.RawMessage, 0, len(order))
	for _, name := range order {
		states = append(states, last[name])
	}
	data, err := json.Marshal(states)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, append(data, '\n'), 0o600); err != nil {
		return err
	}
	fmt.Printf("state file with the last state of %d streams: %s\n", len(order), strings.Join(order, ", "))
	return nil
}

// contactEntry is one line of fakeserve's --hubspot-contacts file.
type contactEntry struct {
	ID    string `json:"id"`
	Email string `json:"email"`
}

// checkDelivered checks that every contact in contactsPath (fakeserve --hubspot-contacts) is a
// profile in the fake Insider's dump, found by its uuid (the destination maps hs_object_id to
// uuid), and that a contact whose email Insider's rule takes has that email, trimmed and
// lower-cased, as its email identifier.
func checkDelivered(contactsPath, dumpPath string) error {
	var contacts []contactEntry
	if err := readJSON(contactsPath, &contacts); err != nil {
		return err
	}
	var profiles []fakeinsider.Profile
	if err := readJSON(dumpPath, &profiles); err != nil {
		return err
	}
	if len(contacts) == 0 {
		return errors.New("the contacts file lists no contact")
	}
	byUUID := make(map[string]fakeinsider.Profile, len(profiles))
	for _, p := range profiles {
		if p.Identifiers.UUID != "" {
			byUUID[p.Identifiers.UUID] = p
		}
	}
	var missing, noEmail []string
	emails := 0
	for _, c := range contacts {
		p, ok := byUUID[c.ID]
		if !ok {
			missing = append(missing, c.ID)
			continue
		}
		email := strings.ToLower(strings.TrimSpace(c.Email))
		if !fakeinsider.ValidEmail(email) {
			continue
		}
		emails++
		if p.Identifiers.Email != email {
			noEmail = append(noEmail, fmt.Sprintf("%s (has %q)", c.ID, p.Identifiers.Email))
		}
	}
	if len(missing)+len(noEmail) > 0 {
		return fmt.Errorf("of %d contacts, %d have no profile in Insider (e.g. %s) and %d reached it without their email (e.g. %s)",
			len(contacts), len(missing), firstThree(missing), len(noEmail), firstThree(noEmail))
	}
	fmt.Printf("every one of %d contacts has a profile in Insider, the %d with a valid email with that email\n", len(contacts), emails)
	return nil
}

// firstThree returns the first three items of s, joined.
func firstThree(s []string) string {
	if len(s) > 3 {
		s = s[:3]
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// readJSON decodes the JSON file at path into v.
func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
