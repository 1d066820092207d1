package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	var upserted, sent, rejected, dropped, joined int64
	for _, r := range rep.Runs {
		rej := r.RejectedRecords()
		// Every stream is mapped, so every record read becomes a user upserted, an event sent, a
		// list membership delivered or a rejection.
		if r.ContactsUpserted()+r.EventsSent+r.ListsDelivered+rej != r.ContactsRead+r.EventsRead+r.ListsRead {
			t.Errorf("%s: %d users upserted + %d events sent + %d list memberships delivered + %d rejected != %d records read",
				r.Name, r.ContactsUpserted(), r.EventsSent, r.ListsDelivered, rej, r.ContactsRead+r.EventsRead+r.ListsRead)
		}
		if r.ContactsUpserted() > r.ContactsRead || r.EventsSent > r.EventsRead {
			t.Errorf("%s: %d users upserted of %d contacts read, %d events sent of %d read",
				r.Name, r.ContactsUpserted(), r.ContactsRead, r.EventsSent, r.EventsRead)
		}
		if r.StatesEchoed == 0 {
			t.Errorf("%s: no state echoed", r.Name)
		}
		// The watermark is the source's window end: its clock at the start minus HubSpot's
		// index lag (two minutes), and the summary says so.
		if lag := r.WatermarkLag(); lag < 2*time.Minute || lag >= 3*time.Minute {
			t.Errorf("%s: watermark %s is %s behind the source's start (%s), want the 2-minute index lag",
				r.Name, r.Watermark, lag, r.SourceClock)
		}
		upserted, sent, rejected, dropped = upserted+r.RecordsAccepted, sent+r.EventsSent, rejected+rej, dropped+r.DroppedIDs
		joined += r.ListsDelivered
	}
	if rejected+dropped == 0 {
		t.Error("no identifier dropped and no record rejected, though the data holds invalid emails and phones")
	}
	// The second sync sees the lists' joins, exits and a rename.
	if first.ListNamesAdded == 0 || second.ListsRead == 0 || second.ListNamesAdded == 0 || second.ListNamesRemoved == 0 {
		t.Errorf("list names added %d and %d, removed %d in sync 2 (%d memberships read): the demo shows no lists",
			first.ListNamesAdded, second.ListNamesAdded, second.ListNamesRemoved, second.ListsRead)
	}

	var profiles []fakeinsider.Profile
	if err := pipeline.ReadJSONFile(filepath.Join(out, profilesFile), &profiles); err != nil {
		t.Fatalf("profiles.json: %v", err)
	}
	var merged, events int64
	renamed := 0
	for _, p := range profiles {
		merged += int64(p.Upserts)
		events += int64(len(p.Events))
		for _, name := range p.CustomStrings("hubspot_lists") {
			switch name {
			case webinarList:
				t.Errorf("a profile still holds the webinar list's old name: %v", p.CustomStrings("hubspot_lists"))
			case renamedWebinar:
				renamed++
			}
		}
	}
	if renamed == 0 {
		t.Errorf("no profile holds the webinar list's new name %q", renamedWebinar)
	}
	// A contact's events in one request share a user object, as do its list joins, so Insider
	// merges at most as many user objects as records were accepted.
	if len(profiles) != rep.Profiles || merged > upserted+joined || merged == 0 || events != sent {
		t.Errorf("profiles.json: %d profiles, %d upserts, %d events; summary: %d profiles, %d users upserted, %d events sent",
			len(profiles), merged, events, rep.Profiles, upserted, sent)
	}
	wm, err := pipeline.ContactsWatermark(filepath.Join(out, pipeline.StateFile))
	if err != nil || wm != second.Watermark || second.Watermark <= first.Watermark {
		t.Errorf("state.json watermark %q (%v); summary watermarks %q then %q", wm, err, first.Watermark, second.Watermark)
	}
	for _, name := range []string{pipeline.SourceConfigFile, pipeline.DestinationConfigFile, pipeline.CatalogFile, binDir,
		filepath.Join(logsDir, stderrFile)} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("output folder lacks %s: %v", name, err)
		}
	}
	checkMessageLogs(t, out, 2)
	text := stdout.String()
	for _, want := range []string{out, "read --config source_config.json --catalog catalog.json --state state.json",
		"write --config destination_config.json", "--serve", "The connectors' logs are in " + filepath.Join(out, logsDir),
		summaryLine("users upserted into Insider", second.ContactsUpserted()), summaryLine("events sent to Insider", second.EventsSent),
		"before the sync started: HubSpot's search index lags behind", "scripts/sync.sh " + out} {
		if !contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "that would be") {
		t.Errorf("the summary of real syncs speaks of what would be sent:\n%s", text)
	}
	if !strings.Contains(stderr.String(), "Sync 2: ") {
		t.Errorf("no progress line for sync 2 on stderr:\n%s", stderr.String())
	}
}

