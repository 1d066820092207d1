package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
)

// Row is one measured step of one size.
type Row struct {
	Contacts int    // contacts in the fake HubSpot
	Step     string // what ran, e.g. "source read"
	Records  int64  // records the step moved (source: written; destination: read)
	Wall     time.Duration
	Procs    []Usage // each connector process of the step

	Searches        int64 // search requests to the fake HubSpot
	HubSpotRequests int64 // all requests to the fake HubSpot (token, properties, search...)
	Upserts         int64 // upsert requests to the fake Insider
	UsersUpserted   int64 // from the destination's write summary
	Rejected        int64 // records the destination rejected, from its write summary
	States          int64 // STATE messages the source wrote or the destination echoed
	Served429       int64 // 429 answers of both fakes
	// BenchCPU is this process's CPU during the step: mostly the fakes answering, which
	// shares the machine's CPUs with the connectors.
	BenchCPU time.Duration
}

// RecordsPerSecond is the step's throughput over its wall time.
func (r Row) RecordsPerSecond() float64 {
	if r.Wall <= 0 {
		return 0
	}
	return float64(r.Records) / r.Wall.Seconds()
}

// Step names.
const (
	stepSource      = "source read"
	stepDestination = "destination write"
	stepPiped       = "piped sync"
)

// sizeRun runs the steps of one size against its fakes, with its files in dir.
type sizeRun struct {
	bins pipeline.Binaries
	dir  string
	f    *fakes
	n    int
	logs io.Writer // the connectors' stderr
}

func (s *sizeRun) path(name string) string { return filepath.Join(s.dir, name) }

// sourceCmd is `source read` of the contacts stream, incremental, first run (no state).
// The connectors run under a launcher (see launcherEnv) so their peak RSS is their own.
func (s *sizeRun) sourceCmd(ctx context.Context) *exec.Cmd {
	cmd := exec.CommandContext(ctx, s.bins.Source, "read", "--config", s.path(sourceConfigFile), "--catalog", s.path(catalogFile))
	cmd.Stderr = s.logs
	return cmd
}

// destinationCmd is `destination write` with the mapping's config.
func (s *sizeRun) destinationCmd(ctx context.Context, mapping string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, s.bins.Destination, "write", "--config", s.path(destinationConfigFile(mapping)),
		"--catalog", s.path(catalogFile))
	cmd.Stderr = s.logs
	return cmd
}

// source runs the source alone with stdout into the message file the destination steps read.
func (s *sizeRun) source(ctx context.Context) (Row, error) {
	s.f.reset()
	cpu0 := selfCPU()
	out, err := os.Create(s.path(messagesFile))
	if err != nil {
		return Row{}, err
	}
	cmd := s.sourceCmd(ctx)
	cmd.Stdout = out
	c, err := startChild("source", cmd)
	if err != nil {
		out.Close()
		return Row{}, err
	}
	u, err := c.wait()
	benchCPU := selfCPU() - cpu0
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Row{}, err
	}
	in, err := os.Open(s.path(messagesFile))
	if err != nil {
		return Row{}, err
	}
	defer in.Close()
	counts, err := scanMessages(in)
	if err != nil {
		return Row{}, fmt.Errorf("read the source's output: %w", err)
	}
	if u.Exit != 0 {
		return Row{}, fmt.Errorf("source read exited %d: %q", u.Exit, counts.Errors)
	}
	row := s.row(stepSource, u.Wall, counts.Records, u)
	row.States, row.BenchCPU = counts.States, benchCPU
	return row, nil
}

