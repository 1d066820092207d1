package integrationtests

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

// TestE2EDocumentedRules: a sync against an Insider account that declares typed custom
// attributes. Insider's account rules leave out nothing the destination sends: custom values
// arrive with the declared types, HubSpot's country names arrive as ISO 3166-1 alpha-2 codes,
// identifiers never travel as attributes, events past retention are not sent (and are counted),
// and every request carries error_callback_endpoint. A mapped attribute the account does not
// declare is named in one WARN.
func TestE2EDocumentedRules(t *testing.T) {
	e := newE2E(t, datagen.Options{Seed: 15, Count: 300})
	e.ins.Close()
	e.ins = fakeinsider.New(fakeinsider.Options{CustomAttributes: map[string]string{
		"lifecycle_stage": "string", "crm_source": "string", "conversions": "number", "unworked": "boolean", "first_seen": "date",
	}})
	t.Cleanup(e.ins.Close)
	e.dest["api_base_url"] = e.ins.URL
	end := dataEnd()
	defs := e.hs.EventDefinitions()
	old := datagen.Events(datagen.EventOptions{Seed: 15, Definitions: defs, ContactIDs: e.hs.ContactIDs(), Count: 150,
		Start: end.AddDate(0, 0, -200), End: end.AddDate(0, 0, -100)})
	recent := datagen.Events(datagen.EventOptions{Seed: 16, Definitions: defs, ContactIDs: e.hs.ContactIDs(), Count: 150,
		Start: end.AddDate(0, 0, -80), End: end})
	e.hs.AddEvents(append(old, recent...)...)
	signup := fakehubspot.FQN(fakehubspot.DefaultPortalID, "newsletter_signup")
	e.dest["event_mappings"] = []map[string]any{{"stream": "event_" + signup, "event_name": "newsletter.signup-v2"}}
	e.dest["attribute_mappings"] = append(e.dest["attribute_mappings"].([]map[string]any),
		map[string]any{"source_field": "country", "attribute": "country"},
		map[string]any{"source_field": "num_conversion_events", "attribute": "conversions"},
		map[string]any{"source_field": "newsletter_opt_in", "attribute": "unworked"},
		map[string]any{"source_field": "createdate", "attribute": "first_seen"},
		map[string]any{"source_field": "hs_analytics_source", "attribute": "traffic_source"}) // not declared
	e.dest["boolean_format"] = "string" // the declared boolean type wins
	e.dest["error_callback_endpoint"] = "https://hooks.example.com/insider-errors"
	e.writeConfigs()
	run := runConnector(t, e.bin.Destination, nil, "check", "--config", filepath.Join(e.dir, pipeline.DestinationConfigFile))
	if st := protocoltest.OfType(run.Msgs, protocol.TypeConnectionStatus); len(st) != 1 || st[0].ConnectionStatus.Status != protocol.StatusFailed ||
		!strings.Contains(st[0].ConnectionStatus.Message, "Insider does not know the custom attributes traffic_source:") {
		t.Errorf("check of a config mapping an undeclared attribute: %s", run.Stdout)
	}

	res := e.sync(nil)
	requireOK(t, res)

	ignored := e.ins.Ignored()
	if n := ignored[fakeinsider.IgnoredUndeclared]; n == 0 {
		t.Errorf("the undeclared traffic_source never reached Insider (ignored %v)", ignored)
	}
	delete(ignored, fakeinsider.IgnoredUndeclared)
	if len(ignored) != 0 {
		t.Errorf("Insider left out values the destination sent: %v", ignored)
	}
	warned := 0
	for _, l := range res.DestinationLogs {
		if strings.Contains(l, "Insider does not know these mapped custom attributes: traffic_source;") {
			warned++
		}
	}
	if warned != 1 {
		t.Errorf("%d WARNs name the undeclared attribute, want 1", warned)
	}
	code := regexp.MustCompile(`^[A-Z]{2}$`)
	wantCountry := map[string]string{"United States": "US", "United Kingdom": "GB", "Germany": "DE", "Türkiye": "TR", "France": "FR"}
	checked := 0
	for _, id := range e.hs.ContactIDs() {
		c, _ := e.hs.Contact(id)
		p, ok := e.ins.FindByUUID(pipelineUUID(id))
		if !ok || p.Identifiers.UUID != pipelineUUID(id) {
			continue // merged into another profile by a shared phone
		}
		checked++
		if got, _ := p.Attributes["country"].(string); !code.MatchString(got) || got != wantCountry[c.Properties["country"]] {
			t.Errorf("contact %d: country %q for %q", id, got, c.Properties["country"])
		}
		custom, _ := p.Attributes["custom"].(map[string]any)
		if _, ok := custom["conversions"].(float64); !ok {
			t.Errorf("contact %d: conversions = %#v", id, custom["conversions"])
		}
		if _, ok := custom["unworked"].(bool); !ok {
			t.Errorf("contact %d: unworked = %#v", id, custom["unworked"])
		}
		for _, k := range []string{"email", "phone_number", "uuid"} {
			if _, ok := p.Attributes[k]; ok {
				t.Errorf("contact %d: identifier %s stored as an attribute", id, k)
			}
		}
	}
	if checked < 250 {
		t.Errorf("only %d contacts checked", checked)
	}
	cutoff := time.Now().AddDate(0, 0, -90)
	wantEvents, wantOld := map[string]bool{}, 0
	for _, ev := range e.hs.Events() {
		if ev.EventType != signup {
			continue
		}
		if ev.OccurredAt.Before(cutoff) {
			wantOld++
			continue
		}
		wantEvents[pipelineUUID(ev.ObjectID)+"|"+ev.OccurredAt.UTC().Format(time.RFC3339)] = true
	}
	got := 0
	for _, p := range e.ins.Profiles() {
		for _, ev := range p.Events {
			if ev.Name != "newsletter.signup-v2" {
				t.Fatalf("event name %q, want it unchanged", ev.Name)
			}
			got++
		}
	}
	if wantOld == 0 || len(wantEvents) == 0 || got != len(wantEvents) {
		t.Errorf("Insider holds %d events, want %d (%d older than 90 days not sent)", got, len(wantEvents), wantOld)
	}
	summary := ""
	for _, l := range res.DestinationLogs {
		if strings.HasPrefix(l, "write summary") {
			summary = l
		}
	}
	if !strings.Contains(summary, "events_past_retention="+strconv.Itoa(wantOld)) {
		t.Errorf("summary %q does not count %d events past retention", summary, wantOld)
	}
	for _, r := range e.ins.Requests() {
		if r.Endpoint == fakeinsider.EndpointUpsert && r.ErrorCallback != "https://hooks.example.com/insider-errors" {
			t.Fatalf("upsert without error_callback_endpoint: %+v", r)
		}
	}
	// One user object per contact per request: a contact's events share one.
	multi := 0
	for _, body := range e.ins.LastBodies(20) {
		var req struct {
			Users []struct {
				Identifiers json.RawMessage   `json:"identifiers"`
				Events      []json.RawMessage `json:"events"`
			} `json:"users"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, u := range req.Users {
			if len(u.Events) == 0 {
				continue
			}
			if seen[string(u.Identifiers)] {
				t.Errorf("two user objects with events for %s in one request", u.Identifiers)
			}
			seen[string(u.Identifiers)] = true
			if len(u.Events) > 1 {
				multi++
			}
		}
	}
	if multi == 0 {
		t.Errorf("no user object carried several events")
	}
}

// TestE2EAuthAnswers: Insider's answers to a wrong partner name (400 "Partner is invalid.") and
// key (401) fail check naming the field, and stop write before anything is sent; where the
// metadata endpoint is missing, check falls back to the profile call and write sends one batch.
func TestE2EAuthAnswers(t *testing.T) {
	skipShort(t)
	for _, tc := range []struct {
		name        string
		noMetadata  bool
		edit        func(m map[string]any)
		field       string
		wantUpserts int
	}{
		{name: "partner", edit: func(m map[string]any) { m["partner_name"] = "otherbrand" }, field: "partner_name"},
		{name: "key", edit: func(m map[string]any) { m["api_key"] = "wrong-key-123456" }, field: "api_key"},
		{name: "partner without metadata", noMetadata: true, edit: func(m map[string]any) { m["partner_name"] = "otherbrand" },
			field: "partner_name", wantUpserts: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newE2E(t, datagen.Options{Seed: 17, Count: 300})
			if tc.noMetadata {
				e.ins.Close()
				e.ins = fakeinsider.New(fakeinsider.Options{NoMetadata: true})
				t.Cleanup(e.ins.Close)
				e.dest["api_base_url"] = e.ins.URL
			}
			tc.edit(e.dest)
			e.dest["batch_size"] = 10
			e.writeConfigs()
			run := runConnector(t, e.bin.Destination, nil, "check", "--config", filepath.Join(e.dir, pipeline.DestinationConfigFile))
			st := protocoltest.OfType(run.Msgs, protocol.TypeConnectionStatus)
			if len(st) != 1 || st[0].ConnectionStatus.Status != protocol.StatusFailed || !strings.Contains(st[0].ConnectionStatus.Message, tc.field) {
				t.Fatalf("check: %s", run.Stdout)
			}
			res := e.sync(nil)
			if res.DestinationExit == 0 || len(res.DestinationErrors) != 1 || !strings.Contains(res.DestinationErrors[0], tc.field) {
				t.Fatalf("write exit %d, errors %q", res.DestinationExit, res.DestinationErrors)
			}
			if n := e.ins.RequestCount(fakeinsider.EndpointUpsert); n != tc.wantUpserts {
				t.Errorf("%d upsert requests, want %d", n, tc.wantUpserts)
			}
			if e.ins.ProfileCount() != 0 {
				t.Errorf("%d profiles stored", e.ins.ProfileCount())
			}
		})
	}
}
