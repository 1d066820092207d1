package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// Options configure one bench run.
type Options struct {
	// Sizes are the contact counts measured, one fresh fake HubSpot each.
	Sizes []int
	// Realistic runs the rate-limited, latency-bound sync instead of the size sweep.
	Realistic bool
	// RealisticContacts is the contact count of the realistic sync.
	RealisticContacts int
	// SearchRate, when positive, is the source's search budget (rate_limits.search_per_second)
	// in the realistic sync; 0 keeps the source's default.
	SearchRate float64
	// Tiers are the rate_limits.account_tier settings the realistic sync runs with, one sync
	// each, against a fake enforcing that tier's general limit.
	Tiers []string
	// Out receives the binaries, configs, connector stderr, saved message files (removed after
	// each size unless KeepMessages) and results.json / table.md.
	Out string
	// KeepMessages keeps each size's saved source output.
	KeepMessages bool
	// Binaries, when set, is a folder holding already built source-hubspot and
	// destination-insider binaries; otherwise they are built into Out/bin.
	Binaries string
	// Seed makes the generated contacts reproducible.
	Seed uint64
	// Stdout receives the tables, Stderr the progress lines.
	Stdout, Stderr io.Writer
}

// Defaults of the command line.
const (
	defaultSizes             = "10000,100000,1000000"
	quickSizes               = "10000"
	defaultRealisticContacts = 20000
	quickRealisticContacts   = 4000
)

// parseFlags reads the command line.
func parseFlags(args []string, stderr io.Writer) (Options, error) {
	o := Options{}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizes := fs.String("sizes", defaultSizes, "comma-separated contact counts to measure")
	quick := fs.Bool("quick", false, "small run: --sizes "+quickSizes+" and 4,000 contacts for --realistic, unless given")
	fs.BoolVar(&o.Realistic, "realistic", false, "one sync against rate-limited fakes with real answer times, instead of the size sweep")
	fs.IntVar(&o.RealisticContacts, "realistic-contacts", defaultRealisticContacts, "contacts of the --realistic sync")
	tiers := fs.String("tiers", "starter,professional", "comma-separated rate_limits.account_tier settings of the --realistic syncs (starter, public_app, professional, enterprise, limit_increase)")
	fs.Float64Var(&o.SearchRate, "search-rate", 0, "the source's search budget per second in the --realistic sync (default: the source's own, 4)")
	fs.StringVar(&o.Out, "out", filepath.Join(os.TempDir(), "connectors-bench"), "folder for binaries, configs, logs, message files and results")
	fs.BoolVar(&o.KeepMessages, "keep-messages", false, "keep each size's saved source output in --out")
	fs.StringVar(&o.Binaries, "binaries", "", "folder with prebuilt source-hubspot and destination-insider (default: build them)")
	fs.Uint64Var(&o.Seed, "seed", 1, "data generator seed")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *quick {
		if !set["sizes"] {
			*sizes = quickSizes
		}
		if !set["realistic-contacts"] {
			o.RealisticContacts = quickRealisticContacts
		}
	}
	fail := func(err error) (Options, error) {
		fmt.Fprintln(stderr, err)
		return o, err
	}
	if fs.NArg() > 0 {
		return fail(fmt.Errorf("unexpected arguments %q", fs.Args()))
	}
	var err error
	if o.Sizes, err = parseSizes(*sizes); err != nil {
		return fail(err)
	}
	for _, t := range strings.Split(*tiers, ",") {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		if _, ok := fakehubspot.TierLimits(t); !ok {
			return fail(fmt.Errorf("--tiers: %q is not one of starter, public_app, professional, enterprise, limit_increase", t))
		}
		o.Tiers = append(o.Tiers, t)
	}
	if err := o.validate(); err != nil {
		return fail(err)
	}
	return o, nil
}

// parseSizes reads "10000,100000" (underscores allowed as digit separators).
func parseSizes(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		part = strings.ReplaceAll(strings.TrimSpace(part), "_", "")
		n, err := strconv.Atoi(part)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("--sizes: %q is not a positive contact count", part)
		}
		out = append(out, n)
	}
	return out, nil
}

func (o Options) validate() error {
	switch {
	case o.Out == "":
		return fmt.Errorf("--out must name a folder")
	case len(o.Sizes) == 0 && !o.Realistic:
		return fmt.Errorf("--sizes must list at least one contact count")
	case o.Realistic && o.RealisticContacts < 1:
		return fmt.Errorf("--realistic-contacts must be at least 1, got %d", o.RealisticContacts)
	}
	return nil
}
