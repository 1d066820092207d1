package convert

import "testing"

func TestIdentifierPlaceholders(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		id   bool // valid as a uuid or custom identifier
		text bool // valid as an email or phone (normalised with region US)
	}{
		{"0", true, false}, {"1", true, false}, {" 42 ", true, false}, {"-1", true, false},
		{"null", false, false}, {"undefined", false, false}, {"N/A", false, false}, {"[object Object]", false, false}, {"-", false, false},
		{"a@example.com", true, true}, {"+14155550123", true, true},
	} {
		_, id := NormalizeID(tc.in)
		_, email := NormalizeEmail(tc.in)
		_, phone := NewPhoneRules(true, "US").Normalize(tc.in)
		if id != tc.id || (email || phone) != tc.text {
			t.Errorf("%q: valid as id %v, as email %v, as phone %v; want id %v, free text %v", tc.in, id, email, phone, tc.id, tc.text)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		" Ann@Example.COM ": "ann@example.com", "a@b.co": "a@b.co", "@@b.co": "@@b.co", "a@b.c.": "a@b.c.",
		"a@b": "", "@b.co": "", "a@.co": "", "a@b.": "", "a b@c.de": "", "null": "", "": "", "a@b.c": "a@b.c",
	} {
		got, ok := NormalizeEmail(in)
		if ok != (want != "") || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