// summaryLine is a summary line's label and count, and what follows the count: a space or the
// end of the line, so that 9 is not found in 90.
func summaryLine(label string, n int64) string {
	return fmt.Sprintf("  %-34s %d\x00", label+":", n)
}

// contains reports whether text holds want, where a trailing NUL of want (see summaryLine)
// matches a space or a newline.
func contains(text, want string) bool {
	if w, ok := strings.CutSuffix(want, "\x00"); ok {
		return strings.Contains(text, w+" ") || strings.Contains(text, w+"\n")
	}
	return strings.Contains(text, want)
}

// checkMessageLogs checks the logs folder holds, for each of n syncs, each connector's
// messages: some, and none a record.
func checkMessageLogs(t *testing.T, out string, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		for _, who := range []string{"source", "destination"} {
			path := filepath.Join(out, logsDir, fmt.Sprintf("sync-%d-%s.jsonl", i, who))
			b, err := os.ReadFile(path)
			if err != nil || !bytes.Contains(b, []byte(`"type":"LOG"`)) || bytes.Contains(b, []byte(`"type":"RECORD"`)) {
				t.Errorf("%s: want the connector's LOG messages and no record (%v):\n%.300s", path, err, b)
			}
		}
	}
}

// TestRunDryRun: with --dry-run the demo runs one sync whose summary says what would be sent,
// sends nothing to the fake Insider and saves no state.
func TestRunDryRun(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the real connector binaries and runs a sync through them")
	}
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	o := Options{Out: out, Contacts: 200, Events: 60, Seed: 4, DryRun: true, Stdout: &stdout, Stderr: &stderr}
	rep, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("Run: %v\nstderr:\n%s", err, stderr.String())
	}
	if len(rep.Runs) != 1 || !rep.Runs[0].DryRun || rep.Profiles != 0 {
		t.Fatalf("dry run: %d runs (dry run %v), %d profiles in the fake Insider; want one dry run and none",
			len(rep.Runs), len(rep.Runs) == 1 && rep.Runs[0].DryRun, rep.Profiles)
	}
	r := rep.Runs[0]
	if r.ContactsRead != 200 || r.ContactsUpserted() == 0 || r.EventsSent == 0 {
		t.Errorf("dry run read %d contacts, would upsert %d users and send %d events", r.ContactsRead, r.ContactsUpserted(), r.EventsSent)
	}
	if _, err := os.Stat(filepath.Join(out, pipeline.StateFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a dry run left %s (%v)", pipeline.StateFile, err)
	}
	checkMessageLogs(t, out, 1)
	text := stdout.String()
	for _, want := range []string{summaryLine("users that would be upserted", r.ContactsUpserted()),
		summaryLine("events that would be sent", r.EventsSent), "state saved:                       none: a dry run",
		"The fake Insider received nothing"} {
		if !contains(text, want) {
			t.Errorf("dry-run summary lacks %q:\n%s", want, text)
		}
	}
	for _, wrong := range []string{"upserted into Insider", "sent to Insider:", "--state state.json"} {
		if strings.Contains(text, wrong) {
			t.Errorf("dry-run summary says %q, as if something was sent or saved:\n%s", wrong, text)
		}
	}
}

