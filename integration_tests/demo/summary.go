package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
)

// RunReport is what one sync did, in the words of the summary.
type RunReport struct {
	Name         string
	DryRun       bool  // the destination sent nothing and saved no state
	ContactsRead int64 // contacts records the source wrote
	EventsRead   int64 // event records the source wrote
	// RecordsAccepted counts the records Insider accepted (in a dry run: would have been sent),
	// contacts and events alike, from the destination's summary (users_upserted); EventsSent the
	// events among them. Each event record carries one event.
	RecordsAccepted int64
	EventsSent      int64
	// ListsRead counts the list_memberships records the source wrote; ListsDelivered those the
	// destination delivered (list_memberships_delivered), which added ListNamesAdded names to
	// profiles' hubspot_lists and removed ListNamesRemoved.
	ListsRead, ListsDelivered        int64
	ListNamesAdded, ListNamesRemoved int64
	Rejected                         map[string]int64 // records rejected, by reason, from the destination's summary
	DroppedIDs                       int64            // invalid identifiers left out of users still sent
	StatesEchoed                     int              // STATE messages the destination echoed
	Watermark                        string           // the contacts watermark saved after the sync ("" when none)
	// SourceClock is the source's clock when its run began (its first TRACE message's
	// emitted_at); zero when the source wrote no TRACE.
	SourceClock time.Time
	Duration    time.Duration
}

// ContactsUpserted is the number of contacts upserted as Insider users: the accepted records
// that are not events.
func (r RunReport) ContactsUpserted() int64 { return r.RecordsAccepted - r.EventsSent }

// RejectedRecords is the total of Rejected.
func (r RunReport) RejectedRecords() int64 {
	var n int64
	for _, v := range r.Rejected {
		n += v
	}
	return n
}

// WatermarkLag is how far the saved watermark is behind the source's clock at the start of the
// run; zero when either is unknown.
func (r RunReport) WatermarkLag() time.Duration {
	wm, err := time.Parse(time.RFC3339Nano, r.Watermark)
	if err != nil || r.SourceClock.IsZero() {
		return 0
	}
	return r.SourceClock.Sub(wm)
}

// Report is the whole demo's outcome.
type Report struct {
	Out      string
	DryRun   bool
	Runs     []RunReport
	Profiles int // profiles the fake Insider holds at the end
}

// The destination's final LOG message starts with one of these.
const (
	summaryPrefix       = "write summary"
	dryRunSummaryPrefix = "dry run summary"
)

// isSummary reports whether a destination LOG message is its end-of-run summary.
func isSummary(msg string) bool {
	return strings.HasPrefix(msg, summaryPrefix) || strings.HasPrefix(msg, dryRunSummaryPrefix)
}

// parseWriteSummary reads the destination's summary LOG message ("write summary key=value ...",
// or in a dry run "dry run summary: <text> key=value ...", where a value with spaces is a JSON
// string) into r.
func parseWriteSummary(msg string, r *RunReport) error {
	if !isSummary(msg) {
		return fmt.Errorf("not a write summary: %q", msg)
	}
	// The fields start at the first word holding '='; the words before are the message text.
	words := strings.Fields(msg)
	i := slices.IndexFunc(words, func(w string) bool { return strings.Contains(w, "=") })
	if i < 0 {
		return fmt.Errorf("write summary %q has no fields", msg)
	}
	fields, err := pipeline.LogFields(strings.Join(words[i:], " "))
	if err != nil {
		return fmt.Errorf("write summary %q: %w", msg, err)
	}
	num := func(key string) (int64, error) {
		n, err := strconv.ParseInt(fields[key], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("write summary field %s=%q: %w", key, fields[key], err)
		}
		return n, nil
	}
	if r.RecordsAccepted, err = num("users_upserted"); err != nil {
		return err
	}
	if r.EventsSent, err = num("events_sent"); err != nil {
		return err
	}
	if r.DroppedIDs, err = num("dropped_identifiers"); err != nil {
		return err
	}
	if r.ListsDelivered, err = num("list_memberships_delivered"); err != nil {
		return err
	}
	if r.ListNamesAdded, err = num("audience_names_added"); err != nil {
		return err
	}
	if r.ListNamesRemoved, err = num("audience_names_removed"); err != nil {
		return err
	}
	r.DryRun = fields["dry_run"] == "true"
	r.Rejected = map[string]int64{}
	for _, part := range strings.Split(fields["rejected_by_reason"], ",") {
		reason, count, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(count, 10, 64)
		if err != nil {
			return fmt.Errorf("write summary rejected_by_reason %q: %w", part, err)
		}
		r.Rejected[reason] = n
	}
	return nil
}

