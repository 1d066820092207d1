package fakeinsider

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Validation rules and messages. Keys and messages marked [doc] are copied from Insider's
// published Postman collection (https://developers.insiderone.com/view/metadata/2sB3dSR9bM); the ones marked [inferred] are not
// documented and follow the same users.<i>.<path>.<rule> pattern.
var (
	emailRe     = regexp.MustCompile(`^.+@.+\..+$`)
	phoneRe     = regexp.MustCompile(`^\+[1-9]\d{6,14}$`)
	eventNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`) // documented as ^[a-z0-9][a-zA-Z0-9._-]*$ but "homepageView" is rejected
)

const (
	ruleEmail     = `identifiers.*.regexp(^.+@.+\..+$)`                 // [doc]
	rulePhone     = `identifiers.*.regexp(^\+[1-9]\d{6,14}$)`           // [doc]
	ruleIDString  = `identifiers.*.type(string)`                        // [doc]
	ruleIDKey     = `identifiers.*.in(defaults_column)`                 // [doc]
	ruleEventName = `event_name.*.regexp(^[a-z0-9][a-zA-Z0-9._-]*$)`    // [doc]
	msgNoID       = "either insider_id or idenifiers must be specified" // [doc], Insider's spelling
)

// wireUser is one user object; fields stay raw so type errors can be reported like Insider does.
type wireUser struct {
	InsiderID   json.RawMessage            `json:"insider_id"`
	Identifiers map[string]json.RawMessage `json:"identifiers"`
	Attributes  map[string]json.RawMessage `json:"attributes"`
	Events      []json.RawMessage          `json:"events"`
	NotAppend   *bool                      `json:"not_append"`
	Append      *bool                      `json:"append"`
}

// user is a validated user ready to merge.
type user struct {
	insiderID string
	ids       Identifiers
	attrs     map[string]any
	events    []Event
	overwrite bool // arrays overwrite instead of append
}

type errs map[string][]string

func (e errs) add(key, msg string) { e[key] = append(e[key], msg) }

// validateUser checks user i and returns it or the errors keyed users.<i>.<path>.<rule>.
func validateUser(i int, raw json.RawMessage) (*user, errs) {
	e := errs{}
	p := fmt.Sprintf("users.%d.", i)
	var w wireUser
	if err := json.Unmarshal(raw, &w); err != nil {
		e.add(p+"type(object)", "user must be an object: "+err.Error()) // [inferred]
		return nil, e
	}
	u := &user{ids: Identifiers{Custom: map[string]string{}}, attrs: map[string]any{}}
	if len(w.InsiderID) > 0 {
		if err := json.Unmarshal(w.InsiderID, &u.insiderID); err != nil {
			e.add(p+"insider_id.type(string)", "insider_id must be string: "+string(w.InsiderID)) // [inferred]
		}
	}
	if len(w.Identifiers) == 0 && u.insiderID == "" {
		e.add(p+"identifiers.required", msgNoID)
		e.add(p+"insider_id.required", msgNoID)
	}
	for k, v := range w.Identifiers {
		validateIdentifier(e, p, k, v, &u.ids)
	}
	if w.Attributes == nil && len(w.Events) == 0 {
		// [inferred] "Each user object must have at least one attributes object or one events object."
		e.add(p+"attributes.required", "either attributes or events must be specified")
	}
	if w.Attributes != nil && len(w.Attributes) == 0 {
		// [inferred] "If you use attributes object in the request, you need to have at least one attribute."
		e.add(p+"attributes.min(1)", "attributes must contain at least one attribute")
	}
	for k, v := range w.Attributes {
		validateAttribute(e, p, k, v, u.attrs)
	}
	for j, ev := range w.Events {
		if got, ok := validateEvent(e, fmt.Sprintf("%sevents.%d.", p, j), ev); ok {
			u.events = append(u.events, got)
		}
	}
	switch {
	case w.Append != nil:
		u.overwrite = !*w.Append // "If you use both together, the value you provide for append will be accepted."
	case w.NotAppend != nil:
		u.overwrite = *w.NotAppend
	}
	if len(e) > 0 {
		return nil, e
	}
	return u, nil
}

func validateIdentifier(e errs, p, k string, v json.RawMessage, ids *Identifiers) {
	if k == "custom" {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(v, &m); err != nil {
			e.add(p+"identifiers.custom.type(object)", "custom identifiers must be an object") // [inferred]
			return
		}
		for name, raw := range m {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				e.add(p+ruleIDString, name+" must be string: "+string(raw))
				continue
			}
			ids.Custom[name] = s
		}
		return
	}
	if k != "email" && k != "phone_number" && k != "uuid" {
		e.add(p+ruleIDKey, "key must be one of phone_number(pn), email(em) or uuid")
		return
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		e.add(p+ruleIDString, k+" must be string: "+string(v))
		return
	}
	switch k {
	case "email":
		if !emailRe.MatchString(s) {
			e.add(p+ruleEmail, "not a valid email address: "+s)
			return
		}
		ids.Email = s
	case "phone_number":
		if !phoneRe.MatchString(s) {
			e.add(p+rulePhone, "user has an invalid phone number: "+s)
			return
		}
		ids.PhoneNumber = s
	case "uuid":
		ids.UUID = s
	}
}

func validateAttribute(e errs, p, k string, v json.RawMessage, out map[string]any) {
	var val any
	if err := json.Unmarshal(v, &val); err != nil {
		e.add(p+"attributes."+k+".type", "invalid value: "+string(v)) // [inferred]
		return
	}
	if val == nil {
		return // nulls are ignored: Insider documents no way to clear a value through upsert
	}
	s, isString := val.(string)
	switch k {
	case "email":
		if !isString || !emailRe.MatchString(s) {
			e.add(p+"attributes.email.regexp(^.+@.+\\..+$)", "not a valid email address: "+string(v)) // [inferred key]
			return
		}
	case "phone_number":
		if !isString || !phoneRe.MatchString(s) {
			e.add(p+`attributes.phone_number.regexp(^\+[1-9]\d{6,14}$)`, "user has an invalid phone number: "+string(v)) // [inferred key]
			return
		}
	case "birthday":
		// [doc] "Ensure the birthday ends with Z ... no other time offset". Key [inferred].
		if _, err := time.Parse(time.RFC3339, s); !isString || err != nil || !strings.HasSuffix(s, "Z") {
			e.add(p+"attributes.birthday.date(RFC3339)", "birthday must be an RFC 3339 UTC time ending in Z: "+string(v))
			return
		}
	case "custom":
		m, ok := val.(map[string]any)
		if !ok {
			e.add(p+"attributes.custom.type(object)", "custom must be an object") // [inferred]
			return
		}
		for ck, cv := range m {
			if cv == nil {
				delete(m, ck)
			}
		}
	}
	out[k] = val
}

var requiredParams = map[string][]string{ // [doc]
	"purchase":       {"event_group_id", "currency", "unit_sale_price"}, // PM's table also lists quantity, but its own 200 sample posts a purchase without it
	"cart_page_view": {"event_group_id", "currency", "unit_sale_price"},
}

func validateEvent(e errs, p string, raw json.RawMessage) (Event, bool) {
	var w struct {
		Name      *string        `json:"event_name"`
		Timestamp *string        `json:"timestamp"`
		Params    map[string]any `json:"event_params"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		e.add(p+"type(object)", "event must be an object with string event_name and timestamp") // [inferred]
		return Event{}, false
	}
	ok := true
	if w.Name == nil || *w.Name == "" {
		e.add(p+"event_name.required", "event_name is required") // [inferred]
		ok = false
	} else if !eventNameRe.MatchString(*w.Name) {
		e.add(p+ruleEventName, "invalid event name: "+*w.Name)
		ok = false
	}
	var at time.Time
	if w.Timestamp == nil || *w.Timestamp == "" {
		e.add(p+"timestamp.required", "timestamp is required") // [inferred]
		ok = false
	} else if t, err := time.Parse(time.RFC3339, *w.Timestamp); err != nil {
		e.add(p+"timestamp.date(RFC3339)", "timestamp must be RFC 3339: "+*w.Timestamp) // [inferred]
		ok = false
	} else {
		at = t
	}
	if w.Name != nil {
		for _, param := range requiredParams[*w.Name] {
			if _, has := w.Params[param]; !has {
				e.add(p+"event_params.*.required", param+" parameter is required on "+*w.Name+" event")
				ok = false
			}
		}
	}
	if !ok {
		return Event{}, false
	}
	return Event{Name: *w.Name, Timestamp: *w.Timestamp, At: at.UTC(), Params: w.Params}, true
}
