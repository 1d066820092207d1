package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

// Options configure one demo run.
type Options struct {
	// Out is the folder that receives binaries, configs, state, logs and profiles.
	Out string
	// Contacts and Events are the generated HubSpot contacts and event occurrences.
	Contacts, Events int
	// Updates contacts are changed and NewEvents occurrences added before the second sync.
	Updates, NewEvents int
	// Seed makes the generated data reproducible.
	Seed uint64
	// RateLimits makes the fake HubSpot enforce HubSpot's limits with 429 answers.
	RateLimits bool
	// Serve keeps both fakes running after the syncs until ctx ends (Ctrl-C).
	Serve bool
	// DryRun runs one sync with the destination's dry_run on: it reports what would be sent,
	// sends nothing and saves no state.
	DryRun bool
	// Stdout receives the summary, Stderr the progress line.
	Stdout, Stderr io.Writer
	// Terminal rewrites the progress line in place with \r; otherwise progress is plain lines.
	Terminal bool
	// Binaries, when set, is a folder holding already built source-hubspot and
	// destination-insider binaries; otherwise they are built into Out/bin.
	Binaries string
}

// parseFlags reads the command line.
func parseFlags(args []string, stderr io.Writer) (Options, error) {
	o := Options{}
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.Out, "out", "demo-output", "folder for binaries, configs, state, logs and the fake Insider's profiles")
	fs.IntVar(&o.Contacts, "contacts", 3000, "HubSpot contacts to generate")
	fs.IntVar(&o.Events, "events", 1500, "custom event occurrences to generate")
	fs.IntVar(&o.Updates, "updates", 300, "contacts changed in HubSpot before the incremental sync")
	fs.IntVar(&o.NewEvents, "new-events", 150, "event occurrences added before the incremental sync")
	fs.Uint64Var(&o.Seed, "seed", 1, "data generator seed")
	fs.BoolVar(&o.RateLimits, "rate-limits", true, "make the fake HubSpot enforce HubSpot's rate limits")
	fs.BoolVar(&o.Serve, "serve", false, "keep the fake APIs running after the syncs until Ctrl-C, to rerun the connectors by hand")
	fs.BoolVar(&o.DryRun, "dry-run", false, "one sync with the destination's dry_run on: what would be sent, nothing sent, no state saved")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		err := fmt.Errorf("unexpected arguments %q", fs.Args())
		fmt.Fprintln(stderr, err)
		return o, err
	}
	if err := o.validate(); err != nil {
		fmt.Fprintln(stderr, err)
		return o, err
	}
	return o, nil
}

func (o Options) validate() error {
	switch {
	case o.Out == "":
		return fmt.Errorf("--out must name a folder")
	case o.Contacts < 1:
		return fmt.Errorf("--contacts must be at least 1, got %d", o.Contacts)
	case o.Events < 0 || o.NewEvents < 0 || o.Updates < 0:
		return fmt.Errorf("--events, --new-events and --updates must not be negative")
	case o.Updates > o.Contacts:
		return fmt.Errorf("--updates (%d) cannot exceed --contacts (%d)", o.Updates, o.Contacts)
	}
	return nil
}

// isTerminal reports whether f is a character device (an interactive terminal).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
