package integrationtests

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
)

// TestE2EOnlyDatedPaths drives the built source through check, discover, two incremental reads
// of contacts and events, a full refresh and get_contact, with OAuth access tokens expiring in
// the middle of every run, and asserts that HubSpot saw only date-based paths and the 2026-03
// token endpoint: not one call to a v1-v4 path, which HubSpot stops serving in 2027.
func TestE2EOnlyDatedPaths(t *testing.T) {
	// The fake's clock runs ahead by step each time it is read (a few times per request), so
	// its 5-minute access tokens expire after a few requests while the source, on the real
	// clock, still holds them valid: it meets 401s mid-run and refreshes.
	var ahead, step atomic.Int64
	step.Store(int64(5 * time.Second))
	clock := func() time.Time { return time.Now().Add(time.Duration(ahead.Add(step.Load()))) }
	hs := fakehubspot.New(fakehubspot.Options{Clock: clock, AccessTokenTTL: 5 * time.Minute})
	t.Cleanup(hs.Close)
	end := dataEnd()
	ids := hs.AddContacts(datagen.Contacts(datagen.Options{Seed: 12, Count: 1200, Start: end.Add(-90 * 24 * time.Hour), End: end})...)
	hs.AddEvents(datagen.Events(datagen.EventOptions{Seed: 12, ContactIDs: ids, Count: 500,
		Definitions: hs.EventDefinitions(), Start: end.Add(-48 * time.Hour), End: end})...)
	o := hs.Options()
	cfg := map[string]any{
		"credentials": map[string]any{"credentials_title": "OAuth Credentials", "client_id": o.ClientID,
			"client_secret": o.ClientSecret, "refresh_token": o.RefreshToken},
		"api_base_url": hs.URL,
		"page_size":    50,
	}
	dir := t.TempDir()
	bin := connectorBinaries(t).Source
	run := func(cfg map[string]any, args ...string) connectorRun {
		t.Helper()
		return runConnector(t, bin, nil, append(args[:1:1], append([]string{"--config", writeJSON(t, dir, "config.json", cfg)}, args[1:]...)...)...)
	}

	if st := run(cfg, "check"); len(st.Msgs) != 1 || st.Msgs[0].ConnectionStatus == nil ||
		st.Msgs[0].ConnectionStatus.Status != protocol.StatusSucceeded {
		t.Fatalf("check: %s", st.Stdout)
	}
	disc := run(cfg, "discover")
	var cat protocol.ConfiguredCatalog
	for _, m := range disc.Msgs {
		if m.Catalog == nil {
			continue
		}
		for _, s := range m.Catalog.Streams {
			cat.Streams = append(cat.Streams, protocol.ConfiguredStream{Stream: s, SyncMode: protocol.SyncModeIncremental,
				DestinationSyncMode: protocol.DestinationSyncModeAppendDedup, CursorField: s.DefaultCursorField})
		}
	}
	if len(cat.Streams) < 2 {
		t.Fatalf("discover: %s", disc.Stdout)
	}
	read := func(cfg map[string]any, cat protocol.ConfiguredCatalog, state any) connectorRun {
		t.Helper()
		args := []string{"read", "--catalog", writeJSON(t, dir, "catalog.json", cat)}
		if state != nil {
			args = append(args, "--state", writeJSON(t, dir, "state.json", state))
		}
		res := run(cfg, args...)
		if res.Exit != 0 {
			tr, _ := json.Marshal(traceErrors(res.Msgs))
			t.Fatalf("read exit %d: %s\n%s", res.Exit, tr, res.Stderr)
		}
		return res
	}
	count := func(res connectorRun) (contacts map[string]int, events int) {
		contacts = map[string]int{}
		for _, r := range records(res.Msgs) {
			if r.Stream == "contacts" {
				contacts[recordField(t, r, "id")]++
			} else {
				events++
			}
		}
		return contacts, events
	}
	wantEvents := 0
	for _, ev := range hs.Events() {
		for _, cs := range cat.Streams {
			if cs.Stream.Name == "event_"+ev.EventType {
				wantEvents++
			}
		}
	}

	issued0, expired0 := hs.TokensIssued(), hs.StatusCount(401)
	first := read(cfg, cat, nil)
	if c, ev := count(first); len(c) != len(ids) || ev != wantEvents {
		t.Errorf("read 1: %d contacts, %d events; want %d, %d", len(c), ev, len(ids), wantEvents)
	}
	if hs.StatusCount(401) == expired0 || hs.TokensIssued() < issued0+2 {
		t.Errorf("read 1 met no expired token (401s %d, tokens %d): the test does not exercise a mid-run refresh",
			hs.StatusCount(401)-expired0, hs.TokensIssued()-issued0)
	}

	// Changes inside the next window: contacts touched and events that occur just before the
	// saved watermarks, which the lookback re-reads.
	var wm time.Time
	for _, st := range streamStates(first.Msgs) {
		if st.Stream.StreamDescriptor.Name == "contacts" {
			wm = stateCursor(t, st, "lastmodifieddate")
		}
	}
	touched := ids[100:120]
	if err := hs.TouchContacts(wm.Add(-time.Minute), touched...); err != nil {
		t.Fatal(err)
	}
	defs := hs.EventDefinitions()
	hs.AddEvents(fakehubspot.Event{EventType: defs[0].FullyQualifiedName, OccurredAt: wm.Add(-time.Minute),
		ObjectType: "contact", ObjectID: ids[5], Properties: map[string]string{}})
	expired1 := hs.StatusCount(401)
	// Read 2 makes fewer calls: expire tokens sooner, but not so soon that a token refreshed for
	// one of the concurrent event readers expires before that reader replays its request.
	step.Store(int64(22 * time.Second))
	second := read(cfg, cat, latestStates(t, first.Msgs))
	c2, ev2 := count(second)
	for _, id := range touched {
		if c2[fmt.Sprint(id)] != 1 {
			t.Errorf("read 2 delivered touched contact %d %d times", id, c2[fmt.Sprint(id)])
		}
	}
	if len(c2) >= len(ids)/2 || ev2 == 0 || ev2 >= wantEvents {
		t.Errorf("read 2: %d contacts, %d events: the saved state was not honoured", len(c2), ev2)
	}
	if hs.StatusCount(401) == expired1 {
		t.Error("read 2 met no expired token")
	}

	full := protocol.ConfiguredCatalog{Streams: []protocol.ConfiguredStream{cat.Streams[0]}}
	full.Streams[0].SyncMode = protocol.SyncModeFullRefresh
	full.Streams[0].DestinationSyncMode = protocol.DestinationSyncModeOverwrite
	if c, _ := count(read(cfg, full, nil)); len(c) != len(ids) {
		t.Errorf("full refresh: %d contacts, want %d", len(c), len(ids))
	}

	one := map[string]any{}
	for k, v := range cfg {
		one[k] = v
	}
	one["sync_target"] = map[string]any{"mode": "get_contact", "contact_id": fmt.Sprint(ids[3])}
	if c, _ := count(read(one, full, nil)); len(c) != 1 || c[fmt.Sprint(ids[3])] != 1 {
		t.Errorf("get_contact: %v", c)
	}

	if n := hs.LegacyCalls(); n != 0 {
		t.Errorf("%d calls to legacy HubSpot paths", n)
	}
	for _, r := range hs.Requests() {
		if r.Legacy || !strings.Contains(r.Path, "/2026-09") && r.Path != "/oauth/2026-03/token" {
			t.Errorf("call to %s %s (legacy %v)", r.Method, r.Path, r.Legacy)
		}
	}
	if hs.StatusCount(401) == 0 {
		t.Error("no access token expired during the runs")
	}
}
