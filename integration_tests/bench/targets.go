package main

import (
	"fmt"
	"strings"
)

// The project's targets for the connectors' own cost, against fakes answering at once.
const (
	targetSourcePerSecond      = 50000
	targetDestinationPerSecond = 50000
	targetPipedPerSecond       = 30000
	targetMaxRSSMB             = 64
	// targetFlatRSSMB is how much a process's peak RSS may grow from the smallest size to the
	// largest and still count as flat.
	targetFlatRSSMB = 8
	searchPageSize  = 200  // contacts per search page
	upsertBatchSize = 1000 // users per upsert request
)

// Check is one target compared with what was measured.
type Check struct {
	Target   string `json:"target"`
	Measured string `json:"measured"`
	Met      bool   `json:"met"`
}

// ceilDiv is ceil(a/b) for positive b.
func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

// maxSearches is the target for the searches of one window of n contacts.
func maxSearches(n int) int64 { return ceilDiv(int64(n), searchPageSize) + 3 }

// evaluate compares every row with its targets.
func evaluate(rows []Row) []Check {
	var out []Check
	add := func(met bool, target, format string, args ...any) {
		out = append(out, Check{Target: target, Measured: fmt.Sprintf(format, args...), Met: met})
	}
	for _, r := range rows {
		label := fmt.Sprintf("%d contacts, %s", r.Contacts, r.Step)
		rate := r.RecordsPerSecond()
		switch {
		case r.Step == stepSource:
			add(rate >= targetSourcePerSecond, fmt.Sprintf("%s >= %d records/s", label, targetSourcePerSecond), "%.0f/s", rate)
			add(r.Searches <= maxSearches(r.Contacts), fmt.Sprintf("%s: searches <= ceil(N/200)+3 = %d", label, maxSearches(r.Contacts)),
				"%d", r.Searches)
		case strings.HasPrefix(r.Step, stepDestination):
			add(rate >= targetDestinationPerSecond, fmt.Sprintf("%s >= %d records/s", label, targetDestinationPerSecond), "%.0f/s", rate)
		case strings.HasPrefix(r.Step, stepPiped):
			add(rate >= targetPipedPerSecond, fmt.Sprintf("%s >= %d records/s", label, targetPipedPerSecond), "%.0f/s", rate)
		}
		if r.Rejected == 0 && r.Upserts > 0 {
			want := ceilDiv(int64(r.Contacts), upsertBatchSize)
			add(r.Upserts == want, fmt.Sprintf("%s: upserts == ceil(N/1000) = %d (nothing rejected)", label, want), "%d", r.Upserts)
		}
		for _, p := range r.Procs {
			add(p.MaxRSSMB() <= targetMaxRSSMB, fmt.Sprintf("%s: %s peak RSS <= %d MB", label, p.Name, targetMaxRSSMB), "%.1f MB", p.MaxRSSMB())
		}
	}
	return append(out, flatness(rows)...)
}

// flatness compares each process's peak RSS at the smallest and the largest size.
func flatness(rows []Row) []Check {
	lo, hi := -1, -1
	for _, r := range rows {
		if lo < 0 || r.Contacts < lo {
			lo = r.Contacts
		}
		hi = max(hi, r.Contacts)
	}
	if lo == hi {
		return nil
	}
	find := func(n int, step, proc string) (Usage, bool) {
		for _, r := range rows {
			if r.Contacts != n || r.Step != step {
				continue
			}
			for _, p := range r.Procs {
				if p.Name == proc {
					return p, true
				}
			}
		}
		return Usage{}, false
	}
	var out []Check
	for _, r := range rows {
		if r.Contacts != lo {
			continue
		}
		for _, p := range r.Procs {
			big, ok := find(hi, r.Step, p.Name)
			if !ok {
				continue
			}
			growth := big.MaxRSSMB() - p.MaxRSSMB()
			out = append(out, Check{
				Target:   fmt.Sprintf("%s: %s peak RSS flat from %d to %d contacts (grows <= %d MB)", r.Step, p.Name, lo, hi, targetFlatRSSMB),
				Measured: fmt.Sprintf("%.1f -> %.1f MB (%+.1f)", p.MaxRSSMB(), big.MaxRSSMB(), growth),
				Met:      growth <= targetFlatRSSMB,
			})
		}
	}
	return out
}
