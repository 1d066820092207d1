package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
)

// TestRunEndToEnd runs the demo with the real connectors into a temporary folder and checks the
// summary against what the fake Insider holds (profiles.json) and the saved state.
func TestRunEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the real connector binaries and runs syncs through them")
	}
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	o := Options{Out: out, Contacts: 400, Events: 200, Updates: 40, NewEvents: 20, Seed: 3, RateLimits: false,
		Stdout: &stdout, Stderr: &stderr}
	rep, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("Run: %v\nstderr:\n%s", err, stderr.String())
	}
	if len(rep.Runs) != 2 {
		t.Fatalf("%d runs, want 2", len(rep.Runs))
	}
	first, second := rep.Runs[0], rep.Runs[1]
	if first.ContactsRead != int64(o.Contacts) || first.EventsRead != int64(o.Events) {
		t.Errorf("sync 1 read %d contacts and %d events, want %d and %d", first.ContactsRead, first.EventsRead, o.Contacts, o.Events)
	}
	if second.ContactsRead < int64(o.Updates) || second.EventsRead < int64(o.NewEvents) {
		t.Errorf("sync 2 read %d contacts and %d events, want at least the %d changed and %d new",
			second.ContactsRead, second.EventsRead, o.Updates, o.NewEvents)
	}
	if second.ContactsRead >= first.ContactsRead {
		t.Errorf("sync 2 read %d contacts, not incremental", second.ContactsRead)
	}
	var upserted, sent, rejected, dropped int64
	for _, r := range rep.Runs {
		var rej int64
		for _, n := range r.Rejected {
			rej += n
		}
		// Every stream is mapped, so every record read becomes one user or one rejection.
		if r.UsersUpserted+rej != r.ContactsRead+r.EventsRead {
			t.Errorf("%s: %d upserted + %d rejected != %d records read", r.Name, r.UsersUpserted, rej, r.ContactsRead+r.EventsRead)
		}
		if r.StatesEchoed == 0 {
			t.Errorf("%s: no state echoed", r.Name)
		}
		upserted, sent, rejected, dropped = upserted+r.UsersUpserted, sent+r.EventsSent, rejected+rej, dropped+r.DroppedIDs
	}
	if rejected+dropped == 0 {
		t.Error("no identifier dropped and no record rejected, though the data holds invalid emails and phones")
	}

	var profiles []fakeinsider.Profile
	if err := pipeline.ReadJSONFile(filepath.Join(out, profilesFile), &profiles); err != nil {
		t.Fatalf("profiles.json: %v", err)
	}
	var merged, events int64
	for _, p := range profiles {
		merged += int64(p.Upserts)
		events += int64(len(p.Events))
	}
	// A contact's events in one request share a user object, so Insider merges at most as
	// many user objects as records were accepted.
	if len(profiles) != rep.Profiles || merged > upserted || merged == 0 || events != sent {
		t.Errorf("profiles.json: %d profiles, %d upserts, %d events; summary: %d profiles, %d users upserted, %d events sent",
			len(profiles), merged, events, rep.Profiles, upserted, sent)
	}
	wm, err := pipeline.ContactsWatermark(filepath.Join(out, pipeline.StateFile))
	if err != nil || wm != second.Watermark || second.Watermark <= first.Watermark {
		t.Errorf("state.json watermark %q (%v); summary watermarks %q then %q", wm, err, first.Watermark, second.Watermark)
	}
	for _, name := range []string{pipeline.SourceConfigFile, pipeline.DestinationConfigFile, pipeline.CatalogFile, stderrFile, binDir} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("output folder lacks %s: %v", name, err)
		}
	}
	text := stdout.String()
	for _, want := range []string{out, "read --config source_config.json --catalog catalog.json --state state.json",
		"write --config destination_config.json", "--serve", "users upserted into Insider:"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(stderr.String(), "Sync 2: ") {
		t.Errorf("no progress line for sync 2 on stderr:\n%s", stderr.String())
	}
}

// TestRunReportsFailedSync: a connector that fails makes Run return an error naming the step.
func TestRunReportsFailedSync(t *testing.T) {
	bins := t.TempDir()
	script := "#!/bin/sh\necho '{\"type\":\"TRACE\",\"trace\":{\"type\":\"ERROR\",\"emitted_at\":1,\"error\":{\"message\":\"HubSpot said no\"}}}'\nexit 1\n"
	for _, name := range []string{"source-hubspot", "destination-insider"} {
		if err := os.WriteFile(filepath.Join(bins, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Run(context.Background(), Options{Out: t.TempDir(), Contacts: 10, Binaries: bins})
	if err == nil || !strings.Contains(err.Error(), "discover") || !strings.Contains(err.Error(), "HubSpot said no") {
		t.Fatalf("err = %v, want the failed discover and its message", err)
	}
}

func TestParseWriteSummary(t *testing.T) {
	msg := `write summary dropped_identifiers=7 dry_run=false duration=1.2s events_sent=12 ignored=0 ` +
		`records_read=40 rejected=5 rejected_by_reason="invalid_identifier=3, no_identifier=2" users_upserted=35`
	var r RunReport
	if err := parseWriteSummary(msg, &r); err != nil {
		t.Fatal(err)
	}
	want := RunReport{UsersUpserted: 35, EventsSent: 12, DroppedIDs: 7, Rejected: map[string]int64{"invalid_identifier": 3, "no_identifier": 2}}
	if d := cmp.Diff(want, r); d != "" {
		t.Errorf("(-want +got)\n%s", d)
	}
	for _, bad := range []string{"other message", `write summary users_upserted=x events_sent=1 dropped_identifiers=0`,
		`write summary users_upserted=1 events_sent=1 dropped_identifiers=0 rejected_by_reason="open`} {
		if err := parseWriteSummary(bad, &RunReport{}); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"--out", "x", "--contacts", "10", "--updates", "5", "--serve"}, &bytes.Buffer{})
	if err != nil || o.Out != "x" || o.Contacts != 10 || o.Updates != 5 || !o.Serve || o.Events != 1500 {
		t.Errorf("parseFlags = %+v, %v", o, err)
	}
	for _, args := range [][]string{{"--contacts", "0"}, {"--updates", "4000"}, {"extra"}, {"--out", ""}, {"--nope"}} {
		var stderr bytes.Buffer
		if _, err := parseFlags(args, &stderr); err == nil || stderr.Len() == 0 {
			t.Errorf("%v: err %v, stderr %q", args, err, stderr.String())
		}
	}
}
