package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
)

// Files the demo leaves in Options.Out besides the pipeline's configs, catalog and state.
const (
	profilesFile = "profiles.json"
	stderrFile   = "connectors-stderr.log"
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
	// A previous demo's state belongs to other fakes: start clean.
	for _, name := range []string{pipeline.StateFile, profilesFile, stderrFile} {
		if err := os.Remove(filepath.Join(out, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	bins, err := pipeline.Connectors(ctx, o.Binaries, filepath.Join(out, binDir), o.Stderr)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Stderr, "starting fake HubSpot (%d contacts, %d events) and fake Insider One on 127.0.0.1\n", o.Contacts, o.Events)
	f := startFakes(o, time.Now().UTC())
	defer f.close()
	streams, err := writeConfigs(ctx, bins, out, f)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Stderr, "discovered %d streams: %s\n", len(streams), strings.Join(streams, ", "))
	logs, err := os.Create(filepath.Join(out, stderrFile))
	if err != nil {
		return nil, err
	}
	defer logs.Close()
	s := &syncer{o: o, bins: bins, dir: out, logs: logs}

	rep := &Report{Out: out}
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
	fmt.Fprintf(o.Stderr, "changed %d contacts and added %d events in the fake HubSpot\n", updated, o.NewEvents)
	second, err := s.run(ctx, fmt.Sprintf("Sync 2: incremental (after %d contact changes and %d new events)", updated, o.NewEvents))
	if err != nil {
		return nil, err
	}
	rep.Runs = append(rep.Runs, *second)

	if err := dumpProfiles(f, out); err != nil {
		return nil, err
	}
	rep.Profiles = f.insider.ProfileCount()
	for _, r := range rep.Runs {
		printRun(o.Stdout, r)
	}
	printWhere(o, bins, out, rep)
	if o.Serve {
		fmt.Fprintf(o.Stdout, "\nThe fakes keep running (HubSpot %s, Insider %s). Press Ctrl-C to stop;\n%s is written again then.\n",
			f.hubspot.URL, f.insider.URL, profilesFile)
		<-ctx.Done()
		if err := dumpProfiles(f, out); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// syncer runs the syncs of one demo.
type syncer struct {
	o    Options
	bins pipeline.Binaries
	dir  string
	logs io.Writer
}

// run runs one sync with a progress line and returns its report.
func (s *syncer) run(ctx context.Context, name string) (*RunReport, error) {
	label, _, _ := strings.Cut(name, ":")
	p := startProgress(label, s.o.Stderr, s.o.Terminal)
	fmt.Fprintf(s.logs, "=== %s\n", name)
	sync := &pipeline.Sync{Bin: s.bins, Dir: s.dir, SourceLine: p.sourceLine, DestinationLine: p.destinationLine, Stderr: s.logs}
	start := time.Now()
	res, err := sync.Run(ctx)
	p.finish()
	if err != nil {
		return nil, fmt.Errorf("%s could not run: %w", label, err)
	}
	if res.SourceExit != 0 || res.DestinationExit != 0 {
		return nil, fmt.Errorf("%s failed: source exit %d %s, destination exit %d %s (connector stderr in %s)",
			label, res.SourceExit, errorList(res.SourceErrors), res.DestinationExit, errorList(res.DestinationErrors),
			filepath.Join(s.dir, stderrFile))
	}
	r := &RunReport{Name: name, ContactsRead: p.contacts.Load(), EventsRead: p.events.Load(),
		StatesEchoed: res.StatesEchoed, Duration: time.Since(start)}
	summary := ""
	for _, m := range res.DestinationLogs {
		if strings.HasPrefix(m, summaryPrefix) {
			summary = m
		}
	}
	if summary == "" {
		return nil, fmt.Errorf("%s: the destination wrote no %q log message", label, summaryPrefix)
	}
	if err := parseWriteSummary(summary, r); err != nil {
		return nil, err
	}
	if r.Watermark, err = pipeline.ContactsWatermark(filepath.Join(s.dir, pipeline.StateFile)); err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	return r, nil
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
	fmt.Fprintf(w, "\nThe fake Insider now holds %d profiles.\n", rep.Profiles)
	fmt.Fprintf(w, "\nEverything is in %s:\n", out)
	fmt.Fprintf(w, "  %-24s the source config (fake HubSpot URL and token)\n", pipeline.SourceConfigFile)
	fmt.Fprintf(w, "  %-24s the destination config (mappings, fake Insider URL and key)\n", pipeline.DestinationConfigFile)
	fmt.Fprintf(w, "  %-24s the configured catalog, from the source's discover\n", pipeline.CatalogFile)
	fmt.Fprintf(w, "  %-24s the state saved after sync 2 (the next run starts there)\n", pipeline.StateFile)
	fmt.Fprintf(w, "  %-24s the profiles the fake Insider received\n", profilesFile)
	fmt.Fprintf(w, "  %-24s what the connectors wrote to stderr\n", stderrFile)
	fmt.Fprintf(w, "\nTo rerun the connectors by hand:\n")
	if !o.Serve {
		fmt.Fprintf(w, "(the fake APIs stop when the demo exits: run the demo with --serve to keep them up)\n")
	}
	fmt.Fprintf(w, "  cd %s\n", out)
	fmt.Fprintf(w, "  %s check --config %s\n", bins.Source, pipeline.SourceConfigFile)
	fmt.Fprintf(w, "  %s read --config %s --catalog %s --state %s \\\n    | %s write --config %s --catalog %s\n",
		bins.Source, pipeline.SourceConfigFile, pipeline.CatalogFile, pipeline.StateFile,
		bins.Destination, pipeline.DestinationConfigFile, pipeline.CatalogFile)
	fmt.Fprintf(w, "(the destination prints the states it echoes; Airbyte would save the last one of each stream\n"+
		"as the next --state, as the demo did in %s)\n", pipeline.StateFile)
}
