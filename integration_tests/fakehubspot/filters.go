package fakehubspot

import (
	"strconv"
	"strings"
)

// evalFilter evaluates a filter on a property that has no index (anything but hs_object_id,
// createdate and lastmodifieddate). Comparison follows the property type: numbers numerically,
// dates and datetimes by time, enumerations case-sensitively, other strings case-insensitively
// (HubSpot doc: filter values are case-insensitive except for enumeration properties).
// Caller holds store.mu (read).
func (s *Server) evalFilter(f filter, i int) bool {
	if f.op == "QUERY" {
		for _, name := range queryFields {
			if v, ok := s.store.value(i, name); ok && strings.Contains(strings.ToLower(v), f.value) {
				return true
			}
		}
		return false
	}
	v, ok := s.store.value(i, f.prop)
	if ok && v == "" {
		ok = false
	}
	switch f.op {
	case "HAS_PROPERTY":
		return ok
	case "NOT_HAS_PROPERTY":
		return !ok
	}
	if !ok {
		return f.op == "NEQ" || f.op == "NOT_IN" || f.op == "NOT_CONTAINS_TOKEN"
	}
	typ, _ := s.propertyType(f.prop)
	switch f.op {
	case "EQ":
		return compareValues(v, f.value, typ) == 0
	case "NEQ":
		return compareValues(v, f.value, typ) != 0
	case "LT":
		return compareValues(v, f.value, typ) < 0
	case "LTE":
		return compareValues(v, f.value, typ) <= 0
	case "GT":
		return compareValues(v, f.value, typ) > 0
	case "GTE":
		return compareValues(v, f.value, typ) >= 0
	case "BETWEEN":
		return compareValues(v, f.value, typ) >= 0 && compareValues(v, f.high, typ) <= 0
	case "IN", "NOT_IN":
		in := false
		for _, x := range f.values {
			if compareValues(v, x, typ) == 0 {
				in = true
				break
			}
		}
		return in == (f.op == "IN")
	case "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN":
		tok := strings.ToLower(strings.Trim(f.value, "*"))
		has := strings.Contains(strings.ToLower(v), tok)
		return has == (f.op == "CONTAINS_TOKEN")
	}
	return false
}

// compareValues compares two HubSpot string values by property type; values that do not parse
// as the type fall back to string comparison.
func compareValues(a, b, typ string) int {
	switch typ {
	case TypeNumber:
		fa, ea := strconv.ParseFloat(a, 64)
		fb, eb := strconv.ParseFloat(b, 64)
		if ea == nil && eb == nil {
			switch {
			case fa < fb:
				return -1
			case fa > fb:
				return 1
			}
			return 0
		}
	case TypeDate, TypeDateTime:
		ta, ea := parseTime(a)
		tb, eb := parseTime(b)
		if ea == nil && eb == nil {
			return cmpInt(ta, tb)
		}
	case TypeEnumeration, TypeBool:
		return strings.Compare(a, b)
	}
	return strings.Compare(strings.ToLower(a), strings.ToLower(b))
}
