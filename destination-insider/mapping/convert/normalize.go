package convert

import "strings"

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

// NormalizeEmail trims and lower-cases an email and checks it against
// Insider's rule ^.+@.+\..+$. White space is refused except inside a
// quoted local part ("john doe"@example.com is valid in RFC 5322, and
// Insider's rule takes it); line breaks never match the rule.
func NormalizeEmail(s string) (string, bool) {
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

// NormalizeID trims a uuid or custom identifier and rejects placeholder
// words. Such identifiers are record ids (a HubSpot contact id, 1 included),
// so a value is valid whatever it holds but a word meaning "no value".
func NormalizeID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if isPlaceholderWord(s) {
		return "", false
	}
	return s, true
}
