package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
)

// Files the demo leaves in Options.Out besides the pipeline's configs, catalog and state, and
// the logs folder (logs.go).
const (
	profilesFile = "profiles.json"
	binDir       = "bin"
)

// Run builds the connectors, starts the fakes, runs an initial and an incremental sync, and
// prints what happened. It returns an error when a sync fails or a file cannot be written.
func Run(ctx context.Context, o Options) (*Report, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	out, err := pipeline.OutputDir(o.Out)
	if err != nil {
		return nil, err
	}
	// A previous demo's state and logs belong to other fakes: start clean.
	for _, name := range []string{pipeline.StateFile, profilesFile, logsDir} {
		if err := os.RemoveAll(filepath.Join(out, name)); err != nil {
			return nil, err
		}
	}
	logs := filepath.Join(out, logsDir)
	if err := os.Mkdir(logs, 0o755); err != nil {
		return nil, err
	}
	bins, err := pipeline.Connectors(ctx, o.Binaries, filepath.Join(out, binDir), o.Stderr)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Stderr, "starting fake HubSpot (%d contacts, %d events) and fake Insider One on 127.0.0.1\n", o.Contacts, o.Events)
	f, err := startFakes(o, time.Now().UTC())
	if err != nil {
		return nil, err
	}
	defer f.close()
	streams, err := writeConfigs(ctx, bins, out, f, o.DryRun)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Stderr, "discovered %d streams: %s\n", len(streams), strings.Join(streams, ", "))
	fmt.Fprintf(o.Stderr, "the connectors' messages and stderr go to %s\n", logs)
	stderr, err := os.Create(filepath.Join(logs, stderrFile))
	if err != nil {
		return nil, err
	}
	defer stderr.Close()
	s := &syncer{o: o, bins: bins, dir: out, logs: logs, stderr: stderr}

	rep := &Report{Out: out, DryRun: o.DryRun}
	if o.DryRun {
		// A dry run saves no state, so a second sync would read everything again: one is enough.
		dry, err := s.run(ctx, "Dry run: what a first sync would send (nothing is sent, no state is saved)")
		if err != nil {
			return nil, err
		}
		rep.Runs = append(rep.Runs, *dry)
		return rep, s.finish(ctx, f, rep)
	}
	first, err := s.run(ctx, "Sync 1: initial (every contact and event)")
	if err != nil {
		return nil, err
	}
	rep.Runs = append(rep.Runs, *first)

	at := time.Now().UTC().Add(-3 * time.Minute)
	if wm, err := time.Parse(time.RFC3339Nano, first.Watermark); err == nil {
		at = wm.Add(-time.Minute)
	}
	updated, err := f.changeHubSpot(o, at)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Stderr, "changed %d contacts, added %d events and changed the lists (joins, exits, a rename) in the fake HubSpot\n", updated, o.NewEvents)
	second, err := s.run(ctx, fmt.Sprintf("Sync 2: incremental (after %d contact changes and %d new events)", updated, o.NewEvents))
	if err != nil {
		return nil, err
	}
	rep.Runs = append(rep.Runs, *second)
	return rep, s.finish(ctx, f, rep)
}

// syncer runs the syncs of one demo.
type syncer struct {
	o      Options
	bins   pipeline.Binaries
	dir    string
	logs   string    // the folder of the connectors' message logs
	stderr io.Writer // both connectors' stderr
	n      int       // syncs run so far
}

// run runs one sync with a progress line and returns its report.
func (s *syncer) run(ctx context.Context, name string) (*RunReport, error) {
	label, _, _ := strings.Cut(name, ":")
	s.n++
	logs, err := openSyncLogs(s.logs, s.n)
	if err != nil {
		return nil, err
	}
	p := startProgress(label, s.o.Stderr, s.o.Terminal)
	fmt.Fprintf(s.stderr, "=== %s\n", name)
	sync := &pipeline.Sync{Bin: s.bins, Dir: s.dir, Stderr: s.stderr,
		SourceLine:      func(line []byte) { p.sourceLine(line); logs.source.write(line) },
		DestinationLine: func(line []byte) { p.destinationLine(line); logs.destination.write(line) }}
	start := time.Now()
	res, err := sync.Run(ctx)
	p.finish()
	if cerr := logs.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("%s could not run: %w", label, err)
	}
	if res.SourceExit != 0 || res.DestinationExit != 0 {
		return nil, fmt.Errorf("%s failed: source exit %d %s, destination exit %d %s (the connectors' logs are in %s)",
			label, res.SourceExit, errorList(res.SourceErrors), res.DestinationExit, errorList(res.DestinationErrors), s.logs)
	}
	r := &RunReport{Name: name, ContactsRead: p.contacts.Load(), EventsRead: p.events.Load(), ListsRead: p.lists.Load(),
		StatesEchoed: res.StatesEchoed, Duration: time.Since(start)}
	if ms := p.sourceClock.Load(); ms > 0 {
		r.SourceClock = time.UnixMilli(ms).UTC()
	}
	summary := ""
	for _, m := range res.DestinationLogs {
		if isSummary(m) {
			summary = m
		}
	}
	if summary == "" {
		return nil, fmt.Errorf("%s: the destination wrote no %q log message", label, summaryPrefix)
	}
	if err := parseWriteSummary(summary, r); err != nil {
		return nil, err
	}
	if r.DryRun {
		return r, nil
	}
	if r.Watermark, err = pipeline.ContactsWatermark(filepath.Join(s.dir, pipeline.StateFile)); err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	return r, nil
}

