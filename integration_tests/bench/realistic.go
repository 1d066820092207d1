package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
)

// Answer times and limits of the realistic sync.
const (
	realisticSearchLatency = 400 * time.Millisecond // HubSpot's search answers
	realisticOtherLatency  = 300 * time.Millisecond // HubSpot's list, properties and other answers
	realisticUpsertLatency = 300 * time.Millisecond // Insider's upsert answers
	hubspotSearchPerSecond = 5                      // HubSpot's search limit
	sourceSearchBudget     = 4.75                   // the source's default client-side search budget
	insiderRequestsPerMin  = 25000                  // Insider's upsert limit
)

// RealisticResults is the outcome of one sync against rate-limited fakes with real answer times.
type RealisticResults struct {
	Contacts      int     `json:"contacts"`
	Records       int64   `json:"records"`
	WallSeconds   float64 `json:"wall_seconds"`
	SpanSeconds   float64 `json:"span_seconds"`    // first to last RECORD the source wrote
	OverallPerSec float64 `json:"overall_per_s"`   // records / wall
	SteadyPerSec  float64 `json:"steady_per_s"`    // records over the first-to-last record span
	OfSearchBound float64 `json:"of_search_bound"` // steady / (5 x 200)
	OfClientBound float64 `json:"of_client_bound"` // steady / (search budget x 200)
	SearchBudget  float64 `json:"search_budget"`   // the source's client-side searches per second
	Tier          string  `json:"tier"`            // rate_limits.account_tier; the fake enforces its limit
	BurstMax      int     `json:"burst_max"`       // the fake's general limit per 10 s
	DailyMax      int     `json:"daily_max"`       // the fake's daily limit of non-search calls
	ListCalls     int64   `json:"list_calls"`
	MaxOtherIn10s int     `json:"max_other_in_10s"` // most non-search requests started within 10 s

	Searches         int64   `json:"searches"`
	SearchesPerSec   float64 `json:"searches_per_s"`     // over the span of search requests
	MaxSearchesIn1s  int     `json:"max_searches_in_1s"` // most search requests started within one second
	HubSpotRequests  int64   `json:"hubspot_requests"`   // all endpoints
	HubSpot429       int64   `json:"hubspot_429"`        // answers the fake HubSpot refused
	Upserts          int64   `json:"upserts"`            // requests to the fake Insider
	UpsertsPerMinute float64 `json:"upserts_per_minute"` // over the span of upserts
	Insider429       int64   `json:"insider_429"`        // the fake does not enforce Insider's limit; listed for completeness
	UsersUpserted    int64   `json:"users_upserted"`
	Rejected         int64   `json:"rejected"`
	ChildCPUSeconds  float64 `json:"child_cpu_seconds"` // both connectors together (user + sys)
	// Incremental is the next sync, of a window holding the newest 2 in 5 contacts (dense above
	// its first page: search and list).
	Incremental *RealisticResults `json:"incremental,omitempty"`
	// Spread is the sync after it, of a window of 2 in every 5 contacts (by search and list
	// when the list pays for the tier's budget, else by search alone).
	Spread            *RealisticResults `json:"incremental_spread,omitempty"`
	LargestChildRSSMB float64           `json:"largest_child_rss_mb"` // the largest child this process has waited for
}

// recordClock notes when the first and the last RECORD went through the pipe.
type recordClock struct {
	mu          sync.Mutex
	n           int64
	first, last time.Time
}

func (c *recordClock) line(line []byte) {
	if pipeline.MessageType(line) != "RECORD" {
		return
	}
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == 0 {
		c.first = now
	}
	c.n++
	c.last = now
}

