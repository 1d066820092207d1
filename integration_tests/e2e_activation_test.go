package integrationtests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

// contactsToUser maps HubSpot contacts onto Insider's user object, matched on email.
var contactsToUser = activationPick{Stream: "contacts", Object: "user", Mode: protocol.DestinationSyncModeAppendDedup, MatchingKey: "email",
	Fields: map[string]string{"email": "email", "firstname": "name", "lastname": "surname", "city": "city", "phone": "phone_number",
		"lifecyclestage": "lifecycle_stage", "newsletter_opt_in": "email_optin", "hs_object_id": "hubspot_id"}}

// signupToEvent maps a HubSpot custom event stream onto Insider's event object: its contact id
// is the user's uuid.
func signupToEvent(stream string) activationPick {
	return activationPick{Stream: stream, Object: "event", Mode: protocol.DestinationSyncModeAppend, MatchingKey: "uuid",
		Fields: map[string]string{"objectId": "uuid", "eventType": "event_name", "occurredAt": "timestamp", "id": "event_id"}}
}

// activationRun is one sync of a data-activation connection: destination discover, the user's
// picks checked against it, source read, the platform's renaming, destination write.
// Streams named in plain are configured as in an ordinary connection, in both catalogs.
func (e *e2e) activationRun(picks []activationPick, plain ...string) (dcat *protocol.DestinationCatalog, read, write connectorRun) {
	e.t.Helper()
	t := e.t
	srcCfg := writeJSON(t, e.dir, pipeline.SourceConfigFile, e.src)
	dstCfg := writeJSON(t, e.dir, pipeline.DestinationConfigFile, e.dest)
	disc := runConnector(t, e.bin.Destination, nil, "discover", "--config", dstCfg)
	dcats := protocoltest.OfType(disc.Msgs, protocol.TypeDestinationCatalog)
	if disc.Exit != 0 || len(dcats) != 1 {
		t.Fatalf("destination discover: exit %d, %d DESTINATION_CATALOG:\n%s", disc.Exit, len(dcats), disc.Stdout)
	}
	checkPicks(t, dcats[0].DestinationCatalog, picks)
	sdisc := runConnector(t, e.bin.Source, nil, "discover", "--config", srcCfg)
	cats := protocoltest.OfType(sdisc.Msgs, protocol.TypeCatalog)
	if sdisc.Exit != 0 || len(cats) != 1 {
		t.Fatalf("source discover: exit %d:\n%s", sdisc.Exit, sdisc.Stdout)
	}
	srcCat, dstCat := platformCatalogs(t, *cats[0].Catalog, picks)
	for _, s := range cats[0].Catalog.Streams {
		if slices.Contains(plain, s.Name) {
			cs := protocol.ConfiguredStream{Stream: s, SyncMode: protocol.SyncModeIncremental, CursorField: s.DefaultCursorField,
				DestinationSyncMode: protocol.DestinationSyncModeAppendDedup, PrimaryKey: s.SourceDefinedPrimaryKey}
			srcCat.Streams = append(srcCat.Streams, cs)
			dstCat.Streams = append(dstCat.Streams, cs)
		}
	}
	read = runConnector(t, e.bin.Source, nil, "read", "--config", srcCfg,
		"--catalog", writeJSON(t, e.dir, "source_catalog.json", srcCat))
	if read.Exit != 0 {
		t.Fatalf("source read exit %d:\n%s", read.Exit, read.Stderr)
	}
	write = runConnector(t, e.bin.Destination, bytes.NewReader(platformMap(t, read.Stdout, picks)), "write",
		"--config", dstCfg, "--catalog", writeJSON(t, e.dir, "destination_catalog.json", dstCat))
	return dcats[0].DestinationCatalog, read, write
}

// echoedStats sums destinationStats of the echoed STATEs per stream, and counts the source's
// RECORDs per stream.
func echoedStats(read, write connectorRun) (records, accepted, rejected map[string]int64) {
	records, accepted, rejected = map[string]int64{}, map[string]int64{}, map[string]int64{}
	for _, m := range protocoltest.OfType(read.Msgs, protocol.TypeRecord) {
		records[m.Record.Stream]++
	}
	for _, m := range protocoltest.OfType(write.Msgs, protocol.TypeState) {
		if m.State.Stream == nil || m.State.DestinationStats == nil {
			continue
		}
		name := m.State.Stream.StreamDescriptor.Name
		accepted[name] += m.State.DestinationStats.RecordCount
		rejected[name] += m.State.DestinationStats.RejectedRecordCount
	}
	return records, accepted, rejected
}

