package stream

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// ReadResolved reads the contacts of ids (at most hubspot.MaxBatchRead) with one batch
// read of names and hs_merged_object_ids, and returns the answer for each id asked that it
// resolves.
//
// HubSpot answers a batch read by the id of a contact merged away with the contact it was merged
// into, under that contact's own (often new) id, and lists the ids merged into it in
// hs_merged_object_ids. Filing each answer under its own id alone would leave every id merged
// away without its contact; each answer is therefore filed under every id it resolves: its own
// and those. A contact that no longer exists (deleted, or never a contact) is absent.
func ReadResolved(ctx context.Context, c *hubspot.Client, ids, names []string) (map[string]*hubspot.Object, error) {
	objs, err := c.BatchReadContacts(ctx, ids, withMergedIDs(names))
	if err != nil {
		return nil, err
	}
	asked := make(map[string]bool, len(ids))
	for _, id := range ids {
		asked[id] = true
	}
	out := make(map[string]*hubspot.Object, len(ids))
	for i := range objs {
		for _, id := range resolvedIDs(&objs[i]) {
			if s := strconv.FormatUint(id, 10); asked[s] {
				out[s] = &objs[i]
			}
		}
	}
	return out, nil
}

// ReadEncoded is ReadResolved with each contact's properties encoded by enc, once per contact
// however many of ids resolve to it: the encoded object by id asked, absent when there is no
// such contact.
func ReadEncoded(ctx context.Context, c *hubspot.Client, ids, names []string, enc *PropertyEncoder) (map[string][]byte, error) {
	found, err := ReadResolved(ctx, c, ids, names)
	if err != nil {
		return nil, err
	}
	encoded := make(map[*hubspot.Object][]byte, len(found))
	out := make(map[string][]byte, len(found))
	for id, o := range found {
		b, ok := encoded[o]
		if !ok {
			if b, err = enc.AppendObject(nil, o.Properties); err != nil {
				return nil, fmt.Errorf("contact %s: %w", o.ID, err)
			}
			encoded[o] = b
		}
		out[id] = b
	}
	return out, nil
}

// withMergedIDs returns names with hs_merged_object_ids added when it is missing.
func withMergedIDs(names []string) []string {
	if slices.Contains(names, MergedIDsProperty) {
		return names
	}
	return append(slices.Clip(names), MergedIDsProperty)
}

// resolvedIDs are the ids a batch read answers with o: its own and those merged into it.
func resolvedIDs(o *hubspot.Object) []uint64 {
	var ids []uint64
	if id, err := strconv.ParseUint(o.ID, 10, 64); err == nil {
		ids = append(ids, id)
	}
	_ = hubspot.ScanProperties(o.Properties, func(name, value []byte, isNull bool) error {
		if isNull || string(name) != MergedIDsProperty {
			return nil
		}
		ids = append(ids, parseIDList(string(value))...)
		return nil
	})
	return ids
}

// parseIDList reads HubSpot's ";"-separated list of contact ids, skipping what is not an id.
func parseIDList(v string) []uint64 {
	var ids []uint64
	for _, f := range strings.Split(v, ";") {
		if id, err := strconv.ParseUint(strings.TrimSpace(f), 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// ContactColumns returns the columns and the names of the event_contact_properties (the run's
// ContactProperties), typed by the contact object of stream cs's schema, as an events or a list
// memberships record carries them.
func (r *Run) ContactColumns(cs *protocol.ConfiguredStream) ([]Column, []string, error) {
	contactCols, err := SchemaColumns(cs.Stream.JSONSchema, "contact", nil)
	if err != nil {
		return nil, nil, ConfigError("stream " + cs.Stream.Name + ": " + err.Error())
	}
	kinds := map[string]Kind{}
	for _, c := range contactCols {
		kinds[c.Name] = c.Kind
	}
	var cols []Column
	var names []string
	for _, n := range r.ContactProperties {
		if n = strings.TrimSpace(n); n != "" {
			cols = append(cols, Column{Name: n, Kind: kinds[n]})
			names = append(names, n)
		}
	}
	return cols, names, nil
}