// runRealistic runs one piped sync (pipeline.Sync, as the end-to-end tests do) of o.RealisticContacts
// contacts against fakes with HubSpot's search latency and rate limits and Insider's latency, with
// the source's default request budgets.
func runRealistic(ctx context.Context, o Options, bins pipeline.Binaries, out, tier string) (*RealisticResults, error) {
	n := o.RealisticContacts
	dir := filepath.Join(out, fmt.Sprintf("realistic-%d-%s", n, tier))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Stderr, "realistic: generating %d contacts into the fake HubSpot (rate limits on)\n", n)
	limits, _ := fakehubspot.TierLimits(tier)
	f := startFakes(n, o.Seed, true, limits)
	defer f.close()
	f.hubspot.SetLatency(fakehubspot.EndpointSearch, realisticSearchLatency)
	for _, ep := range []fakehubspot.Endpoint{fakehubspot.EndpointList, fakehubspot.EndpointProperties, fakehubspot.EndpointGet,
		fakehubspot.EndpointBatchRead, fakehubspot.EndpointEvents, fakehubspot.EndpointEventDefinitions} {
		f.hubspot.SetLatency(ep, realisticOtherLatency)
	}
	f.insider.SetLatency(fakeinsider.EndpointUpsert, realisticUpsertLatency)
	budgets := map[string]any{"account_tier": tier}
	if o.SearchRate > 0 {
		budgets["search_per_second"] = o.SearchRate
	}
	if err := writeConfigs(ctx, bins.Source, dir, f, budgets); err != nil {
		return nil, err
	}
	if err := pipeline.WriteJSONFile(filepath.Join(dir, pipeline.DestinationConfigFile), destinationConfig(f, mappingMixed)); err != nil {
		return nil, err
	}
	if err := os.Remove(filepath.Join(dir, pipeline.StateFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	logs, err := os.Create(filepath.Join(dir, connectorStderrFile))
	if err != nil {
		return nil, err
	}
	defer logs.Close()
	f.reset()
	firstStart := time.Now()
	first, err := realisticSync(ctx, o, bins, f, dir, logs, tier, n)
	if err != nil {
		return nil, err
	}
	// An incremental window: the newest 2 in 5 contacts modified since the first sync (a bulk
	// import or a campaign), stamped inside the next window (after the saved watermark, the first
	// sync's start minus the 2-minute index lag, and before the next window end).
	k := n * 2 / 5
	ids := f.hubspot.ContactIDs()
	if err := f.hubspot.TouchContacts(firstStart.Add(-3*time.Minute).UTC(), ids[len(ids)-k:]...); err != nil {
		return nil, err
	}
	f.reset()
	inc, err := realisticSync(ctx, o, bins, f, dir, logs, tier, k)
	if err != nil {
		return nil, fmt.Errorf("incremental sync: %w", err)
	}
	first.Incremental = inc
	// A window of the same size spread over all ids (2 in every 5): under half of the contacts
	// above its first page, which the list still pays to read on every tier. The newest contacts
	// go back to before the window.
	if err := f.hubspot.TouchContacts(firstStart.Add(-time.Hour).UTC(), ids[len(ids)-k:]...); err != nil {
		return nil, err
	}
	var spread []int64
	for i, id := range ids {
		if i%5 < 2 {
			spread = append(spread, id)
		}
	}
	if err := f.hubspot.TouchContacts(time.Now().Add(-3*time.Minute).UTC(), spread...); err != nil {
		return nil, err
	}
	f.reset()
	if first.Spread, err = realisticSync(ctx, o, bins, f, dir, logs, tier, len(spread)); err != nil {
		return nil, fmt.Errorf("incremental sync of a spread window: %w", err)
	}
	return first, nil
}

// realisticSync runs one piped sync in dir, with its state, and measures it; n is the number of
// contacts it should deliver.
func realisticSync(ctx context.Context, o Options, bins pipeline.Binaries, f *fakes, dir string, logs io.Writer, tier string, n int) (*RealisticResults, error) {
	var before syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &before); err != nil {
		return nil, err
	}
	clock := &recordClock{}
	fmt.Fprintf(o.Stderr, "realistic: syncing %d contacts (search %s, upsert %s, HubSpot limits on, default budgets)\n",
		n, realisticSearchLatency, realisticUpsertLatency)
	start := time.Now()
	res, err := (&pipeline.Sync{Bin: bins, Dir: dir, SourceLine: clock.line, Stderr: logs}).Run(ctx)
	wall := time.Since(start)
	if err != nil {
		return nil, err
	}
	if res.SourceExit != 0 || res.DestinationExit != 0 {
		return nil, fmt.Errorf("realistic sync failed: source exit %d %q, destination exit %d %q", res.SourceExit, res.SourceErrors,
			res.DestinationExit, res.DestinationErrors)
	}
	var after syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &after); err != nil {
		return nil, err
	}
	r := &RealisticResults{Contacts: n, Records: clock.n, WallSeconds: wall.Seconds(), Tier: tier,
		BurstMax: f.hubspot.Options().BurstMax, DailyMax: f.hubspot.Options().DailyMax,
		ListCalls: f.hubspot.Count(fakehubspot.EndpointList),
		Searches:  f.hubspot.Count(fakehubspot.EndpointSearch), HubSpotRequests: f.hubspot.Count(fakehubspot.EndpointAny),
		HubSpot429: f.hubspot.Served429(), Insider429: int64(f.insider.StatusCount(429)),
		Upserts:         int64(f.insider.RequestCount(fakeinsider.EndpointUpsert)),
		ChildCPUSeconds: float64(after.Utime.Nano()+after.Stime.Nano()-before.Utime.Nano()-before.Stime.Nano()) / 1e9,
	}
	r.OverallPerSec = float64(r.Records) / wall.Seconds()
	if span := clock.last.Sub(clock.first); span > 0 && r.Records > 1 {
		r.SpanSeconds = span.Seconds()
		r.SteadyPerSec = float64(r.Records-1) / span.Seconds()
	}
	r.OfSearchBound = r.SteadyPerSec / (hubspotSearchPerSecond * searchPageSize)
	r.SearchBudget = sourceSearchBudget
	if o.SearchRate > 0 {
		r.SearchBudget = o.SearchRate
	}
	r.OfClientBound = r.SteadyPerSec / (r.SearchBudget * searchPageSize)
	var searchTimes []time.Time
	for _, q := range f.hubspot.RequestsTo(fakehubspot.EndpointSearch) {
		searchTimes = append(searchTimes, q.Time)
	}
	r.SearchesPerSec, r.MaxSearchesIn1s = rate(searchTimes, time.Second)
	var otherTimes []time.Time
	for _, q := range f.hubspot.Requests() {
		if q.Endpoint != fakehubspot.EndpointSearch && q.Endpoint != fakehubspot.EndpointToken {
			otherTimes = append(otherTimes, q.Time)
		}
	}
	_, r.MaxOtherIn10s = rate(otherTimes, 10*time.Second)
	var upsertTimes []time.Time
	for _, q := range f.insider.Requests() {
		if q.Endpoint == fakeinsider.EndpointUpsert {
			upsertTimes = append(upsertTimes, q.Time)
		}
	}
	perSec, _ := rate(upsertTimes, time.Minute)
	r.UpsertsPerMinute = perSec * 60
	for _, m := range res.DestinationLogs {
		if !strings.HasPrefix(m, summaryPrefix) {
			continue
		}
		fields, err := pipeline.LogFields(strings.TrimPrefix(m, summaryPrefix))
		if err != nil {
			return nil, fmt.Errorf("destination summary %q: %w", m, err)
		}
		c := messageCounts{Summary: fields}
		r.UsersUpserted, r.Rejected = c.summaryInt("users_upserted"), c.summaryInt("rejected")
	}
	return r, nil
}

