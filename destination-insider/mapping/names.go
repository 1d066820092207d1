package mapping

import (
	"strings"

	"github.com/insider-hubspot/connectors/destination-insider/mapping/convert"
)

// defaultAttributes are Insider's default attribute names with their types.
// Any other attribute name is custom and goes under attributes.custom.
var defaultAttributes = map[string]convert.Kind{
	"name":              convert.String,
	"surname":           convert.String,
	"email":             convert.Email,
	"phone_number":      convert.Phone,
	"uuid":              convert.String,
	"birthday":          convert.Date,
	"gender":            convert.String,
	"age":               convert.Number,
	"language":          convert.Language,
	"country":           convert.Country,
	"city":              convert.String,
	"lo":                convert.String,
	"email_optin":       convert.Bool,
	"sms_optin":         convert.Bool,
	"whatsapp_optin":    convert.Bool,
	"gdpr_optin":        convert.Bool,
	"static_segment_id": convert.FloatList,
	"list_id":           convert.FloatList,
}

// defaultEventParams are Insider's default event parameter names with their
// types. Any other name is custom and goes under event_params.custom.
var defaultEventParams = map[string]convert.Kind{
	"product_id":         convert.String,
	"name":               convert.String,
	"taxonomy":           convert.Array,
	"url":                convert.String,
	"currency":           convert.String,
	"quantity":           convert.Integer,
	"unit_price":         convert.Number,
	"unit_sale_price":    convert.Number,
	"locale":             convert.String,
	"color":              convert.String,
	"size":               convert.String,
	"shipping_cost":      convert.String, // a String in Insider's parameter table, unlike the other amounts
	"promotion_name":     convert.String,
	"promotion_discount": convert.Number,
	"event_group_id":     convert.String,
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
