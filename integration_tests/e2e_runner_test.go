package integrationtests

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

// runnerCatalog is the configured catalog Faros AI's airbyte-local-cli builds from a discover
// catalog (its overrideCatalog): every selected stream with json_schema {}, its
// supported_sync_modes, sync_mode incremental where supported, destination_sync_mode append, no
// cursor_field and no primary_key. Streams not in keep are the ones a user disables in its
// config.
func runnerCatalog(cat *protocol.Catalog, keep map[string]bool) map[string]any {
	streams := []map[string]any{}
	for _, s := range cat.Streams {
		if !keep[s.Name] {
			continue
		}
		streams = append(streams, map[string]any{
			"stream":                map[string]any{"name": s.Name, "json_schema": map[string]any{}, "supported_sync_modes": s.SupportedSyncModes},
			"sync_mode":             "incremental",
			"destination_sync_mode": "append",
		})
	}
	return map[string]any{"streams": streams}
}

// runnerResult is one sync run the way airbyte-local-cli runs it.
type runnerResult struct {
	sourceExit, destinationExit int
	records                     []json.RawMessage // RECORD data the source wrote
	sourceErrors                [][]byte          // TRACE lines of the source
}

// runnerSync runs source read | destination write as airbyte-local-cli does: --state always
// given (the file holds {} on a first run); only the source's RECORD and STATE lines reach the
// destination; the STATE messages the destination echoes are collected, the last per stream
// kept, and written to the state file as a JSON array of state objects, only when the
// destination exited 0.
func runnerSync(t *testing.T, e *e2e) runnerResult {
	t.Helper()
	statePath := filepath.Join(e.dir, pipeline.StateFile)
	src := runConnector(t, e.bin.Source, nil, "read", "--config", filepath.Join(e.dir, pipeline.SourceConfigFile),
		"--catalog", filepath.Join(e.dir, pipeline.CatalogFile), "--state", statePath)
	res := runnerResult{sourceExit: src.Exit}
	var toDst bytes.Buffer
	for _, m := range src.Msgs {
		switch m.Type {
		case protocol.TypeRecord:
			res.records = append(res.records, m.Record.Data)
		case protocol.TypeTrace:
			if m.Trace.Error != nil {
				line, _ := json.Marshal(m)
				res.sourceErrors = append(res.sourceErrors, line)
			}
			continue
		case protocol.TypeState:
		default:
			continue
		}
		line, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		toDst.Write(append(line, '\n'))
	}
	dst := runConnector(t, e.bin.Destination, &toDst, "write", "--config", filepath.Join(e.dir, pipeline.DestinationConfigFile),
		"--catalog", filepath.Join(e.dir, pipeline.CatalogFile))
	res.destinationExit = dst.Exit
	if res.destinationExit != 0 {
		t.Logf("destination output:\n%s\n%s", dst.Stdout, dst.Stderr)
		return res
	}
	last := map[string]json.RawMessage{}
	var order []string
	for _, m := range dst.Msgs {
		if m.Type != protocol.TypeState || m.State.Stream == nil {
			continue
		}
		name := m.State.Stream.StreamDescriptor.Name
		if _, ok := last[name]; !ok {
			order = append(order, name)
		}
		raw, err := json.Marshal(m.State)
		if err != nil {
			t.Fatal(err)
		}
		last[name] = raw
	}
	states := make([]json.RawMessage, 0, len(order))
	for _, n := range order {
		states = append(states, last[n])
	}
	b, err := json.Marshal(states)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(statePath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestE2EThirdPartyRunner syncs the way airbyte-local-cli runs our binaries: its configured
// catalog (json_schema {} for every stream, no cursor, no primary key) delivers every contact to
// Insider with its mapped attributes and identifiers, and the second run, started from the
// state file that runner writes, reads only the contacts changed since.
func TestE2EThirdPartyRunner(t *testing.T) {
	e := newE2E(t, datagen.Options{Seed: 11, Count: 300})
	writeJSON(t, e.dir, pipeline.SourceConfigFile, e.src)
	writeJSON(t, e.dir, pipeline.DestinationConfigFile, e.dest)
	run := runConnector(t, e.bin.Source, nil, "discover", "--config", filepath.Join(e.dir, pipeline.SourceConfigFile))
	cats := protocoltest.OfType(run.Msgs, protocol.TypeCatalog)
	if run.Exit != 0 || len(cats) != 1 {
		t.Fatalf("discover exit %d gave %d catalogs:\n%s", run.Exit, len(cats), run.Stdout)
	}
	// The event streams are disabled in the runner's config: this destination config maps none.
	writeJSON(t, e.dir, pipeline.CatalogFile, runnerCatalog(cats[0].Catalog, map[string]bool{"contacts": true}))
	if err := os.WriteFile(filepath.Join(e.dir, pipeline.StateFile), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}

	first := runnerSync(t, e)
	if first.sourceExit != 0 || first.destinationExit != 0 {
		t.Fatalf("first sync: source exit %d %s, destination exit %d", first.sourceExit, first.sourceErrors, first.destinationExit)
	}
	if len(first.records) != 300 {
		t.Fatalf("first sync read %d records, want 300", len(first.records))
	}
	e.checkDelivered()
	if n := e.ins.ProfileCount(); n < 285 {
		t.Fatalf("%d profiles in Insider after the first sync of 300 contacts", n)
	}
	wm1 := e.watermark()

	changedAt := wm1.Add(-time.Minute) // inside the next run's window, as in HubSpot
	ids := e.hs.ContactIDs()
	changed := map[string]bool{}
	for i := 0; i < 20; i++ {
		id := ids[i*13]
		if err := e.hs.UpdateContact(id, changedAt, map[string]string{"firstname": "Changed" + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
		changed[strconv.FormatInt(id, 10)] = true
	}
	second := runnerSync(t, e)
	if second.sourceExit != 0 || second.destinationExit != 0 {
		t.Fatalf("second sync: source exit %d %s, destination exit %d", second.sourceExit, second.sourceErrors, second.destinationExit)
	}
	got := map[string]bool{}
	for _, r := range second.records {
		var v struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(r, &v); err != nil {
			t.Fatal(err)
		}
		got[v.ID] = true
	}
	if len(second.records) != len(changed) || len(got) != len(changed) {
		t.Fatalf("second sync read %d records of %d contacts, want the %d changed ones", len(second.records), len(got), len(changed))
	}
	for id := range changed {
		if !got[id] {
			t.Errorf("changed contact %s not read by the second sync", id)
		}
	}
	e.checkDelivered()
	if wm2 := e.watermark(); !wm2.After(wm1) {
		t.Errorf("watermark did not move forward: %s then %s", wm1, wm2)
	}
}