// rate returns the mean rate per second of the events over their span, and the most events
// that started within any window.
func rate(ts []time.Time, window time.Duration) (perSecond float64, maxInWindow int) {
	if len(ts) == 0 {
		return 0, 0
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	if span := ts[len(ts)-1].Sub(ts[0]); span > 0 {
		perSecond = float64(len(ts)-1) / span.Seconds()
	}
	lo := 0
	for hi := range ts {
		for ts[hi].Sub(ts[lo]) >= window {
			lo++
		}
		maxInWindow = max(maxInWindow, hi-lo+1)
	}
	return perSecond, maxInWindow
}

// printRealistic writes the realistic sync's outcome.
func printRealistic(w io.Writer, r *RealisticResults) {
	printRealisticSync(w, r, "first sync")
	if r.Incremental != nil {
		printRealisticSync(w, r.Incremental, "incremental sync (a window of the newest 2 in 5 contacts, by search and list)")
	}
	if r.Spread != nil {
		printRealisticSync(w, r.Spread, "incremental sync (a window of 2 in every 5 contacts, spread over the ids)")
	}
}

func printRealisticSync(w io.Writer, r *RealisticResults, what string) {
	fmt.Fprintf(w, "\nRealistic %s of %d contacts, rate_limits.account_tier %s: fake HubSpot search answers after %s, "+
		"list and other calls after %s, with its 5/s search limit, %d/10 s general limit and %d/day daily limit on, "+
		"the source's search budget %g/s; fake Insider answers after %s.\n\n",
		what, r.Contacts, r.Tier, realisticSearchLatency, realisticOtherLatency, r.BurstMax, r.DailyMax, r.SearchBudget, realisticUpsertLatency)
	fmt.Fprintln(w, "| measure | value |\n|---|---:|")
	row := func(k, format string, args ...any) {
		fmt.Fprintf(w, "| %s | "+format+" |\n", append([]any{k}, args...)...)
	}
	row("records through the pipe", "%d", r.Records)
	row("wall time", "%.1f s", r.WallSeconds)
	row("contacts/s over the wall time", "%.0f", r.OverallPerSec)
	row("contacts/s first to last record (steady)", "%.0f", r.SteadyPerSec)
	row("share of HubSpot's search bound (5/s x 200 = 1,000/s)", "%.1f%%", 100*r.OfSearchBound)
	row(fmt.Sprintf("share of the source's search budget (%g/s x 200 = %g/s)", r.SearchBudget, r.SearchBudget*searchPageSize), "%.1f%%", 100*r.OfClientBound)
	row("search requests (ceil(N/200)+3)", "%d (%d)", r.Searches, maxSearches(r.Contacts))
	row("search requests per second, mean / most in any 1 s", "%.2f / %d", r.SearchesPerSec, r.MaxSearchesIn1s)
	row("list requests", "%d", r.ListCalls)
	row(fmt.Sprintf("other requests, most in any 10 s (limit %d)", r.BurstMax), "%d", r.MaxOtherIn10s)
	row("HubSpot requests, all endpoints", "%d", r.HubSpotRequests)
	row("429 answers from HubSpot (target 0)", "%d", r.HubSpot429)
	row("Insider upserts (ceil(users/1000))", "%d (%d)", r.Upserts, ceilDiv(max(r.UsersUpserted, 0), upsertBatchSize))
	row("Insider upserts per minute (limit 25,000)", "%.0f", r.UpsertsPerMinute)
	row("429 answers from Insider", "%d", r.Insider429)
	row("users upserted / records rejected", "%d / %d", r.UsersUpserted, r.Rejected)
	row("CPU of both connectors (user+sys)", "%.2f s", r.ChildCPUSeconds)
}
