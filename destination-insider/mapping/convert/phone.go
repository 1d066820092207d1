package convert

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// PhoneRules normalises phone numbers to E.164, as the phone settings of a config say.
type PhoneRules struct {
	enabled bool
	region  string // ISO 3166 alpha-2 for national numbers; "" requires +CC
	fast    *nationalRule
}

// NewPhoneRules returns the rules of the phone settings: enabled normalises numbers (else only
// numbers already in E.164 are taken), and region, an ISO 3166-1 alpha-2 code, is the country
// of numbers written without a country code ("" refuses them).
func NewPhoneRules(enabled bool, region string) PhoneRules {
	return PhoneRules{enabled: enabled, region: region, fast: ruleFor(region)}
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

// Normalize returns s in E.164, or false when it cannot be made valid.
func (p PhoneRules) Normalize(s string) (string, bool) {
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

// parse is Normalize's full path through libphonenumber. The quick path only ever gives its
// answer sooner (FuzzPhoneQuickPathAgrees holds it to that).
func (p PhoneRules) parse(s string) (string, bool) {
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

// possibleE164 reports whether num has a length its country code allows for a full number
// (not a local-only one) and a national number
// that is not all zeros (a placeholder, never assigned).
func possibleE164(num *phonenumbers.PhoneNumber) bool {
	nsn := phonenumbers.GetNationalSignificantNumber(num)
	return phonenumbers.IsPossibleNumberWithReason(num) == phonenumbers.IS_POSSIBLE && strings.Trim(nsn, "0") != ""
}

// Parsing a phone number with phonenumbers costs about 10 µs, most of it in
// regular expressions. Most CRM phone values are plain digits with
// punctuation, so those take a quick path built from the same metadata
// (country code, national prefix, national number pattern); any value the
// quick path is not sure about goes to phonenumbers.Parse. phone_test.go
// checks that both paths agree.

// nationalRule is what the quick path needs to know about one region.
type nationalRule struct {
	cc      string         // country calling code
	prefix  string         // national (trunk) prefix, "" when none
	pattern *regexp.Regexp // national significant numbers of the region
	idd     *regexp.Regexp // the region's international dialling prefix, at the start
	lengths []int32        // the lengths pattern's numbers may have; none means any
	types   []numberDesc   // the kinds of valid number (fixed line, mobile, toll free, ...)
}

// numberDesc is one kind of valid number of a region, as phonenumbers.IsValidNumber checks it.
type numberDesc struct {
	pattern *regexp.Regexp
	lengths []int32 // none means any
}

func (d numberDesc) matches(n string) bool {
	return lengthFits(d.lengths, n) && d.pattern.MatchString(n)
}

// lengthFits reports whether n has one of lengths; any length fits when there are none.
func lengthFits(lengths []int32, n string) bool {
	return len(lengths) == 0 || slices.Contains(lengths, int32(len(n)))
}

// valid reports whether n, a national significant number that fits the region's pattern, is a
// valid one: it has a length the region's numbers have and fits one of their kinds, which is
// what phonenumbers.IsValidNumber asks.
func (r *nationalRule) valid(n string) bool {
	return lengthFits(r.lengths, n) && slices.ContainsFunc(r.types, func(t numberDesc) bool { return t.matches(n) })
}

// rules caches nationalRule by region; a nil rule means "no quick path".
var rules sync.Map

// ruleFor returns the quick-path rule of a region, or nil when the region's
// national prefix is more than a fixed digit string.
func ruleFor(region string) *nationalRule {
	if region == "" {
		return nil
	}
	if r, ok := rules.Load(region); ok {
		if nr, ok := r.(*nationalRule); ok {
			return nr
		}
	}
	r := buildRule(region)
	rules.Store(region, r)
	return r
}

func buildRule(region string) *nationalRule {
	md := regionMetadata(region)
	if md == nil || md.GetNationalPrefixTransformRule() != "" || md.GetGeneralDesc().GetNationalNumberPattern() == "" {
		return nil
	}
	prefix := md.GetNationalPrefixForParsing()
	if prefix == "" {
		prefix = md.GetNationalPrefix()
	}
	if !allDigits(prefix) {
		return nil
	}
	re, err := regexp.Compile("^(?:" + md.GetGeneralDesc().GetNationalNumberPattern() + ")$")
	if err != nil {
		return nil
	}
	idd, err := regexp.Compile("^(?:" + md.GetInternationalPrefix() + ")")
	if err != nil || md.GetInternationalPrefix() == "" {
		return nil
	}
	r := &nationalRule{cc: strconv.Itoa(int(md.GetCountryCode())), prefix: prefix, pattern: re, idd: idd,
		lengths: md.GetGeneralDesc().GetPossibleLength()}
	// The commonest kinds first: any match makes a number valid.
	for _, d := range []*phonenumbers.PhoneNumberDesc{md.GetFixedLine(), md.GetMobile(), md.GetTollFree(), md.GetPremiumRate(),
		md.GetSharedCost(), md.GetVoip(), md.GetPersonalNumber(), md.GetPager(), md.GetUan(), md.GetVoicemail()} {
		if d.GetNationalNumberPattern() == "" {
			continue // the region has no such numbers
		}
		p, err := regexp.Compile("^(?:" + d.GetNationalNumberPattern() + ")$")
		if err != nil {
			return nil
		}
		r.types = append(r.types, numberDesc{pattern: p, lengths: d.GetPossibleLength()})
	}
	return r
}

// metadataCollection parses phonenumbers' metadata once; the library's own
// cache is not safe for concurrent first use.
var metadataCollection = sync.OnceValues(phonenumbers.MetadataCollection)

// regionMetadata returns phonenumbers' metadata of a region, or nil.
func regionMetadata(region string) *phonenumbers.PhoneMetadata {
	coll, err := metadataCollection()
	if err != nil || coll == nil {
		return nil
	}
	for _, md := range coll.GetMetadata() {
		if md.GetId() == region {
			return md
		}
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// national returns the national significant number of digits d dialled in
// the rule's region, or false when the quick path cannot tell.
func (r *nationalRule) national(d string) (string, bool) {
	if r.prefix != "" && len(d) > len(r.prefix) && d[:len(r.prefix)] == r.prefix {
		// phonenumbers strips the prefix only when the rest still fits the
		// pattern; when both forms fit, leave it to the full parser.
		stripped := d[len(r.prefix):]
		if r.pattern.MatchString(stripped) && !r.pattern.MatchString(d) {
			return stripped, true
		}
		return "", false
	}
	if r.pattern.MatchString(d) {
		return d, true
	}
	return "", false
}

// quick normalises s when it is a plain number: an optional leading '+'
// and digits separated by spaces, '-', '.', '/' or (without '+') parentheses.
// ok is false when s needs the full parser.
func (p PhoneRules) quick(s string) (string, bool) {
	var buf [20]byte
	n, plus, ok := plainDigits(&buf, s, true)
	if !ok || n < 2 {
		return "", false
	}
	d := string(buf[:n])
	var r *nationalRule
	if plus {
		if r, d, ok = countryRule(d); !ok {
			return "", false
		}
	} else {
		if d[0] == '0' && d[1] == '0' {
			return "", false // international prefix: leave it to the parser
		}
		r = p.fast
	}
	if r == nil {
		return "", false
	}
	national, ok := r.national(d)
	if !ok || !r.valid(national) {
		return "", false // not a valid number of the region: the full path decides
	}
	out := "+" + r.cc + national
	return out, isE164(out)
}

// plainDigits puts the digits of s in buf when s is a plain number: at most 20 digits separated
// by spaces, '-', '.', '/' or parentheses, after an optional leading '+' when plusOK
// (parentheses are not taken after a '+'), and returns how many there are. ok is false for
// anything else.
func plainDigits(buf *[20]byte, s string, plusOK bool) (n int, plus, ok bool) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if n == len(buf) {
				return 0, false, false
			}
			buf[n] = c
			n++
		case c == '+' && i == 0 && plusOK:
			plus = true
		case c == ' ' || c == '-' || c == '.' || c == '/':
		case (c == '(' || c == ')') && !plus:
		default:
			return 0, false, false
		}
	}
	return n, plus, true
}

// countryRule reads the country code that d, the digits of a number written with '+', starts
// with, and returns the quick-path rule of its region (nil when no region has the code) and the
// digits after the code. ok is false when the full parser must decide.
func countryRule(d string) (r *nationalRule, rest string, ok bool) {
	// Country codes are prefix-free: the first 1 to 3 digits that name
	// a region are the code.
	for l := 1; l <= 3 && l < len(d); l++ {
		cc, _ := strconv.Atoi(d[:l])
		region := phonenumbers.GetRegionCodeForCountryCode(cc)
		if region == "ZZ" || region == "001" {
			continue
		}
		if r = ruleFor(region); r == nil || r.cc != d[:l] {
			return nil, "", false
		}
		rest = d[l:]
		if r.prefix != "" && len(rest) >= len(r.prefix) && rest[:len(r.prefix)] == r.prefix {
			return nil, "", false // a trunk prefix after the country code: leave it to the parser
		}
		return r, rest, true
	}
	return nil, d, true
}

// quickInvalid reports whether s, a plain national number (digits and separators, no '+' and no
// 00 prefix), can be no number of the default region: neither it nor it without the trunk prefix
// fits the region's numbers, and it does not start with the region's country code or
// international dialling prefix (from which phonenumbers.Parse would read another country).
// Such values (numbers of other countries written nationally, junk) would otherwise cost a full
// parse each.
func (p PhoneRules) quickInvalid(s string) bool {
	r := p.fast
	if r == nil {
		return false
	}
	var buf [20]byte
	n, _, ok := plainDigits(&buf, s, false)
	if !ok || n < 2 || (buf[0] == '0' && buf[1] == '0') {
		return false
	}
	d := string(buf[:n])
	if r.pattern.MatchString(d) || strings.HasPrefix(d, r.cc) || r.idd.MatchString(d) {
		return false
	}
	if r.prefix != "" && strings.HasPrefix(d, r.prefix) && r.pattern.MatchString(d[len(r.prefix):]) {
		return false
	}
	return true
}
