package mapping

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// placeholders are values that systems write when they have no real one.
// Insider advises blocking them: as identifiers they merge unrelated users.
var placeholders = map[string]bool{
	"null": true, "nil": true, "none": true, "undefined": true, "nan": true, "anonymous": true,
	"n/a": true, "na": true, "-": true, "unknown": true, "[object object]": true,
}

// isPlaceholder reports whether s, free text such as an email or a phone
// field, is a placeholder rather than a value: a placeholder word, or 0 or 1,
// which forms and imports write into a field they have no value for.
func isPlaceholder(s string) bool {
	s = strings.TrimSpace(s)
	return s == "0" || s == "1" || isPlaceholderWord(s)
}

// isPlaceholderWord reports whether s is a placeholder word (null, n/a, ...).
// A number is never one: 0 and 1 are record ids like any other.
func isPlaceholderWord(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) > len("[object object]") {
		return false
	}
	return placeholders[strings.ToLower(s)]
}

// normalizeEmail trims and lower-cases an email and checks it against
// Insider's rule ^.+@.+\..+$. White space is refused except inside a
// quoted local part ("john doe"@example.com is valid in RFC 5322, and
// Insider's rule takes it); line breaks never match the rule.
func normalizeEmail(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if isPlaceholder(s) || strings.ContainsAny(s, "\r\n") {
		return "", false
	}
	if len(s) < len("a@b.c") {
		return "", false
	}
	if strings.ContainsAny(s[quotedLocalEnd(s):], " \t") {
		return "", false
	}
	// Regex semantics: some '@' after the first character, then at least
	// one character, a '.', and at least one character.
	at := strings.IndexByte(s[1:], '@') + 1
	if at < 1 {
		return "", false
	}
	if dot := strings.LastIndexByte(s[:len(s)-1], '.'); dot < at+2 {
		return "", false
	}
	return strings.ToLower(s), true
}

// quotedLocalEnd returns the index just past the quoted local part that s
// starts with ("..." followed by '@'), or 0 when it has none.
func quotedLocalEnd(s string) int {
	if len(s) == 0 || s[0] != '"' {
		return 0
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++ // a quoted pair
		case '"':
			if i+1 < len(s) && s[i+1] == '@' {
				return i + 1
			}
			return 0
		}
	}
	return 0
}

// phoneRules normalises phone numbers.
type phoneRules struct {
	enabled bool
	region  string // ISO 3166 alpha-2 for national numbers; "" requires +CC
	fast    *nationalRule
}

func newPhoneRules(enabled bool, region string) phoneRules {
	return phoneRules{enabled: enabled, region: region, fast: ruleFor(region)}
}

// isE164 checks Insider's phone rule ^\+[1-9]\d{6,14}$.
func isE164(s string) bool {
	if len(s) < 8 || len(s) > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9' {
		return false
	}
	for i := 2; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// normalize returns s in E.164, or false when it cannot be made valid.
func (p phoneRules) normalize(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if isPlaceholder(s) {
		return "", false
	}
	if !p.enabled {
		return s, isE164(s)
	}
	if out, ok := p.quick(s); ok {
		return out, true
	}
	if p.quickInvalid(s) {
		return "", false
	}
	return p.parse(s)
}

// parse is normalize's full path through libphonenumber. The quick path only ever gives its
// answer sooner (FuzzPhoneQuickPathAgrees holds it to that).
func (p phoneRules) parse(s string) (string, bool) {
	if strings.HasPrefix(s, "00") && p.region == "" {
		s = "+" + s[2:]
	}
	num, err := phonenumbers.Parse(s, p.region)
	if err != nil {
		return "", false
	}
	if !phonenumbers.IsValidNumber(num) && (!isE164(s) || !possibleE164(num)) {
		// A national number libphonenumber does not know ("000-000" becomes "+1000000")
		// would merge unrelated people in Insider. A number already written in E.164 is
		// taken when its length fits its country: libphonenumber's ranges lag new ones.
		return "", false
	}
	out := phonenumbers.Format(num, phonenumbers.E164)
	if !isE164(out) {
		return "", false
	}
	return out, true
}

// normalizeID trims a uuid or custom identifier and rejects placeholder
// words. Such identifiers are record ids (a HubSpot contact id, 1 included),
// so a value is valid whatever it holds but a word meaning "no value".
func normalizeID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if isPlaceholderWord(s) {
		return "", false
	}
	return s, true
}

// possibleE164 reports whether num has a length its country code allows for a full number
// (not a local-only one) and a national number
// that is not all zeros (a placeholder, never assigned).
func possibleE164(num *phonenumbers.PhoneNumber) bool {
	nsn := phonenumbers.GetNationalSignificantNumber(num)
	return phonenumbers.IsPossibleNumberWithReason(num) == phonenumbers.IS_POSSIBLE && strings.Trim(nsn, "0") != ""
}
