package datagen_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nyaruka/phonenumbers"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

var insiderEmail = regexp.MustCompile(`^.+@.+\..+$`)

func TestDeterministic(t *testing.T) {
	o := datagen.Options{Seed: 3, Count: 200}
	if diff := cmp.Diff(datagen.Contacts(o), datagen.Contacts(o)); diff != "" {
		t.Fatalf("same seed, different output:\n%s", diff)
	}
	o.Seed = 4
	if cmp.Equal(datagen.Contacts(datagen.Options{Seed: 3, Count: 5}), datagen.Contacts(datagen.Options{Seed: 4, Count: 5})) {
		t.Fatal("different seeds, same output")
	}
}

func TestContactsShape(t *testing.T) {
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 1, 0)
	shared := start.Add(72 * time.Hour)
	cs := datagen.Contacts(datagen.Options{Seed: 1, Count: 2000, Start: start, End: end,
		InvalidEmailShare: 0.1, SharedTimestampCount: 300, SharedTimestamp: shared})
	types := map[string]string{}
	for _, p := range fakehubspot.DefaultProperties() {
		types[p.Name] = p.Type
	}
	var invalidEmail, missingEmail, national, e164, badPhone, sharedN int
	last := int64(0)
	for _, c := range cs {
		if c.ID <= last || c.ID < 1<<32 {
			t.Fatalf("ids must grow and exceed 32 bits: %d after %d", c.ID, last)
		}
		last = c.ID
		if c.CreatedAt.Before(start) || c.UpdatedAt.After(end) || c.UpdatedAt.Before(c.CreatedAt) {
			t.Fatalf("times out of range: %+v", c)
		}
		if c.UpdatedAt.Equal(shared) {
			sharedN++
		}
		for name, v := range c.Properties {
			typ, ok := types[name]
			if !ok {
				t.Fatalf("property %s not in the catalog", name)
			}
			checkValue(t, name, typ, v)
		}
		switch e, ok := c.Properties["email"]; {
		case !ok:
			missingEmail++
		case !insiderEmail.MatchString(e):
			invalidEmail++
		}
		phone := c.Properties["phone"]
		region := map[string]string{"United States": "US", "United Kingdom": "GB", "Germany": "DE", "Türkiye": "TR", "France": "FR"}[c.Properties["country"]]
		num, err := phonenumbers.Parse(phone, region)
		switch {
		case err != nil || !phonenumbers.IsValidNumber(num):
			badPhone++
		case strings.HasPrefix(phone, "+"):
			e164++
		default:
			national++
		}
		if m, ok := c.Properties["mobilephone"]; ok {
			if n, err := phonenumbers.Parse(m, ""); err != nil || !phonenumbers.IsValidNumber(n) {
				t.Fatalf("mobilephone %q is not valid", m)
			}
		}
	}
	if sharedN != 300 {
		t.Errorf("%d contacts on the shared timestamp, want 300", sharedN)
	}
	for name, n := range map[string]int{"invalid email": invalidEmail, "missing email": missingEmail,
		"national phone": national, "e164 phone": e164, "invalid phone": badPhone} {
		if n < 40 {
			t.Errorf("%s: only %d of 2000", name, n)
		}
	}
	if badPhone > 200 {
		t.Errorf("%d invalid phones: valid numbers are being generated invalid", badPhone)
	}
}

func checkValue(t *testing.T, name, typ, v string) {
	t.Helper()
	var err error
	switch typ {
	case fakehubspot.TypeNumber:
		_, err = strconv.ParseFloat(v, 64)
	case fakehubspot.TypeBool:
		_, err = strconv.ParseBool(v)
	case fakehubspot.TypeDate:
		_, err = time.Parse("2006-01-02", v)
	case fakehubspot.TypeDateTime:
		_, err = time.Parse("2006-01-02T15:04:05.000Z", v)
	}
	if err != nil {
		t.Fatalf("%s (%s) = %q: %v", name, typ, v, err)
	}
}

func TestEvents(t *testing.T) {
	ids := []int64{11, 12, 13}
	evs := datagen.Events(datagen.EventOptions{Seed: 2, ContactIDs: ids, Count: 300})
	if len(evs) != 300 {
		t.Fatalf("%d events", len(evs))
	}
	defs := map[string]bool{}
	for _, d := range fakehubspot.DefaultEventDefinitions(fakehubspot.DefaultPortalID) {
		defs[d.FullyQualifiedName] = true
	}
	ties := 0
	for i, e := range evs {
		if !defs[e.EventType] || e.ObjectID < 11 || e.ObjectID > 13 || e.ObjectType != "contact" {
			t.Fatalf("bad event %+v", e)
		}
		if i > 0 && e.OccurredAt.Equal(evs[i-1].OccurredAt) {
			ties++
		}
	}
	if ties == 0 {
		t.Error("no events share an occurredAt")
	}
	if datagen.Events(datagen.EventOptions{Count: 5}) != nil {
		t.Error("no contacts should give no events")
	}
}

func TestEmailsUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range datagen.Contacts(datagen.Options{Seed: 9, Count: 20000}) {
		e, ok := c.Properties["email"]
		if !ok || !insiderEmail.MatchString(e) {
			continue
		}
		e = strings.ToLower(strings.TrimSpace(e))
		if seen[e] {
			t.Fatalf("email %s generated twice", e)
		}
		seen[e] = true
	}
}