// finish writes the fake Insider's profiles, prints the summary and, with --serve, keeps the
// fakes up until ctx ends.
func (s *syncer) finish(ctx context.Context, f *fakes, rep *Report) error {
	if err := dumpProfiles(f, s.dir); err != nil {
		return err
	}
	rep.Profiles = f.insider.ProfileCount()
	for _, r := range rep.Runs {
		printRun(s.o.Stdout, r)
	}
	printWhere(s.o, s.bins, s.dir, rep)
	if s.o.Serve {
		fmt.Fprintf(s.o.Stdout, "\nThe fakes keep running (HubSpot %s, Insider %s). Press Ctrl-C to stop;\n%s is written again then.\n",
			f.hubspot.URL, f.insider.URL, profilesFile)
		<-ctx.Done()
		return dumpProfiles(f, s.dir)
	}
	return nil
}

func errorList(errs []string) string {
	if len(errs) == 0 {
		return "(no error message)"
	}
	return fmt.Sprintf("%q", errs)
}

// dumpProfiles writes the fake Insider's profiles to out/profiles.json.
func dumpProfiles(f *fakes, out string) error {
	path := filepath.Join(out, profilesFile)
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := f.insider.DumpJSON(file); err != nil {
		file.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return file.Close()
}

// printWhere says where the files are and how to rerun the connectors by hand.
func printWhere(o Options, bins pipeline.Binaries, out string, rep *Report) {
	w := o.Stdout
	if rep.DryRun {
		fmt.Fprintf(w, "\nThe fake Insider received nothing (a dry run): it holds %d profiles.\n", rep.Profiles)
	} else {
		fmt.Fprintf(w, "\nThe fake Insider now holds %d profiles.\n", rep.Profiles)
	}
	logs := filepath.Join(out, logsDir)
	fmt.Fprintf(w, "The connectors' logs are in %s:\n", logs)
	for i := range rep.Runs {
		fmt.Fprintf(w, "  sync-%d-source.jsonl, sync-%d-destination.jsonl  what each connector said in sync %d\n", i+1, i+1, i+1)
		fmt.Fprintf(w, "  %-46s (LOG, TRACE and STATE messages; the records are left out)\n", "")
	}
	fmt.Fprintf(w, "  %-46s what both connectors wrote to stderr\n", stderrFile)
	fmt.Fprintf(w, "\nEverything else is in %s:\n", out)
	fmt.Fprintf(w, "  %-24s the source config (fake HubSpot URL and token)\n", pipeline.SourceConfigFile)
	fmt.Fprintf(w, "  %-24s the destination config (mappings, fake Insider URL and key)\n", pipeline.DestinationConfigFile)
	fmt.Fprintf(w, "  %-24s the configured catalog, from the source's discover\n", pipeline.CatalogFile)
	state := ""
	if !rep.DryRun {
		state = " --state " + pipeline.StateFile
		fmt.Fprintf(w, "  %-24s the state saved after the last sync (the next run starts there)\n", pipeline.StateFile)
	}
	fmt.Fprintf(w, "  %-24s the profiles the fake Insider received\n", profilesFile)
	fmt.Fprintf(w, "\nTo rerun the connectors by hand:\n")
	if !o.Serve {
		fmt.Fprintf(w, "(the fake APIs stop when the demo exits: run the demo with --serve to keep them up)\n")
	}
	fmt.Fprintf(w, "  cd %s\n", out)
	fmt.Fprintf(w, "  %s check --config %s\n", bins.Source, pipeline.SourceConfigFile)
	fmt.Fprintf(w, "  %s read --config %s --catalog %s%s \\\n    | %s write --config %s --catalog %s\n",
		bins.Source, pipeline.SourceConfigFile, pipeline.CatalogFile, state,
		bins.Destination, pipeline.DestinationConfigFile, pipeline.CatalogFile)
	if rep.DryRun {
		fmt.Fprintf(w, "(dry_run is on in %s: the destination sends nothing and echoes no state;\n"+
			"set it to false for a real sync). Or, from the repository root, a whole sync as a cron job\n"+
			"would run it (docs/running-without-airbyte.md):\n", pipeline.DestinationConfigFile)
	} else {
		fmt.Fprintf(w, "(the destination prints the states it echoes; Airbyte would save the last one of each stream\n"+
			"as the next --state, as the demo did in %s). Or, from the repository root, a whole sync that\n"+
			"saves the state as a cron job would (docs/running-without-airbyte.md):\n", pipeline.StateFile)
	}
	fmt.Fprintf(w, "  SOURCE_BIN=%s DESTINATION_BIN=%s scripts/sync.sh %s\n", bins.Source, bins.Destination, out)
}
