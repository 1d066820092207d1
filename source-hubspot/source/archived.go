package source

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// archivedCheckpointPages is how many archived-list pages may pass between two STATE messages
// even when few of their contacts are delivered, so a killed run does not list them again.
const archivedCheckpointPages = 20

// profileKeyProperties are requested first when the configured properties do not all fit in the
// list endpoint's URL: what a destination needs to find the profile of a deleted contact.
var profileKeyProperties = []string{"email", "phone", "mobilephone", "hs_object_id", stream.MergedIDsProperty}

// archived delivers, once each, the contacts archived (deleted) since the archive watermark: it
// finishes a pass a previous run left unfinished, then lists the archived contacts again for
// (watermark, run end]. The list endpoint is ordered by id, not by archive time, so every pass
// pages the whole archive (HubSpot keeps archived contacts 90 days) and keeps those archived
// inside the window. Each pass ends with a STATE whose archivedAt is the window end.
func (cr *contactsReader) archived(ctx context.Context) error {
	if res := cr.state.ArchivedResume; res != nil {
		zerolog.Ctx(ctx).Info().Str("end", stream.FormatTime(res.End)).Msg("resuming the archived contacts pass a previous run did not finish")
		if err := cr.archivedWindow(ctx, cr.state.ArchivedAt, res.End, res.After); err != nil {
			return err
		}
	}
	if !cr.End.After(cr.state.ArchivedAt) {
		return nil // the watermark is ahead of this run's end: nothing new yet
	}
	return cr.archivedWindow(ctx, cr.state.ArchivedAt, cr.End, "")
}

// archivedWindow pages the archived contacts from the token after and delivers those archived
// in (lo, hi] (and not before start_date), checkpointing with the token. It always asks for
// hs_merged_object_ids, whatever the configured schema selects: a contact merged and then
// deleted carries the ids merged into it, whose profiles a destination must remove too.
func (cr *contactsReader) archivedWindow(ctx context.Context, lo, hi time.Time, after string) error {
	enc := cr.enc.with(stream.MergedIDsProperty, stream.KindString)
	defer cr.mergeBad(enc)
	names := listProperties(enc.names)
	start := cr.cfg.Start()
	delivered := 0
	for pages := 1; ; pages++ {
		p, err := cr.Client.ListContacts(ctx, hubspot.ListRequest{Properties: names, Limit: hubspot.MaxListLimit, After: after, Archived: true})
		if err != nil {
			return fmt.Errorf("list archived contacts after %q: %w", after, err)
		}
		kept := p.Results[:0]
		for _, o := range p.Results {
			at, ok := archiveTime(&o)
			if !ok {
				zerolog.Ctx(ctx).Warn().Str("id", o.ID).Msg("an archived contact has no readable archivedAt; it is delivered")
			}
			if !ok || (at.After(lo) && !at.After(hi) && !at.Before(start)) {
				o.Archived = true
				kept = append(kept, o)
			}
		}
		delivered += len(kept)
		if err := cr.emitPage(ctx, enc, &hubspot.Page{Results: kept}); err != nil {
			return err
		}
		if p.NextAfter == "" || len(p.Results) == 0 {
			break
		}
		after = p.NextAfter
		if cr.due() || pages%archivedCheckpointPages == 0 {
			if err := cr.checkpointArchived(lo, &ArchivedResume{End: hi, After: after}); err != nil {
				return err
			}
		}
	}
	zerolog.Ctx(ctx).Info().Int("archived", delivered).Str("since", stream.FormatTime(lo)).Str("until", stream.FormatTime(hi)).
		Msg("archived contacts delivered")
	return cr.checkpointArchived(hi, nil)
}

// archiveTime is when o was archived: archivedAt, else updatedAt (HubSpot sets it on archive).
func archiveTime(o *hubspot.Object) (time.Time, bool) {
	for _, v := range []string{o.ArchivedAt, o.UpdatedAt} {
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// listProperties returns the property names to request from the list endpoint: all of them
// when they fit in its URL, else the identity properties first and then as many others as fit.
func listProperties(names []string) []string {
	if len(url.QueryEscape(strings.Join(names, ","))) <= maxListPropertiesChars {
		return names
	}
	have := make(map[string]bool, len(names))
	for _, n := range names {
		have[n] = true
	}
	out, size := []string{}, 0
	add := func(n string) {
		if w := len(url.QueryEscape(n)) + len("%2C"); size+w <= maxListPropertiesChars {
			out = append(out, n)
			size += w
		}
	}
	for _, n := range profileKeyProperties {
		if have[n] {
			add(n)
			have[n] = false
		}
	}
	for _, n := range names {
		if have[n] {
			add(n)
		}
	}
	return out
}

// with returns an encoder for the same schema plus the property name of kind k (a clone that
// reports its own bad values); a plain clone when the schema has name already.
func (e *contactEncoder) with(name string, k stream.Kind) *contactEncoder {
	if _, ok := e.kinds[name]; ok {
		return e.clone()
	}
	c := &contactEncoder{kinds: make(map[string]stream.Kind, len(e.kinds)+1), bad: map[string]int{}}
	for n, kind := range e.kinds {
		c.kinds[n] = kind
	}
	c.kinds[name] = k
	c.names = append(slices.Clone(e.names), name)
	slices.Sort(c.names)
	c.onProp = c.prop
	return c
}