// TestPrintRun: the summary of a sync names users upserted and events sent on lines of their
// own (an event record is not a user), and says why the watermark is behind the sync's start.
func TestPrintRun(t *testing.T) {
	wm := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	r := RunReport{Name: "Sync 1: initial", ContactsRead: 12, EventsRead: 5, RecordsAccepted: 13, EventsSent: 4,
		ListsRead: 6, ListsDelivered: 6, ListNamesAdded: 5, ListNamesRemoved: 1,
		Rejected: map[string]int64{"invalid_identifier": 3, "no_identifier": 1}, Watermark: wm.Format(time.RFC3339Nano),
		SourceClock: wm.Add(2*time.Minute + 30*time.Millisecond), Duration: time.Second}
	var b bytes.Buffer
	printRun(&b, r)
	for _, want := range []string{summaryLine("users upserted into Insider", 9), summaryLine("events sent to Insider", 4),
		summaryLine("list memberships read", 6), summaryLine("list names added to profiles", 5),
		summaryLine("list names removed from profiles", 1),
		summaryLine("records rejected", 4), "contacts modified up to 2026-12-07T10:00:00Z",
		"(2 minutes before the sync started: HubSpot's search index lags behind"} {
		if !contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
	r.DryRun = true
	b.Reset()
	printRun(&b, r)
	for _, want := range []string{summaryLine("users that would be upserted", 9), summaryLine("events that would be sent", 4),
		summaryLine("records that would be rejected", 4), "none: a dry run sends nothing"} {
		if !contains(b.String(), want) {
			t.Errorf("dry-run summary lacks %q:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), "upserted into Insider") {
		t.Errorf("dry-run summary says users were upserted:\n%s", b.String())
	}
	for d, want := range map[time.Duration]string{2 * time.Minute: "2 minutes", time.Minute + 400*time.Millisecond: "1 minute",
		90 * time.Second: "1m30s"} {
		if got := aboutDuration(d); got != want {
			t.Errorf("aboutDuration(%s) = %q, want %q", d, got, want)
		}
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
	msg := `write summary audience_names_added=9 audience_names_removed=2 dropped_identifiers=7 dry_run=false duration=1.2s ` +
		`events_sent=12 ignored=0 list_memberships_delivered=8 records_read=48 rejected=5 ` +
		`rejected_by_reason="invalid_identifier=3, no_identifier=2" users_upserted=35`
	var r RunReport
	if err := parseWriteSummary(msg, &r); err != nil {
		t.Fatal(err)
	}
	want := RunReport{RecordsAccepted: 35, EventsSent: 12, DroppedIDs: 7, ListsDelivered: 8, ListNamesAdded: 9, ListNamesRemoved: 2,
		Rejected: map[string]int64{"invalid_identifier": 3, "no_identifier": 2}}
	if d := cmp.Diff(want, r); d != "" {
		t.Errorf("(-want +got)\n%s", d)
	}
	dry := `dry run summary: nothing was sent to Insider and no state was saved audience_names_added=0 ` +
		`audience_names_removed=0 dropped_identifiers=0 dry_run=true events_sent=2 list_memberships_delivered=0 ` +
		`rejected_by_reason="" users_upserted=5`
	r = RunReport{}
	if err := parseWriteSummary(dry, &r); err != nil {
		t.Fatal(err)
	}
	if want := (RunReport{DryRun: true, RecordsAccepted: 5, EventsSent: 2, Rejected: map[string]int64{}}); !cmp.Equal(want, r) {
		t.Errorf("dry run summary: (-want +got)\n%s", cmp.Diff(want, r))
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
