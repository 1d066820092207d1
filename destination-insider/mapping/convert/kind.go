// Package convert turns one value of a record into the JSON Insider expects for its kind:
// text, numbers, booleans, dates, emails and phone numbers (checked like identifiers, phone
// numbers in E.164), languages, countries (ISO 3166-1 alpha-2) and lists. It also checks
// identifier values (NormalizeEmail, NormalizeID, PhoneRules). It is pure: no I/O and no
// goroutines; the mapping calls it for every value it sends.
package convert

// Kind is the JSON type Insider expects for an attribute or event parameter, and so the
// conversion its values get (Rules.Append).
type Kind uint8

// The kinds. Insider's default names have theirs; custom names are Any unless Insider's
// metadata declares a type.
const (
	Any       Kind = iota // custom names: the value is sent as it comes
	String                // strings; numbers and booleans are sent as their text
	Number                // JSON number; numeric strings are converted
	Integer               // JSON number without fraction
	Bool                  // JSON boolean regardless of boolean_format
	Date                  // RFC 3339 UTC with Z, seconds precision
	Email                 // trimmed, lower-cased, checked like the identifier
	Phone                 // E.164, like the identifier
	Language              // string, '-' becomes '_' (en-US -> en_US)
	Array                 // JSON array (a scalar becomes a one-element array)
	FloatList             // JSON array of numbers
	Country               // ISO 3166-1 alpha-2, converted from names and codes
	List                  // JSON array; a string is split at ';' (HubSpot multi-selects)
)
