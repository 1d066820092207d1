package integrationtests

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
	"github.com/insider-hubspot/connectors/protocol"
)

// syncScript is the documented way to run a sync without Airbyte (docs/running-without-airbyte.md).
const syncScript = "scripts/sync.sh"

// scriptRun is what one run of scripts/sync.sh did.
type scriptRun struct {
	exit    int
	stderr  string
	summary map[string]string // the fields of the destination's "write summary" progress line
}

// runSyncScript runs scripts/sync.sh on e.dir with the built binaries.
func (e *e2e) runSyncScript() scriptRun {
	e.t.Helper()
	ctx, cancel := runContext(e.t)
	defer cancel()
	script, err := filepath.Abs(filepath.Join("..", syncScript))
	if err != nil {
		e.t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, "bash", script, e.dir)
	cmd.Env = append(os.Environ(), "SOURCE_BIN="+e.bin.Source, "DESTINATION_BIN="+e.bin.Destination)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	run := scriptRun{exit: exitStatus(e.t, syncScript, err), stderr: stderr.String()}
	if stdout.Len() > 0 {
		e.t.Errorf("%s wrote to stdout (progress belongs on stderr): %.300s", syncScript, stdout.String())
	}
	for _, line := range strings.Split(run.stderr, "\n") {
		if rest, ok := strings.CutPrefix(line, "destination: INFO write summary"); ok {
			if run.summary, err = pipeline.LogFields(rest); err != nil {
				e.t.Fatalf("write summary %q: %v", line, err)
			}
		}
	}
	return run
}

// summaryCount is a number field of the destination's write summary.
func (r scriptRun) summaryCount(t testing.TB, key string) int {
	t.Helper()
	n, err := strconv.Atoi(r.summary[key])
	if err != nil {
		t.Fatalf("write summary %s=%q (no summary on stderr?):\n%s", key, r.summary[key], r.stderr)
	}
	return n
}

// needTools skips t when a program the script needs is missing.
func needTools(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			t.Skipf("%s needs %s, which is not on PATH", syncScript, n)
		}
	}
}