// printRun writes one sync's summary in plain language.
func printRun(w io.Writer, r RunReport) {
	would := func(done, dry string) string {
		if r.DryRun {
			return dry
		}
		return done
	}
	line := func(label string, format string, args ...any) {
		fmt.Fprintf(w, "  %-34s %s\n", label+":", fmt.Sprintf(format, args...))
	}
	fmt.Fprintf(w, "\n%s\n", r.Name)
	line("contacts read from HubSpot", "%d", r.ContactsRead)
	line("events read from HubSpot", "%d", r.EventsRead)
	line(would("users upserted into Insider", "users that would be upserted"), "%d (one per contact%s)",
		r.ContactsUpserted(), would(" Insider accepted", ""))
	line(would("events sent to Insider", "events that would be sent"), "%d (each on its contact's user)", r.EventsSent)
	line("list memberships read", "%d (joins, exits and renames of HubSpot lists)", r.ListsRead)
	line(would("list names added to profiles", "list names that would be added"), "%d (in hubspot_lists)", r.ListNamesAdded)
	line(would("list names removed from profiles", "list names that would be removed"), "%d", r.ListNamesRemoved)
	line(would("records rejected", "records that would be rejected"), "%d", r.RejectedRecords())
	for _, reason := range slices.Sorted(maps.Keys(r.Rejected)) {
		fmt.Fprintf(w, "    %-32s %d (%s)\n", reason+":", r.Rejected[reason], reasonText(reason))
	}
	line("invalid identifiers left out", "%d (malformed emails, phones that are no valid number even with", r.DroppedIDs)
	fmt.Fprintf(w, "  %-34s %s\n", "", "default_region US; each user was still sent with its other identifier)")
	switch {
	case r.DryRun:
		line("state saved", "none: a dry run sends nothing to Insider and saves no state, so the next")
		fmt.Fprintf(w, "  %-34s %s\n", "", "real sync reads everything again")
	case r.Watermark == "":
		line("state saved", "none")
	default:
		line("state saved", "contacts modified up to %s", r.Watermark)
		behind := "behind the sync's start"
		if lag := r.WatermarkLag(); lag > 0 {
			behind = aboutDuration(lag) + " before the sync started"
		}
		for _, text := range []string{
			"(" + behind + ": HubSpot's search index lags behind",
			"changes, so a sync reads contacts up to a little before it starts; the",
			"next sync starts there, minus lookback_minutes, so nothing is missed)",
		} {
			fmt.Fprintf(w, "  %-34s %s\n", "", text)
		}
	}
	line("time taken", "%s", r.Duration.Round(10*time.Millisecond))
}

// aboutDuration writes d rounded to the second, in minutes when that is exact ("2 minutes").
func aboutDuration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d == time.Minute:
		return "1 minute"
	case d > 0 && d%time.Minute == 0:
		return fmt.Sprintf("%d minutes", d/time.Minute)
	}
	return d.String()
}

// reasonText explains a rejection reason of the destination.
func reasonText(reason string) string {
	switch reason {
	case "no_identifier":
		return "no email, phone or id to identify the user"
	case "invalid_identifier":
		return "the only identifiers were invalid, e.g. a malformed email"
	case "no_attributes":
		return "nothing to write"
	case "invalid_timestamp":
		return "event without a valid time"
	case "rejected_by_insider":
		return "Insider refused the user"
	case "too_large":
		return "larger than Insider's request limit"
	}
	return "see the connector log"
}
