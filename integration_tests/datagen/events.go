package datagen

import (
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// EventOptions control event-occurrence generation.
type EventOptions struct {
	// Seed makes the output reproducible.
	Seed uint64
	// Definitions are the event types to generate (default
	// fakehubspot.DefaultEventDefinitions(fakehubspot.DefaultPortalID)).
	Definitions []fakehubspot.EventDefinition
	// ContactIDs are the contacts events are attached to (required; none gives no events).
	ContactIDs []int64
	// Count is the number of occurrences to generate.
	Count int
	// Start and End bound occurredAt. Default 2025-01-01 to 2025-07-01 UTC.
	Start, End time.Time
	// SameInstantShare is the share of events that reuse the occurredAt of the previous event
	// (to exercise cursor ties). Default 0.05; negative means 0.
	SameInstantShare float64
}

// Events returns o.Count event occurrences with property values typed from each definition.
// IDs are left empty so fakehubspot.Server.AddEvents assigns them.
func Events(o EventOptions) []fakehubspot.Event {
	if o.Definitions == nil {
		o.Definitions = fakehubspot.DefaultEventDefinitions(fakehubspot.DefaultPortalID)
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.End.IsZero() || !o.End.After(o.Start) {
		o.End = o.Start.AddDate(0, 6, 0)
	}
	o.SameInstantShare = share(o.SameInstantShare, 0.05)
	if len(o.ContactIDs) == 0 || len(o.Definitions) == 0 {
		return nil
	}
	g := &Generator{r: rand.New(rand.NewPCG(o.Seed, o.Seed^0x51ed270b27ad4b5d))}
	out := make([]fakehubspot.Event, 0, o.Count)
	var last time.Time
	for i := 0; i < o.Count; i++ {
		def := o.Definitions[g.r.IntN(len(o.Definitions))]
		at := g.timeIn(o.Start, o.End)
		if i > 0 && g.chance(o.SameInstantShare) {
			at = last
		}
		last = at
		props := map[string]string{}
		for _, p := range def.Properties {
			if g.chance(0.9) {
				props[p.Name] = g.eventValue(p)
			}
		}
		out = append(out, fakehubspot.Event{EventType: def.FullyQualifiedName, OccurredAt: at, ObjectType: "contact",
			ObjectID: o.ContactIDs[g.r.IntN(len(o.ContactIDs))], Properties: props})
	}
	return out
}

// eventValue renders a value for a property the way HubSpot sends it (a string).
func (g *Generator) eventValue(p fakehubspot.Property) string {
	switch p.Type {
	case fakehubspot.TypeNumber:
		return strconv.Itoa(g.r.IntN(120))
	case fakehubspot.TypeBool:
		return strconv.FormatBool(g.chance(0.5))
	case fakehubspot.TypeDate:
		return g.timeIn(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).Format("2006-01-02")
	case fakehubspot.TypeDateTime:
		return g.timeIn(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).Format("2006-01-02T15:04:05.000Z")
	case fakehubspot.TypeEnumeration:
		if len(p.Options) > 0 {
			return p.Options[g.r.IntN(len(p.Options))].Value
		}
	}
	switch p.Name {
	case "source_page", "url":
		return g.pick(pages)
	case "webinar_name":
		return g.pick(webinars)
	case "product_id":
		return "SKU-" + strconv.Itoa(1000+g.r.IntN(9000))
	}
	return "value-" + strconv.Itoa(g.r.IntN(1000))
}
