package destination

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
)

// Dry-run output limits.
const (
	dryRunBodies = 3 // request bodies logged
	dryRunUsers  = 3 // users shown per logged body
)

// mask replaces personal data in logged bodies.
const mask = "***"

// dryRun is the sender of a dry run: it sends nothing, counts what a real run would send, and
// logs the first bodies and calls, masked. A dry run has one sender goroutine.
type dryRun struct {
	report *settle.Report
	attr   string         // audience_attribute
	bodies int            // upsert bodies logged
	shown  map[string]int // delete, anonymize and re-key lines logged, by kind (read loop only)
}

func newDryRun(cfg *Config, r *settle.Report) *dryRun {
	return &dryRun{report: r, attr: cfg.AudienceAttribute, shown: map[string]int{}}
}

func (d *dryRun) upserting(string, []byte, string, string) {}

func (d *dryRun) wait() {}

// upsert accounts for one batch that a real run would send.
func (d *dryRun) upsert(_ context.Context, p *batch) {
	var events int64
	for _, e := range p.events {
		events += int64(e)
	}
	var users int64
	for _, u := range p.user {
		if u != noUser {
			users++
		}
	}
	clears := int64(p.clears.Len())
	d.report.Counts.Add(func(s *settle.Summary) {
		if users > 0 {
			s.Requests++
		}
		if clears > 0 {
			s.Requests++
		}
		s.UsersUpserted += users
		s.EventsSent += events
		s.Cleared += clears
	})
	if d.bodies >= dryRunBodies || users == 0 {
		return
	}
	d.bodies++
	body, err := maskedBody(p, dryRunUsers)
	if err != nil {
		d.report.Log.Warn().Err(err).Msg("dry run: could not render a request body")
		return
	}
	d.report.Log.Info().Int("users", p.body.Len()).Msg(fmt.Sprintf(
		"dry run: upsert body %d (%d users, showing the first %d, personal data masked): %s",
		d.bodies, p.body.Len(), min(dryRunUsers, p.body.Len()), body))
}

// maskedBody renders the batch's body with at most n users, every
// identifier, attribute and event parameter value masked and keys kept.
func maskedBody(p *batch, n int) ([]byte, error) {
	users := make([]any, 0, n)
	for i := range min(n, p.body.Len()) {
		var u map[string]any
		if err := json.Unmarshal(p.body.User(i), &u); err != nil {
			return nil, err
		}
		for _, k := range []string{"identifiers", "attributes"} {
			if v, ok := u[k]; ok {
				u[k] = maskValues(v)
			}
		}
		if evs, ok := u["events"].([]any); ok {
			for _, e := range evs {
				if em, ok := e.(map[string]any); ok {
					if v, ok := em["event_params"]; ok {
						em["event_params"] = maskValues(v)
					}
				}
			}
		}
		users = append(users, u)
	}
	return json.Marshal(map[string]any{"skip_hook": p.body.SkipHook(), "users": users})
}

// maskValues replaces every leaf value under v, keeping object keys.
func maskValues(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, c := range t {
			t[k] = maskValues(c)
		}
		return t
	case []any:
		for i, c := range t {
			t[i] = maskValues(c)
		}
		return t
	default:
		return mask
	}
}