// destination runs the destination alone, fed from the source step's message file.
func (s *sizeRun) destination(ctx context.Context, mapping string) (Row, error) {
	s.f.reset()
	defer s.f.trimProfiles()()
	cpu0 := selfCPU()
	in, err := os.Open(s.path(messagesFile))
	if err != nil {
		return Row{}, fmt.Errorf("the destination step needs the source step's output: %w", err)
	}
	defer in.Close()
	cmd := s.destinationCmd(ctx, mapping)
	cmd.Stdin = in
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return Row{}, err
	}
	c, err := startChild("destination", cmd)
	if err != nil {
		return Row{}, err
	}
	counts, scanErr := scanMessages(stdout)
	if scanErr != nil {
		_, _ = io.Copy(io.Discard, stdout)
	}
	u, err := c.wait()
	if err != nil {
		return Row{}, err
	}
	row, err := s.destinationRow(stepDestination+" ("+mapping+")", u.Wall, counts, scanErr, u)
	row.BenchCPU = selfCPU() - cpu0
	return row, err
}

// piped runs source read | destination write through an OS pipe between the two processes,
// as Airbyte connects them; this process only reads the destination's stdout.
func (s *sizeRun) piped(ctx context.Context, mapping string) (Row, error) {
	s.f.reset()
	defer s.f.trimProfiles()()
	cpu0 := selfCPU()
	pr, pw, err := os.Pipe()
	if err != nil {
		return Row{}, err
	}
	src, dst := s.sourceCmd(ctx), s.destinationCmd(ctx, mapping)
	src.Stdout, dst.Stdin = pw, pr
	stdout, err := dst.StdoutPipe()
	if err != nil {
		pr.Close()
		pw.Close()
		return Row{}, err
	}
	start := time.Now()
	dc, err := startChild("destination", dst)
	pr.Close()
	if err != nil {
		pw.Close()
		return Row{}, err
	}
	sc, err := startChild("source", src)
	pw.Close()
	if err != nil {
		_, _ = io.Copy(io.Discard, stdout)
		_, _ = dc.wait()
		return Row{}, err
	}
	counts, scanErr := scanMessages(stdout)
	if scanErr != nil {
		_, _ = io.Copy(io.Discard, stdout)
	}
	su, serr := sc.wait()
	du, derr := dc.wait()
	wall := time.Since(start)
	if serr != nil {
		return Row{}, serr
	}
	if derr != nil {
		return Row{}, derr
	}
	if su.Exit != 0 {
		return Row{}, fmt.Errorf("piped sync: source exited %d (its messages went to the destination; see %s)",
			su.Exit, s.path(connectorStderrFile))
	}
	row, err := s.destinationRow(stepPiped+" ("+mapping+")", wall, counts, scanErr, su, du)
	row.BenchCPU = selfCPU() - cpu0
	return row, err
}

// destinationRow checks a destination's exit and summary and fills the row from them.
func (s *sizeRun) destinationRow(step string, wall time.Duration, counts messageCounts, scanErr error, procs ...Usage) (Row, error) {
	dst := procs[len(procs)-1]
	if scanErr != nil {
		return Row{}, fmt.Errorf("%s: read the destination's output: %w", step, scanErr)
	}
	if dst.Exit != 0 {
		return Row{}, fmt.Errorf("%s: destination exited %d: %q", step, dst.Exit, counts.Errors)
	}
	if counts.Summary == nil {
		return Row{}, fmt.Errorf("%s: the destination wrote no %q log message", step, summaryPrefix)
	}
	row := s.row(step, wall, counts.summaryInt("records_read"), procs...)
	row.UsersUpserted = counts.summaryInt("users_upserted")
	row.Rejected = counts.summaryInt("rejected")
	row.States = counts.States
	return row, nil
}

// row fills the request counts of both fakes.
func (s *sizeRun) row(step string, wall time.Duration, records int64, procs ...Usage) Row {
	return Row{Contacts: s.n, Step: step, Records: records, Wall: wall, Procs: procs,
		Searches:        s.f.hubspot.Count(fakehubspot.EndpointSearch),
		HubSpotRequests: s.f.hubspot.Count(fakehubspot.EndpointAny),
		Upserts:         int64(s.f.insider.RequestCount(fakeinsider.EndpointUpsert)),
		Served429:       s.f.hubspot.Served429() + int64(s.f.insider.StatusCount(429)),
	}
}
