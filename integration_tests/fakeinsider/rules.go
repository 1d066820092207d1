package fakeinsider

// ValidEmail reports whether Insider's email identifier rule (ruleEmail) takes s, as this
// fake checks upserted identifiers: tests of what a client sends use it instead of a copy.
func ValidEmail(s string) bool { return emailRe.MatchString(s) }

// ValidPhone reports whether Insider's phone_number identifier rule (rulePhone) takes s.
func ValidPhone(s string) bool { return phoneRe.MatchString(s) }