// TestE2EDataActivation: a connection mapped entirely in Airbyte's data-activation screens
// (empty identifier_mappings) syncs contacts into Insider users matched on email, with default
// attributes at the top and the rest under custom, and custom events onto the users their
// contact id names; rejected records are counted in the echoed states.
func TestE2EDataActivation(t *testing.T) {
	e := newE2E(t, datagen.Options{Seed: 21, Count: 300})
	e.addRecentEvents(21, 200)
	signup := fakehubspot.FQN(fakehubspot.DefaultPortalID, "newsletter_signup")
	e.dest["identifier_mappings"] = []any{}
	delete(e.dest, "attribute_mappings")
	e.ins.DeclareCustomAttribute("lifecycle_stage", "string")
	e.ins.DeclareCustomAttribute("hubspot_id", "number")

	dcat, read, write := e.activationRun([]activationPick{contactsToUser, signupToEvent("event_" + signup)})
	if write.Exit != 0 {
		t.Fatalf("destination write exit %d:\n%s", write.Exit, write.Stdout)
	}
	var user struct {
		Properties map[string]struct {
			Type string `json:"type"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(dcat.Operations[0].JSONSchema, &user); err != nil {
		t.Fatal(err)
	}
	if user.Properties["lifecycle_stage"].Type != "string" || user.Properties["hubspot_id"].Type != "number" || user.Properties["email_optin"].Type != "boolean" {
		t.Errorf("discover does not list the declared custom attributes with their types: %+v", user.Properties)
	}

	valid, invalid := 0, 0
	for _, id := range e.hs.ContactIDs() {
		c, _ := e.hs.Contact(id)
		email := c.Properties["email"]
		if !validEmail(email) {
			invalid++
			continue
		}
		valid++
		p, ok := e.ins.FindByEmail(strings.ToLower(email))
		if !ok {
			t.Errorf("contact %d (%s) is not in Insider", id, email)
			continue
		}
		custom, _ := p.Attributes["custom"].(map[string]any)
		checks := map[string][2]any{
			"name":            {p.Attributes["name"], c.Properties["firstname"]},
			"surname":         {p.Attributes["surname"], c.Properties["lastname"]},
			"lifecycle_stage": {custom["lifecycle_stage"], c.Properties["lifecyclestage"]},
			"hubspot_id":      {jsonText(custom["hubspot_id"]), fmt.Sprint(id)},
			"email_optin":     {p.Attributes["email_optin"], c.Properties["newsletter_opt_in"] == "true"},
			"crm_source":      {custom["crm_source"], "hubspot"},
		}
		for name, c := range checks {
			if c[1] != "" && c[0] != c[1] {
				t.Errorf("contact %d: %s = %#v, want %#v", id, name, c[0], c[1])
			}
		}
		if _, ok := p.Attributes["lifecycle_stage"]; ok {
			t.Errorf("contact %d: custom attribute lifecycle_stage sent at the top of attributes", id)
		}
		if p.Identifiers.UUID != "" || p.Identifiers.PhoneNumber != "" {
			t.Errorf("contact %d: identifiers %+v, want only the matching key email", id, p.Identifiers)
		}
	}
	if invalid == 0 || valid == 0 {
		t.Fatalf("generated data has %d valid and %d invalid emails; the test needs both", valid, invalid)
	}

	wantEvents := map[string]bool{}
	for _, ev := range e.hs.Events() {
		if ev.EventType == signup {
			wantEvents[pipelineUUID(ev.ObjectID)+"|"+ev.ID] = true
		}
	}
	gotEvents := 0
	for key := range wantEvents {
		uuid, id, _ := strings.Cut(key, "|")
		p, ok := e.ins.FindByUUID(uuid)
		found := false
		for _, ev := range p.Events {
			custom, _ := ev.Params["custom"].(map[string]any)
			found = found || (ev.Name == signup && custom["event_id"] == id)
		}
		if !ok || !found {
			t.Errorf("event %s of contact %s is not in Insider", id, uuid)
			continue
		}
		gotEvents++
	}
	if gotEvents == 0 {
		t.Fatal("no newsletter_signup events were generated")
	}

	records, accepted, rejected := echoedStats(read, write)
	if accepted["contacts"] != int64(valid) || rejected["contacts"] != int64(invalid) || accepted["contacts"]+rejected["contacts"] != records["contacts"] {
		t.Errorf("contacts destinationStats: %d accepted + %d rejected, want %d + %d = the source's %d records",
			accepted["contacts"], rejected["contacts"], valid, invalid, records["contacts"])
	}
	es := "event_" + signup
	if accepted[es] != records[es] || rejected[es] != 0 {
		t.Errorf("%s destinationStats: %d accepted, %d rejected, want all %d accepted", es, accepted[es], rejected[es], records[es])
	}
}

// TestE2EDataActivationMixedConnection: contacts mapped by the config's mappings and a custom
// event stream mapped in Airbyte, in one connection: the contacts are delivered as without
// activation, and the events land on the profiles the contacts made (the same uuid).
func TestE2EDataActivationMixedConnection(t *testing.T) {
	e := newE2E(t, datagen.Options{Seed: 22, Count: 200})
	e.addRecentEvents(22, 150)
	signup := fakehubspot.FQN(fakehubspot.DefaultPortalID, "newsletter_signup")

	_, read, write := e.activationRun([]activationPick{signupToEvent("event_" + signup)}, "contacts")
	if write.Exit != 0 {
		t.Fatalf("destination write exit %d:\n%s", write.Exit, write.Stdout)
	}
	e.checkDelivered()
	n := 0
	for _, ev := range e.hs.Events() {
		if ev.EventType != signup {
			continue
		}
		p, ok := e.ins.FindByUUID(pipelineUUID(ev.ObjectID))
		found := false
		for _, got := range p.Events {
			custom, _ := got.Params["custom"].(map[string]any)
			found = found || custom["event_id"] == ev.ID
		}
		if !ok || !found {
			t.Errorf("event %s is not on the profile of contact %d", ev.ID, ev.ObjectID)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no newsletter_signup events were generated")
	}
	records, accepted, rejected := echoedStats(read, write)
	for _, s := range []string{"contacts", "event_" + signup} {
		if accepted[s]+rejected[s] != records[s] || accepted[s] == 0 {
			t.Errorf("%s destinationStats: %d accepted + %d rejected, want the source's %d records", s, accepted[s], rejected[s], records[s])
		}
	}
}

// jsonText is v as JSON without string quotes: 51000000538 for the float64 a fake decoded.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}
