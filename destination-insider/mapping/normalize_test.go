package mapping

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
		_, id := normalizeID(tc.in)
		_, email := normalizeEmail(tc.in)
		_, phone := newPhoneRules(true, "US").normalize(tc.in)
		if id != tc.id || (email || phone) != tc.text {
			t.Errorf("%q: valid as id %v, as email %v, as phone %v; want id %v, free text %v", tc.in, id, email, phone, tc.id, tc.text)
		}
	}
}
