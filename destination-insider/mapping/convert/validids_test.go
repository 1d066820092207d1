package convert

import (
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// TestValidIdentifiersAreNeverRejected lists values that are valid for their identifier type and
// that the placeholder and sanity rules used to refuse: a quoted local part with a space
// (RFC 5322), and numbers written in E.164 whose range libphonenumber's metadata does not know.
func TestValidIdentifiersAreNeverRejected(t *testing.T) {
	t.Parallel()
	for _, e := range []string{
		`"john doe"@example.com`, `"a\" b"@example.org`, `"tab	here"@example.net`,
		`o'brien@example.ie`, `user+tag@sub.example.co.uk`, `üser@exämple.de`, `a@[192.168.0.1]`,
		`A@B.CO`, `x@example.museum`, `"@"@example.com`,
	} {
		if got, ok := NormalizeEmail(e); !ok || got != strings.ToLower(e) {
			t.Errorf("NormalizeEmail(%q) = %q, %v; it is a valid address", e, got, ok)
		}
	}
	for _, e := range []string{"john doe@example.com", "a@b", "a\n@b.co", `"x"y z@example.com`} {
		if got, ok := NormalizeEmail(e); ok {
			t.Errorf("NormalizeEmail(%q) = %q, want it refused", e, got)
		}
	}
	p := NewPhoneRules(true, "US")
	for _, n := range []string{"+811377894565", "+446815222356", "+971338779410", "+91969690172952", "+14155552671"} {
		if got, ok := p.Normalize(n); !ok || got != n {
			t.Errorf("Normalize(%q) = %q, %v; it is a possible E.164 number", n, got, ok)
		}
	}
	for _, n := range []string{"+10000000000", "+18364357", "000-000", "+1 0"} {
		if got, ok := p.Normalize(n); ok {
			t.Errorf("Normalize(%q) = %q, want it refused", n, got)
		}
	}
}

// FuzzEmailRuleKeepsValidAddresses: every address Insider's rule takes, without white space
// outside a quoted local part and without a line break, is accepted, and what is sent still
// matches Insider's rule.
func FuzzEmailRuleKeepsValidAddresses(f *testing.F) {
	for _, s := range []string{"a@b.c", `"john doe"@example.com`, "x.y+z@sub.example.org", "@@b.co"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := NormalizeEmail(s)
		if ok && !fakeinsider.ValidEmail(got) {
			t.Fatalf("NormalizeEmail(%q) = %q, which Insider refuses", s, got)
		}
		trimmed := strings.TrimSpace(s)
		if !fakeinsider.ValidEmail(trimmed) || isPlaceholder(trimmed) || strings.ContainsAny(trimmed, "\r\n") ||
			strings.ContainsAny(trimmed[quotedLocalEnd(trimmed):], " \t") {
			return
		}
		if !ok {
			t.Fatalf("NormalizeEmail(%q) refused an address Insider takes", s)
		}
	})
}

// FuzzPhoneRulesKeepValidNumbers: a number written in E.164 that libphonenumber calls valid is
// never refused, whatever the default region; the quick paths agree with libphonenumber; and
// whatever is sent matches Insider's rule.
func FuzzPhoneRulesKeepValidNumbers(f *testing.F) {
	for _, s := range []string{"+14155552671", "(415) 555-2671", "0212 555 12 12", "+90 212 555 1212", "00442079460000", "+811377894565"} {
		f.Add(s, "US")
		f.Add(s, "TR")
	}
	f.Fuzz(func(t *testing.T, s, region string) {
		region = strings.ToUpper(region)
		if region != "" && phonenumbers.GetCountryCodeForRegion(region) == 0 {
			return
		}
		p := NewPhoneRules(true, region)
		got, ok := p.Normalize(s)
		if ok && !fakeinsider.ValidPhone(got) {
			t.Fatalf("Normalize(%q, %s) = %q, which Insider refuses", s, region, got)
		}
		if p.quickInvalid(s) {
			if num, err := phonenumbers.Parse(s, region); err == nil && phonenumbers.IsValidNumber(num) {
				t.Fatalf("%q in %s: the quick path rules out a number phonenumbers reads as %s", s, region, phonenumbers.Format(num, phonenumbers.E164))
			}
		}
		if q, qok := p.quick(s); qok {
			if num, err := phonenumbers.Parse(s, region); err == nil && phonenumbers.IsValidNumber(num) &&
				phonenumbers.Format(num, phonenumbers.E164) != q {
				t.Fatalf("%q in %s: quick path %q, phonenumbers %q", s, region, q, phonenumbers.Format(num, phonenumbers.E164))
			}
		}
		if e := strings.TrimSpace(s); fakeinsider.ValidPhone(e) {
			if num, err := phonenumbers.Parse(e, ""); err == nil && phonenumbers.IsValidNumber(num) && !ok {
				t.Fatalf("Normalize(%q, %s) refused a valid E.164 number", s, region)
			}
		}
	})
}
