package datagen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// Options control contact generation. The zero value gives sensible defaults.
type Options struct {
	// Seed makes the output reproducible: the same Options give the same contacts.
	Seed uint64
	// Count is the number of contacts Contacts returns (the Generator itself is unbounded).
	Count int
	// FirstID is the first contact id; ids then grow by 1 to 3. Default 51000000001 (above 32
	// bits, like real HubSpot ids).
	FirstID int64
	// Start and End bound createdate and lastmodifieddate. Default 2024-01-01 to 2026-01-01 UTC.
	Start, End time.Time
	// InvalidEmailShare, MissingEmailShare, InvalidPhoneShare are shares (0..1) of contacts with
	// an email Insider rejects, without email, or with a phone no normalizer can fix.
	// Defaults 0.05, 0.05, 0.05; a negative value means 0.
	InvalidEmailShare, MissingEmailShare, InvalidPhoneShare float64
	// NationalPhoneShare is the share of valid phones written in national form (rest E.164).
	// Default 0.5; negative means 0.
	NationalPhoneShare float64
	// SharedTimestampCount contacts get lastmodifieddate = SharedTimestamp exactly (default the
	// middle of [Start, End]). Needs Count to spread them; with Count 0 the first ones get it.
	SharedTimestampCount int
	SharedTimestamp      time.Time
}

func share(v, def float64) float64 {
	switch {
	case v < 0:
		return 0
	case v == 0:
		return def
	}
	return v
}

func (o *Options) defaults() {
	if o.FirstID <= 0 {
		o.FirstID = 51000000001
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.End.IsZero() || !o.End.After(o.Start) {
		o.End = o.Start.AddDate(2, 0, 0)
	}
	o.InvalidEmailShare = share(o.InvalidEmailShare, 0.05)
	o.MissingEmailShare = share(o.MissingEmailShare, 0.05)
	o.InvalidPhoneShare = share(o.InvalidPhoneShare, 0.05)
	o.NationalPhoneShare = share(o.NationalPhoneShare, 0.5)
	if o.SharedTimestamp.IsZero() {
		o.SharedTimestamp = o.Start.Add(o.End.Sub(o.Start) / 2).Truncate(time.Millisecond)
	}
}

// Generator produces contacts one at a time, so a million can be streamed into the fake
// without holding them all twice. It is not safe for concurrent use.
type Generator struct {
	o      Options
	r      *rand.Rand
	nextID int64
	n      int
	shared int
}

// New returns a generator for o.
func New(o Options) *Generator {
	o.defaults()
	return &Generator{o: o, r: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), nextID: o.FirstID}
}

// Contacts returns o.Count generated contacts.
func Contacts(o Options) []fakehubspot.Contact {
	g := New(o)
	out := make([]fakehubspot.Contact, o.Count)
	for i := range out {
		out[i] = g.Contact()
	}
	return out
}

func (g *Generator) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

func (g *Generator) chance(p float64) bool { return g.r.Float64() < p }

func (g *Generator) timeIn(a, b time.Time) time.Time {
	span := b.Sub(a).Milliseconds()
	if span <= 0 {
		return a.Truncate(time.Millisecond)
	}
	return a.Add(time.Duration(g.r.Int64N(span)) * time.Millisecond).UTC().Truncate(time.Millisecond)
}

// isShared decides whether contact number n gets the shared timestamp.
func (g *Generator) isShared() bool {
	want := g.o.SharedTimestampCount
	if want <= 0 || g.shared >= want {
		return false
	}
	if g.o.Count <= want || g.o.Count == 0 {
		return true
	}
	return g.n%(g.o.Count/want) == 0
}

// Contact returns the next contact.
func (g *Generator) Contact() fakehubspot.Contact {
	defer func() { g.n++ }()
	id := g.nextID
	g.nextID += 1 + g.r.Int64N(3)
	created := g.timeIn(g.o.Start, g.o.End)
	updated := g.timeIn(created, g.o.End)
	if g.isShared() {
		g.shared++
		updated = g.o.SharedTimestamp
		if created.After(updated) {
			created = g.timeIn(g.o.Start, updated)
		}
	}
	first, last := g.pick(firstNames), g.pick(lastNames)
	reg := regions[g.r.IntN(len(regions))]
	p := map[string]string{
		"firstname": first, "lastname": last,
		"company": g.pick(companies), "jobtitle": g.pick(jobTitles),
		"city": reg.city, "state": reg.state, "country": reg.country,
		"zip":                         strconv.Itoa(10000 + g.r.IntN(89999)),
		"lifecyclestage":              g.pick(fakehubspot.LifecycleStages),
		"hs_analytics_source":         g.pick(fakehubspot.AnalyticsSources),
		"hs_language":                 g.pick(fakehubspot.Languages),
		"num_conversion_events":       strconv.Itoa(g.r.IntN(20)),
		"newsletter_opt_in":           strconv.FormatBool(g.chance(0.6)),
		"hs_is_unworked":              strconv.FormatBool(g.chance(0.3)),
		"hs_analytics_num_page_views": strconv.Itoa(g.r.IntN(500)),
		"hs_all_contact_vids":         strconv.FormatInt(id, 10),
	}
	g.addEmail(p, first, last, id)
	g.addPhones(p, reg)
	g.addOptional(p, created)
	return fakehubspot.Contact{ID: id, CreatedAt: created, UpdatedAt: updated, Properties: p}
}

