package fakeinsider

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// This file holds the account-level rules the fake applies to users that passed validation:
// which custom attributes the account declares and with what type, the country format, which
// identifiers take part in identity resolution, and event retention. Insider documents the rules
// (https://academy.insiderone.com/docs/upsert-user-data-api,
// https://academy.insiderone.com/docs/identity-resolution-management-settings,
// https://academy.insiderone.com/v1/docs/data-retention) but not what it does with a value
// that breaks them; the fake guesses "not reflected": the value is left out, the user is still
// accepted (PM: "if some attributes … are not reflected … ensure that the data types match"), and
// each left-out value is counted by reason (see Ignored).

// DefaultCustomAttributes are the custom attributes the fake's account declares when
// Options.CustomAttributes is nil: the ones the project's sample, demo and benchmark configs map,
// and hubspot_lists, an array for the names of HubSpot lists a contact is in.
var DefaultCustomAttributes = map[string]string{
	"lifecycle_stage": "string", "crm_source": "string", "company": "string", "job_title": "string",
	"hubspot_lists": "array",
}

// Ignore reasons, as counted by Ignored.
const (
	IgnoredUndeclared  = "undeclared_attribute" // a custom attribute the account does not declare
	IgnoredMistyped    = "mistyped_attribute"   // a value not of the declared type
	IgnoredCountry     = "invalid_country"      // country not ISO 3166-1 alpha-2
	IgnoredIdentifier  = "identifier_attribute" // an identity identifier sent under attributes
	IgnoredPastTTL     = "event_past_retention" // an event older than the account keeps
	IgnoredNotIdentity = "not_an_identity"      // an identifier type not in identity resolution
	// IgnoredOverLimit counts identifiers an upsert carried that the profile it reached could not
	// take: another value of that type is already on it (identity.go).
	IgnoredOverLimit = "identifier_over_limit"
)

var countryRe = regexp.MustCompile(`^[A-Z]{2}$`)

// Retention of events by name (AC-RET): purchase 730 days; custom events at most 3 months.
const (
	purchaseRetention = 730 * 24 * time.Hour
	// DefaultEventRetention is how long the fake keeps custom events.
	DefaultEventRetention = 90 * 24 * time.Hour
)

// account is the fake's account configuration.
type account struct {
	mu        sync.Mutex        // guards custom (DeclareCustomAttribute adds to it)
	custom    map[string]string // declared custom attributes -> type
	identity  map[string]bool   // identifier types in identity resolution; nil: all
	prio      priority          // priority order of identifier types (identity.go)
	retention time.Duration
}

func newAccount(o Options) *account {
	a := &account{custom: o.CustomAttributes, retention: o.EventRetention, prio: o.IdentifierPriority}
	if a.prio == nil {
		a.prio = DefaultIdentifierPriority
	}
	if a.custom == nil {
		a.custom = maps.Clone(DefaultCustomAttributes)
	}
	if o.IdentityIdentifiers != nil {
		a.identity = map[string]bool{}
		for _, id := range o.IdentityIdentifiers {
			a.identity[id] = true
		}
	}
	return a
}

// apply leaves out of u what the account does not take, counting each by reason in ignored.
func (a *account) apply(u *user, now time.Time, ignored map[string]int) {
	for _, id := range []string{"email", "phone_number", "uuid"} {
		if _, ok := u.attrs[id]; ok && a.isIdentity(id) {
			// "Identifiers must be placed under the identifiers object only" (PM); an identity
			// identifier "is written to the profile only from the identity flow" (AC-IRM).
			delete(u.attrs, id)
			ignored[IgnoredIdentifier]++
		}
	}
	if c, ok := u.attrs["country"]; ok {
		if s, isString := c.(string); !isString || !countryRe.MatchString(s) {
			delete(u.attrs, "country")
			ignored[IgnoredCountry]++
		}
	}
	if cm, ok := u.attrs["custom"].(map[string]any); ok {
		for _, k := range slices.Sorted(maps.Keys(cm)) {
			typ, declared := a.customType(k)
			switch {
			case !declared:
				delete(cm, k)
				ignored[IgnoredUndeclared]++
			case !hasType(cm[k], typ):
				delete(cm, k)
				ignored[IgnoredMistyped]++
			}
		}
		if len(cm) == 0 {
			delete(u.attrs, "custom")
		}
	}
	a.moveNonIdentity(u, ignored)
	kept := u.events[:0]
	for _, ev := range u.events {
		ttl := a.retention
		if ev.Name == "purchase" {
			ttl = max(ttl, purchaseRetention)
		}
		if ev.At.Before(now.Add(-ttl)) {
			ignored[IgnoredPastTTL]++ // "Events with timestamps exceeding the TTL will not be written."
			continue
		}
		kept = append(kept, ev)
	}
	u.events = kept
}

// isIdentity reports whether an identifier type takes part in identity resolution.
func (a *account) isIdentity(id string) bool { return a.identity == nil || a.identity[id] }

// moveNonIdentity turns identifiers outside identity resolution into plain attributes: they do
// not unify profiles (AC-IRM: only identifiers configured in IRM act as identifiers).
func (a *account) moveNonIdentity(u *user, ignored map[string]int) {
	if a.identity == nil {
		return
	}
	move := func(name string, v *string) {
		if *v != "" && !a.identity[name] {
			u.attrs[name] = *v
			*v = ""
			ignored[IgnoredNotIdentity]++
		}
	}
	move("email", &u.ids.Email)
	move("phone_number", &u.ids.PhoneNumber)
	move("uuid", &u.ids.UUID)
	for name, v := range u.ids.Custom {
		if !a.identity["custom."+name] {
			cm, _ := u.attrs["custom"].(map[string]any)
			if cm == nil {
				cm = map[string]any{}
				u.attrs["custom"] = cm
			}
			cm[name] = v
			delete(u.ids.Custom, name)
			ignored[IgnoredNotIdentity]++
		}
	}
}

// hasType reports whether v (decoded JSON) is of a declared attribute type.
func hasType(v any, typ string) bool {
	switch strings.ToLower(typ) {
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "date":
		s, ok := v.(string)
		if !ok || !strings.HasSuffix(s, "Z") {
			return false
		}
		_, err := time.Parse(time.RFC3339, s)
		return err == nil
	case "array":
		_, ok := v.([]any)
		return ok
	}
	return true // a type the fake does not model takes any value
}

// columns lists the account's attribute metadata: default attributes, then declared customs.
func (a *account) columns() []map[string]string {
	out := []map[string]string{}
	for _, c := range defaultColumns {
		out = append(out, map[string]string{"key": c.key, "display_name": c.name, "type": c.typ})
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, k := range slices.Sorted(maps.Keys(a.custom)) {
		out = append(out, map[string]string{"key": "c_" + k, "display_name": k, "type": a.custom[k]})
	}
	return out
}

// customType returns the declared type of custom attribute k.
func (a *account) customType(k string) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	typ, ok := a.custom[k]
	return typ, ok
}

// declare adds (or retypes) a declared custom attribute.
func (a *account) declare(name, typ string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.custom[name] = typ
}
