package mapping

import "strings"

// insiderKind is the JSON type Insider expects for one of its default attribute or
// event parameter names.
type insiderKind uint8

const (
	kindAny       insiderKind = iota // custom names: the value is sent as it comes
	kindString                       // strings; numbers and booleans are sent as their text
	kindNumber                       // JSON number; numeric strings are converted
	kindInteger                      // JSON number without fraction
	kindBool                         // JSON boolean regardless of boolean_format
	kindDate                         // RFC 3339 UTC with Z, seconds precision
	kindEmail                        // trimmed, lower-cased, checked like the identifier
	kindPhone                        // E.164, like the identifier
	kindLanguage                     // string, '-' becomes '_' (en-US -> en_US)
	kindArray                        // JSON array (a scalar becomes a one-element array)
	kindFloatList                    // JSON array of numbers
	kindCountry                      // ISO 3166-1 alpha-2, converted from names and codes
	kindList                         // JSON array; a string is split at ';' (HubSpot multi-selects)
)

// defaultAttributes are Insider's default attribute names with their types.
// Any other attribute name is custom and goes under attributes.custom.
var defaultAttributes = map[string]insiderKind{
	"name":              kindString,
	"surname":           kindString,
	"email":             kindEmail,
	"phone_number":      kindPhone,
	"uuid":              kindString,
	"birthday":          kindDate,
	"gender":            kindString,
	"age":               kindNumber,
	"language":          kindLanguage,
	"country":           kindCountry,
	"city":              kindString,
	"lo":                kindString,
	"email_optin":       kindBool,
	"sms_optin":         kindBool,
	"whatsapp_optin":    kindBool,
	"gdpr_optin":        kindBool,
	"static_segment_id": kindFloatList,
	"list_id":           kindFloatList,
}

// defaultEventParams are Insider's default event parameter names with their
// types. Any other name is custom and goes under event_params.custom.
var defaultEventParams = map[string]insiderKind{
	"product_id":         kindString,
	"name":               kindString,
	"taxonomy":           kindArray,
	"url":                kindString,
	"currency":           kindString,
	"quantity":           kindInteger,
	"unit_price":         kindNumber,
	"unit_sale_price":    kindNumber,
	"locale":             kindString,
	"color":              kindString,
	"size":               kindString,
	"shipping_cost":      kindString, // a String in Insider's parameter table, unlike the other amounts
	"promotion_name":     kindString,
	"promotion_discount": kindNumber,
	"event_group_id":     kindString,
}

// ValidEventName reports whether Insider accepts name as an event name:
// ^[a-z0-9][a-z0-9._-]*$. Insider documents ^[a-z0-9][a-zA-Z0-9._-]*$ but
// refuses upper case in its own sample ("invalid event name: homepageView").
func ValidEventName(name string) bool {
	if name == "" || !isLowerAlnum(rune(name[0])) {
		return false
	}
	for _, r := range name {
		if !isLowerAlnum(r) && r != '.' && r != '_' && r != '-' {
			return false
		}
	}
	return true
}

func isLowerAlnum(r rune) bool { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' }

// NormalizeEventName suggests an event name Insider accepts for name: lower
// case, with '.', '-' and '_' kept and every run of other characters turned
// into one '_'. A valid name comes back unchanged; "" means nothing usable
// is left. The destination never rewrites a configured name: it reports the
// suggestion instead.
func NormalizeEventName(name string) string {
	var b strings.Builder
	pendingSep := false
	for _, r := range strings.ToLower(strings.TrimSpace(name)) {
		switch {
		case isLowerAlnum(r), b.Len() > 0 && (r == '.' || r == '-' || r == '_'):
			if pendingSep && b.Len() > 0 {
				b.WriteByte('_')
			}
			pendingSep = false
			b.WriteRune(r)
		default:
			pendingSep = true
		}
	}
	return b.String()
}