// TestSyncScript runs scripts/sync.sh with the built binaries against the fakes, as a cron job
// would: the first run writes catalog.json from discover (contacts and the mapped event stream)
// and delivers every contact and event; the second, from the state.json the first saved, only
// the changes; a run whose source fails exits non-zero and leaves state.json as it was.
func TestSyncScript(t *testing.T) {
	e := newE2E(t, datagen.Options{Seed: 5, Count: 400})
	needTools(t, "bash", "jq")
	e.addRecentEvents(6, 80)
	event := e.hs.EventDefinitions()[0].FullyQualifiedName
	e.dest["event_mappings"] = []map[string]any{{"stream": "event_" + event, "event_name": "newsletter_signup"}}
	writeJSON(t, e.dir, pipeline.SourceConfigFile, e.src)
	writeJSON(t, e.dir, pipeline.DestinationConfigFile, e.dest)
	occurrences := 0
	for _, ev := range e.hs.Events() {
		if ev.EventType == event {
			occurrences++
		}
	}

	first := e.runSyncScript()
	if first.exit != 0 {
		t.Fatalf("first run exited %d:\n%s", first.exit, first.stderr)
	}
	var cat protocol.ConfiguredCatalog
	if err := pipeline.ReadJSONFile(filepath.Join(e.dir, pipeline.CatalogFile), &cat); err != nil {
		t.Fatalf("the first run wrote no catalog: %v", err)
	}
	var names []string
	for _, s := range cat.Streams {
		names = append(names, s.Stream.Name)
		if s.SyncMode != protocol.SyncModeIncremental {
			t.Errorf("catalog.json: stream %s is %s, want incremental", s.Stream.Name, s.SyncMode)
		}
	}
	if !slices.Equal(names, []string{"contacts", "event_" + event}) {
		t.Errorf("catalog.json selects %v, want contacts and the one mapped event stream", names)
	}
	e.checkDelivered()
	if got := first.summaryCount(t, "events_sent"); got != occurrences {
		t.Errorf("first run sent %d events, HubSpot holds %d occurrences of %s", got, occurrences, event)
	}
	for _, want := range []string{"logs of this run: " + filepath.Join(e.dir, "logs"), "source: INFO ", "sync: done; state.json saved: contacts lastmodifieddate="} {
		if !strings.Contains(first.stderr, want) {
			t.Errorf("first run's stderr lacks %q:\n%s", want, first.stderr)
		}
	}
	wm1 := e.watermark()

	ids := e.hs.ContactIDs()
	for i := range 30 {
		if err := e.hs.UpdateContact(ids[i*11], wm1.Add(-time.Minute), map[string]string{"firstname": "Script" + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	second := e.runSyncScript()
	if second.exit != 0 {
		t.Fatalf("second run exited %d:\n%s", second.exit, second.stderr)
	}
	if n := second.summaryCount(t, "records_read"); n < 30 || n >= first.summaryCount(t, "records_read") {
		t.Errorf("second run read %d records, want the 30 changed contacts and not a full resync", n)
	}
	e.checkDelivered()
	if logs, _ := filepath.Glob(filepath.Join(e.dir, "logs", "*", "source.jsonl")); len(logs) != 2 {
		t.Errorf("after two runs the logs folder holds %d source.jsonl files, want one per run: %v", len(logs), logs)
	}
	if wm2 := e.watermark(); !wm2.After(wm1) {
		t.Errorf("state.json did not move forward: %s then %s", wm1, wm2)
	}

	before, err := os.ReadFile(filepath.Join(e.dir, pipeline.StateFile))
	if err != nil {
		t.Fatal(err)
	}
	creds := e.src["credentials"].(map[string]any)
	creds["refresh_token"] = "revoked-refresh-token"
	writeJSON(t, e.dir, pipeline.SourceConfigFile, e.src)
	failed := e.runSyncScript()
	if failed.exit == 0 {
		t.Fatalf("a run whose source cannot authenticate exited 0:\n%s", failed.stderr)
	}
	for _, want := range []string{"source: ERROR HubSpot refused the refresh token", "FAILED: source exited"} {
		if !strings.Contains(failed.stderr, want) {
			t.Errorf("failed run's stderr lacks %q:\n%s", want, failed.stderr)
		}
	}
	if after, err := os.ReadFile(filepath.Join(e.dir, pipeline.StateFile)); err != nil || !bytes.Equal(after, before) {
		t.Errorf("a failed run changed state.json (%v):\nbefore %s\nafter  %s", err, before, after)
	}
}

// TestSyncScriptSelectsListMemberships: with audience_attribute set in the destination config,
// the catalog.json that scripts/sync.sh writes on its first run selects list_memberships, so
// the profiles get their HubSpot lists without editing the catalog by hand.
func TestSyncScriptSelectsListMemberships(t *testing.T) {
	e := newE2E(t, datagen.Options{})
	needTools(t, "bash", "jq")
	const first, last = 7001, 7006
	listContacts(e.hs, first, last, nil)
	_, err := e.hs.CreateList(fakehubspot.ListSpec{Name: "Webinar", Members: []int64{7001, 7002, 7003}})
	mustDo(t, err)
	e.dest["audience_attribute"] = "hubspot_lists"
	writeJSON(t, e.dir, pipeline.SourceConfigFile, e.src)
	writeJSON(t, e.dir, pipeline.DestinationConfigFile, e.dest)

	run := e.runSyncScript()
	if run.exit != 0 {
		t.Fatalf("the run exited %d:\n%s", run.exit, run.stderr)
	}
	var cat protocol.ConfiguredCatalog
	if err := pipeline.ReadJSONFile(filepath.Join(e.dir, pipeline.CatalogFile), &cat); err != nil {
		t.Fatalf("the run wrote no catalog: %v", err)
	}
	var names []string
	for _, s := range cat.Streams {
		names = append(names, s.Stream.Name)
	}
	if !slices.Equal(names, []string{"contacts", "list_memberships"}) {
		t.Errorf("catalog.json selects %v, want contacts and list_memberships", names)
	}
	var ids []int64
	for id := int64(first); id <= last; id++ {
		ids = append(ids, id)
	}
	e.checkAudiences(ids)
}

// TestSyncScriptDestinationFails: a run whose destination fails (Insider refuses its key at the
// first batch) exits with the destination's status, not with the SIGPIPE status (141) of the
// source that the closed pipe cut off, names both in its FAILED line and saves no state.json.
func TestSyncScriptDestinationFails(t *testing.T) {
	// More records than the pipes between the connectors hold, so the source is still writing
	// when the destination stops.
	e := newE2E(t, datagen.Options{Seed: 7, Count: 2000})
	needTools(t, "bash", "jq")
	e.dest["api_key"] = "revoked-api-key"
	e.dest["batch_size"] = 50
	writeJSON(t, e.dir, pipeline.SourceConfigFile, e.src)
	writeJSON(t, e.dir, pipeline.DestinationConfigFile, e.dest)

	failed := e.runSyncScript()
	if failed.exit != 1 {
		t.Errorf("a run whose destination fails exited %d, want the destination's 1:\n%s", failed.exit, failed.stderr)
	}
	for _, want := range []string{"destination: ERROR Insider rejected the API key", "destination exited 1; state.json is unchanged"} {
		if !strings.Contains(failed.stderr, want) {
			t.Errorf("failed run's stderr lacks %q:\n%s", want, failed.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(e.dir, pipeline.StateFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a failed first run left a state.json (%v)", err)
	}
}

// TestSyncScriptRefusesLogRunsKeptBelowOne: LOG_RUNS_KEPT=0 would make the log pruning delete
// every run's logs, this one's too; the script refuses it before running anything.
func TestSyncScriptRefusesLogRunsKeptBelowOne(t *testing.T) {
	needTools(t, "bash", "jq")
	dir := t.TempDir()
	for _, f := range []string{pipeline.SourceConfigFile, pipeline.DestinationConfigFile} {
		writeJSON(t, dir, f, map[string]any{})
	}
	old := filepath.Join(dir, "logs", "20260101T000000Z.kept")
	if err := os.MkdirAll(old, 0o700); err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs(filepath.Join("..", syncScript))
	if err != nil {
		t.Fatal(err)
	}
	for _, keep := range []string{"0", "-1", "x"} {
		cmd := exec.Command("bash", script, dir)
		cmd.Env = append(os.Environ(), "LOG_RUNS_KEPT="+keep, "SOURCE_BIN=/bin/false", "DESTINATION_BIN=/bin/false")
		out, err := cmd.CombinedOutput()
		if code := exitStatus(t, syncScript, err); code != 2 || !strings.Contains(string(out), "LOG_RUNS_KEPT="+keep) {
			t.Errorf("LOG_RUNS_KEPT=%s: exit %d, output %q; want exit 2 naming it", keep, code, out)
		}
	}
	if _, err := os.Stat(old); err != nil {
		t.Errorf("an earlier run's logs are gone: %v", err)
	}
}
