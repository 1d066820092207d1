package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
)

// Results is everything one bench run measured; it is also written to Out/results.json.
type Results struct {
	Machine   Machine             `json:"machine"`
	Rows      []Row               `json:"rows,omitempty"`
	Checks    []Check             `json:"checks,omitempty"`
	Realistic []*RealisticResults `json:"realistic,omitempty"`
}

// Machine describes where the bench ran: a loaded machine gives lower throughput, and a
// reader must know.
type Machine struct {
	CPUs       int       `json:"cpus"`
	GoVersion  string    `json:"go_version"`
	LoadBefore string    `json:"load_before"` // 1, 5 and 15 min load averages when the bench started
	LoadAfter  string    `json:"load_after"`  // and when it ended
	Started    time.Time `json:"started"`
	Ended      time.Time `json:"ended"`
}

// Run builds the connectors, measures every size (or the realistic sync), prints the tables
// and writes results.json and table.md into o.Out.
func Run(ctx context.Context, o Options) error {
	if err := o.validate(); err != nil {
		return err
	}
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	out, err := pipeline.OutputDir(o.Out)
	if err != nil {
		return err
	}
	bins, err := pipeline.Connectors(ctx, o.Binaries, filepath.Join(out, "bin"), o.Stderr)
	if err != nil {
		return err
	}
	res := &Results{Machine: Machine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), LoadBefore: loadAverage(), Started: time.Now()}}
	if o.Realistic {
		tiers := o.Tiers
		if len(tiers) == 0 {
			tiers = []string{"starter"}
		}
		for _, t := range tiers {
			r, err := runRealistic(ctx, o, bins, out, t)
			if err != nil {
				return fmt.Errorf("realistic sync, tier %s: %w", t, err)
			}
			res.Realistic = append(res.Realistic, r)
		}
	} else {
		for _, n := range o.Sizes {
			rows, err := measureSize(ctx, o, bins, out, n)
			if err != nil {
				return fmt.Errorf("%d contacts: %w", n, err)
			}
			res.Rows = append(res.Rows, rows...)
		}
		res.Checks = evaluate(res.Rows)
	}
	res.Machine.LoadAfter, res.Machine.Ended = loadAverage(), time.Now()
	var text strings.Builder
	printResults(&text, res)
	fmt.Fprint(o.Stdout, text.String())
	if err := os.WriteFile(filepath.Join(out, "table.md"), []byte(text.String()), 0o644); err != nil {
		return err
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "results.json"), append(b, '\n'), 0o644)
}

// measureSize runs the four steps of one size against fresh fakes holding n contacts.
func measureSize(ctx context.Context, o Options, bins pipeline.Binaries, out string, n int) ([]Row, error) {
	dir := filepath.Join(out, fmt.Sprintf("contacts-%d", n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Stderr, "%d contacts: generating them into the fake HubSpot\n", n)
	f := startFakes(n, o.Seed, false, fakehubspot.TierLimit{})
	defer f.close()
	if err := writeConfigs(ctx, bins.Source, dir, f, liftedBudgets); err != nil {
		return nil, err
	}
	logs, err := os.Create(filepath.Join(dir, connectorStderrFile))
	if err != nil {
		return nil, err
	}
	defer logs.Close()
	s := &sizeRun{bins: bins, dir: dir, f: f, n: n, logs: logs}
	if !o.KeepMessages {
		defer os.Remove(s.path(messagesFile))
	}
	steps := []struct {
		name string
		run  func() (Row, error)
	}{
		{stepSource, func() (Row, error) { return s.source(ctx) }},
		{stepDestination + " (" + mappingMixed + ")", func() (Row, error) { return s.destination(ctx, mappingMixed) }},
		{stepDestination + " (" + mappingUUID + ")", func() (Row, error) { return s.destination(ctx, mappingUUID) }},
		{stepPiped + " (" + mappingMixed + ")", func() (Row, error) { return s.piped(ctx, mappingMixed) }},
	}
	var rows []Row
	for _, st := range steps {
		fmt.Fprintf(o.Stderr, "%d contacts: %s ... ", n, st.name)
		r, err := st.run()
		if err != nil {
			fmt.Fprintln(o.Stderr, "failed")
			return rows, fmt.Errorf("%s: %w (connector stderr in %s)", st.name, err, s.path(connectorStderrFile))
		}
		fmt.Fprintf(o.Stderr, "%d records in %s (%.0f/s)\n", r.Records, r.Wall.Round(time.Millisecond), r.RecordsPerSecond())
		rows = append(rows, r)
	}
	return rows, nil
}

// loadAverage is the first three fields of /proc/loadavg ("" where there is none).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