var asciiReplacer = strings.NewReplacer("ü", "u", "ö", "o", "ı", "i", "ë", "e", "é", "e", "'", "", "ç", "c", "ş", "s")

func ascii(s string) string { return strings.ToLower(asciiReplacer.Replace(s)) }

func (g *Generator) addEmail(p map[string]string, first, last string, id int64) {
	u := fmt.Sprintf("%s.%s%d", ascii(first), ascii(last), id) // the id keeps every email unique
	switch x := g.r.Float64(); {
	case x < g.o.MissingEmailShare:
		return
	case x < g.o.MissingEmailShare+g.o.InvalidEmailShare:
		p["email"] = []string{u + "@", u + ".example.com", u + "@localhost", "@" + g.pick(domains)}[g.r.IntN(4)]
	default:
		d := g.pick(domains)
		e := u + "@" + d
		if g.chance(0.1) {
			e = strings.ToUpper(e[:1]) + e[1:] // mixed case, still valid
		}
		p["email"] = e
		p["hs_email_domain"] = d
	}
}

func (g *Generator) addPhones(p map[string]string, reg region) {
	d := digits(g.r, 10)
	switch x := g.r.Float64(); {
	case x < g.o.InvalidPhoneShare:
		p["phone"] = g.pick(invalidPhones)
	case g.chance(g.o.NationalPhoneShare):
		p["phone"] = reg.national(d)
	default:
		p["phone"] = reg.e164(d)
	}
	if v := p["phone"]; strings.HasPrefix(v, "+") {
		p["hs_searchable_calculated_phone_number"] = strings.TrimPrefix(v, "+"+reg.dial)
	}
	if g.chance(0.5) {
		p["mobilephone"] = reg.e164(digits(g.r, 10))
	}
	if g.chance(0.1) {
		p["hs_whatsapp_phone_number"] = reg.e164(digits(g.r, 10))
	}
}

func (g *Generator) addOptional(p map[string]string, created time.Time) {
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	dt := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
	opt := map[string]func() string{
		"website":              func() string { return "https://www." + g.pick(domains) },
		"address":              func() string { return fmt.Sprintf("%d Main Street", 1+g.r.IntN(300)) },
		"message":              func() string { return "Hello,\n\"quoted\" text with tab\tand ünicode ✓" },
		"hs_lead_status":       func() string { return g.pick(fakehubspot.LeadStatuses) },
		"industry":             func() string { return g.pick(fakehubspot.Industries) },
		"interests":            func() string { return g.pick(fakehubspot.Interests) + ";" + g.pick(fakehubspot.Interests) },
		"gender":               func() string { return g.pick([]string{"female", "male", "other"}) },
		"num_notes":            func() string { return strconv.Itoa(g.r.IntN(50)) },
		"total_revenue":        func() string { return strconv.FormatFloat(float64(g.r.IntN(1000000))/100, 'f', -1, 64) },
		"hubspotscore":         func() string { return strconv.Itoa(g.r.IntN(100)) },
		"sms_opt_in":           func() string { return strconv.FormatBool(g.chance(0.4)) },
		"hs_email_bad_address": func() string { return "false" },
		"date_of_birth": func() string {
			return day(time.Date(1950+g.r.IntN(55), time.Month(1+g.r.IntN(12)), 1+g.r.IntN(28), 0, 0, 0, 0, time.UTC))
		},
		"renewal_date":                func() string { return day(created.AddDate(1, 0, 0)) },
		"first_conversion_date":       func() string { return dt(created.Add(time.Duration(g.r.IntN(3600)) * time.Second)) },
		"notes_last_contacted":        func() string { return dt(created.Add(time.Duration(g.r.IntN(86400*30)) * time.Second)) },
		"hs_lifecyclestage_lead_date": func() string { return dt(created) },
	}
	for _, name := range optionalOrder {
		if g.chance(0.7) {
			p[name] = opt[name]()
		}
	}
}

// optionalOrder fixes iteration order so output depends only on the seed.
var optionalOrder = []string{"website", "address", "message", "hs_lead_status", "industry", "interests", "gender",
	"num_notes", "total_revenue", "hubspotscore", "sms_opt_in", "hs_email_bad_address", "date_of_birth",
	"renewal_date", "first_conversion_date", "notes_last_contacted", "hs_lifecyclestage_lead_date"}
