package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
)

// TestRunTinySize runs the whole bench with 500 contacts and checks that the table's numbers
// agree with each other, so the command cannot silently rot.
func TestRunTinySize(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the real connector binaries and runs syncs through them")
	}
	const n = 500
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	err := Run(context.Background(), Options{Sizes: []int{n}, Out: out, Seed: 2, Stdout: &stdout, Stderr: &stderr})
	if err != nil {
		t.Fatalf("Run: %v\nstderr:\n%s", err, stderr.String())
	}
	var res Results
	if err := pipeline.ReadJSONFile(filepath.Join(out, "results.json"), &res); err != nil {
		t.Fatalf("results.json: %v", err)
	}
	if len(res.Rows) != 4 {
		t.Fatalf("%d rows, want source, two destination mappings and piped", len(res.Rows))
	}
	for _, r := range res.Rows {
		if r.Contacts != n || r.Records != n {
			t.Errorf("%s: %d contacts, %d records, want %d", r.Step, r.Contacts, r.Records, n)
		}
		if r.Wall <= 0 || len(r.Procs) == 0 {
			t.Errorf("%s: wall %s, %d processes", r.Step, r.Wall, len(r.Procs))
		}
		for _, p := range r.Procs {
			if p.CPU <= 0 || p.MaxRSSKB <= 0 || p.Exit != 0 {
				t.Errorf("%s: %s usage %+v", r.Step, p.Name, p)
			}
		}
		if r.Served429 != 0 {
			t.Errorf("%s: %d 429 answers from fakes without limits", r.Step, r.Served429)
		}
		if r.Step == stepSource {
			if r.Searches <= 0 || r.Searches > maxSearches(n) || r.Upserts != 0 {
				t.Errorf("%s: %d searches, %d upserts", r.Step, r.Searches, r.Upserts)
			}
			continue
		}
		if r.Upserts <= 0 || r.UsersUpserted+r.Rejected != n {
			t.Errorf("%s: %d upserts, %d users upserted + %d rejected != %d", r.Step, r.Upserts, r.UsersUpserted, r.Rejected, n)
		}
		if strings.HasPrefix(r.Step, stepPiped) != (r.Searches > 0) {
			t.Errorf("%s: %d searches", r.Step, r.Searches)
		}
	}
	uuid := res.Rows[2]
	if uuid.Step != stepDestination+" ("+mappingUUID+")" || uuid.Rejected != 0 || uuid.Upserts != ceilDiv(n, upsertBatchSize) {
		t.Errorf("uuid mapping row %+v: want nothing rejected and ceil(N/1000) upserts", uuid)
	}
	if len(res.Checks) == 0 {
		t.Error("no target checked")
	}
	table := stdout.String()
	for _, want := range []string{"| 500 | source read | 500 |", "piped sync (email+phone)", "| target | measured | met |"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "contacts-500", messagesFile)); !os.IsNotExist(err) {
		t.Errorf("the message file was not removed: %v", err)
	}
}

func TestEvaluate(t *testing.T) {
	u := func(name string, rssMB int64) Usage {
		return Usage{Name: name, CPU: time.Second, MaxRSSKB: rssMB * 1024}
	}
	rows := []Row{
		{Contacts: 1000, Step: stepSource, Records: 1000, Wall: 10 * time.Millisecond, Procs: []Usage{u("source", 20)}, Searches: 8},
		{Contacts: 1000, Step: stepDestination + " (uuid)", Records: 1000, Wall: time.Second, Procs: []Usage{u("destination", 20)}, Upserts: 1},
		{Contacts: 100000, Step: stepSource, Records: 100000, Wall: time.Second, Procs: []Usage{u("source", 40)}, Searches: 504},
		{Contacts: 100000, Step: stepDestination + " (uuid)", Records: 100000, Wall: time.Second, Procs: []Usage{u("destination", 90)}, Upserts: 101},
	}
	met := map[string]bool{}
	for _, c := range evaluate(rows) {
		met[c.Target] = c.Met
	}
	want := map[string]bool{
		"1000 contacts, source read >= 50000 records/s":                                                    true,
		"1000 contacts, destination write (uuid) >= 50000 records/s":                                       false,
		"100000 contacts, source read: searches <= ceil(N/200)+3 = 503":                                    false,
		"100000 contacts, destination write (uuid): upserts == ceil(N/1000) = 100 (nothing rejected)":      false,
		"100000 contacts, destination write (uuid): destination peak RSS <= 64 MB":                         false,
		"source read: source peak RSS flat from 1000 to 100000 contacts (grows <= 8 MB)":                   false,
		"destination write (uuid): destination peak RSS flat from 1000 to 100000 contacts (grows <= 8 MB)": false,
	}
	for target, w := range want {
		got, ok := met[target]
		if !ok || got != w {
			t.Errorf("%q: met %v (present %v), want %v", target, got, ok, w)
		}
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"--sizes", "1_000,20000", "--out", "x"}, &bytes.Buffer{})
	if err != nil || len(o.Sizes) != 2 || o.Sizes[0] != 1000 || o.Sizes[1] != 20000 || o.Out != "x" || o.Realistic {
		t.Errorf("parseFlags = %+v, %v", o, err)
	}
	o, err = parseFlags([]string{"--quick", "--realistic"}, &bytes.Buffer{})
	if err != nil || len(o.Sizes) != 1 || o.Sizes[0] != 10000 || o.RealisticContacts != quickRealisticContacts || !o.Realistic {
		t.Errorf("--quick: %+v, %v", o, err)
	}
	for _, args := range [][]string{{"--sizes", "0"}, {"--sizes", "10,x"}, {"extra"}, {"--out", ""}, {"--realistic", "--realistic-contacts", "0"}} {
		var stderr bytes.Buffer
		if _, err := parseFlags(args, &stderr); err == nil || stderr.Len() == 0 {
			t.Errorf("%v: err %v, stderr %q", args, err, stderr.String())
		}
	}
}

func TestRate(t *testing.T) {
	t0 := time.Unix(0, 0)
	ts := []time.Time{t0.Add(2 * time.Second), t0, t0.Add(500 * time.Millisecond), t0.Add(900 * time.Millisecond), t0.Add(4 * time.Second)}
	perSec, most := rate(ts, time.Second)
	if perSec != 1 || most != 3 {
		t.Errorf("rate = %v per s, %d in 1 s; want 1 and 3", perSec, most)
	}
}

// TestMain lets the test binary act as the launcher the bench starts connectors with.
func TestMain(m *testing.M) {
	if isLauncher() {
		os.Exit(launcherMain())
	}
	os.Exit(m.Run())
}
