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
	Name          string
	ContactsRead  int64            // contacts records the source wrote
	EventsRead    int64            // event records the source wrote
	UsersUpserted int64            // from the destination's write summary
	EventsSent    int64            // from the destination's write summary
	Rejected      map[string]int64 // records rejected, by reason, from the write summary
	DroppedIDs    int64            // invalid identifiers left out of users still sent
	StatesEchoed  int              // STATE messages the destination echoed
	Watermark     string           // the contacts watermark saved after the sync
	Duration      time.Duration
}

// Report is the whole demo's outcome.
type Report struct {
	Out      string
	Runs     []RunReport
	Profiles int // profiles the fake Insider holds at the end
}

// summaryPrefix starts the destination's final LOG message.
const summaryPrefix = "write summary"

// parseWriteSummary reads the destination's final summary LOG message ("write summary
// key=value ..." where a value with spaces is a JSON string) into r.
func parseWriteSummary(msg string, r *RunReport) error {
	if !strings.HasPrefix(msg, summaryPrefix) {
		return fmt.Errorf("not a write summary: %q", msg)
	}
	fields, err := pipeline.LogFields(strings.TrimSpace(strings.TrimPrefix(msg, summaryPrefix)))
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
	if r.UsersUpserted, err = num("users_upserted"); err != nil {
		return err
	}
	if r.EventsSent, err = num("events_sent"); err != nil {
		return err
	}
	if r.DroppedIDs, err = num("dropped_identifiers"); err != nil {
		return err
	}
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
	fmt.Fprintf(w, "\n%s\n", r.Name)
	fmt.Fprintf(w, "  contacts read from HubSpot:    %d\n", r.ContactsRead)
	fmt.Fprintf(w, "  events read from HubSpot:      %d\n", r.EventsRead)
	fmt.Fprintf(w, "  users upserted into Insider:   %d\n", r.UsersUpserted)
	fmt.Fprintf(w, "  events sent to Insider:        %d\n", r.EventsSent)
	total := int64(0)
	for _, n := range r.Rejected {
		total += n
	}
	fmt.Fprintf(w, "  records rejected:              %d\n", total)
	for _, reason := range slices.Sorted(maps.Keys(r.Rejected)) {
		fmt.Fprintf(w, "    %-28s %d (%s)\n", reason+":", r.Rejected[reason], reasonText(reason))
	}
	fmt.Fprintf(w, "  invalid identifiers left out:  %d (malformed emails, phones that are no valid number even with\n"+
		"                                 default_region US; each user was still sent with its other identifier)\n", r.DroppedIDs)
	fmt.Fprintf(w, "  state saved:                   contacts modified up to %s\n", r.Watermark)
	fmt.Fprintf(w, "  time taken:                    %s\n", r.Duration.Round(10*time.Millisecond))
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
