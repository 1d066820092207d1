package fakehubspot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// flexString accepts a JSON string, number or boolean and keeps its text.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if string(b) == "null" {
		*f = ""
		return nil
	}
	*f = flexString(b)
	return nil
}

type filterJSON struct {
	PropertyName string       `json:"propertyName"`
	Operator     string       `json:"operator"`
	Value        flexString   `json:"value"`
	HighValue    flexString   `json:"highValue"`
	Values       []flexString `json:"values"`
}

type searchRequest struct {
	FilterGroups []struct {
		Filters []filterJSON `json:"filters"`
	} `json:"filterGroups"`
	Filters    []filterJSON      `json:"filters"`
	Sorts      []json.RawMessage `json:"sorts"`
	Properties []string          `json:"properties"`
	Limit      *int              `json:"limit"`
	After      flexString        `json:"after"`
	Query      string            `json:"query"`
}

// Search filter limits of the current HubSpot docs (https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm).
const (
	maxGroups          = 5
	maxFiltersPerGroup = 6
	maxFiltersTotal    = 18
	maxSearchLimit     = 200
	searchCap          = 10000
)

// group is one compiled filter group: inclusive ranges on the indexed fields plus any other
// filters evaluated per record.
type group struct {
	idLo, idHi   int64
	updLo, updHi int64
	crtLo, crtHi int64
	generic      []filter
}

type filter struct {
	prop, op    string
	value, high string
	values      []string
}

// queryProp marks the free-text query filter.
const queryProp = "*query*"

// queryFields are the contact properties the free-text query searches.
var queryFields = []string{"firstname", "lastname", "email", "phone", "mobilephone", "company", "hs_email_domain"}

type sortSpec struct {
	prop string
	desc bool
}

// query is a compiled search; key identifies it in the cache.
type query struct {
	groups []group
	sort   sortSpec
	key    string
}

func openGroup() group {
	return group{idLo: math.MinInt64, idHi: math.MaxInt64, updLo: math.MinInt64, updHi: math.MaxInt64,
		crtLo: math.MinInt64, crtHi: math.MaxInt64}
}

// parseTime reads a HubSpot filter time: epoch milliseconds, RFC 3339 or a YYYY-MM-DD date.
func parseTime(v string) (int64, error) {
	v = strings.TrimSpace(v)
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z0700", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UnixMilli(), nil
		}
	}
	return 0, fmt.Errorf("%q is not a valid timestamp (epoch milliseconds or ISO 8601)", v)
}

func parseID(v string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a valid number for hs_object_id", v)
	}
	return n, nil
}

// narrow applies one comparison to an inclusive range [lo, hi].
func narrow(lo, hi *int64, op string, v, high int64) bool {
	switch op {
	case "EQ":
		*lo, *hi = max(*lo, v), min(*hi, v)
	case "GT":
		*lo = max(*lo, v+1)
	case "GTE":
		*lo = max(*lo, v)
	case "LT":
		*hi = min(*hi, v-1)
	case "LTE":
		*hi = min(*hi, v)
	case "BETWEEN":
		*lo, *hi = max(*lo, v), min(*hi, high)
	default:
		return false
	}
	return true
}

var knownOps = map[string]bool{"EQ": true, "NEQ": true, "LT": true, "LTE": true, "GT": true, "GTE": true,
	"BETWEEN": true, "IN": true, "NOT_IN": true, "HAS_PROPERTY": true, "NOT_HAS_PROPERTY": true,
	"CONTAINS_TOKEN": true, "NOT_CONTAINS_TOKEN": true}

// compile validates a search body and turns it into a query; errors are VALIDATION_ERROR text.
func compile(req *searchRequest) (*query, error) {
	var raw [][]filterJSON
	for _, g := range req.FilterGroups {
		raw = append(raw, g.Filters)
	}
	if len(raw) == 0 && len(req.Filters) > 0 {
		raw = append(raw, req.Filters) // top-level filters: accepted as one group, as HubSpot does
	}
	if len(raw) > maxGroups {
		return nil, fmt.Errorf("too many filter groups: %d (maximum %d)", len(raw), maxGroups)
	}
	total := 0
	q := &query{}
	for _, fs := range raw {
		if len(fs) > maxFiltersPerGroup {
			return nil, fmt.Errorf("too many filters in a filter group: %d (maximum %d)", len(fs), maxFiltersPerGroup)
		}
		total += len(fs)
		g := openGroup()
		for _, f := range fs {
			if err := g.add(f); err != nil {
				return nil, err
			}
		}
		q.groups = append(q.groups, g)
	}
	if req.Query != "" {
		// Free-text search over HubSpot's default searchable contact properties; AND-ed with the
		// filter groups.
		if len(req.Query) > 3000 {
			return nil, fmt.Errorf("query is %d characters long (maximum 3000)", len(req.Query))
		}
		qf := filter{prop: queryProp, op: "QUERY", value: strings.ToLower(req.Query)}
		if len(q.groups) == 0 {
			q.groups = append(q.groups, openGroup())
		}
		for i := range q.groups {
			q.groups[i].generic = append(q.groups[i].generic, qf)
		}
	}
	if total > maxFiltersTotal {
		return nil, fmt.Errorf("too many filters: %d (maximum %d)", total, maxFiltersTotal)
	}
	if len(req.Sorts) > 0 {
		s, err := parseSort(req.Sorts[0]) // HubSpot applies only one sort rule (search reference)
		if err != nil {
			return nil, err
		}
		q.sort = s
	} else {
		q.sort = sortSpec{prop: PropObjectID}
	}
	q.key = queryKey(q.groups, q.sort)
	return q, nil
}

// queryKey identifies a compiled query in the search cache.
func queryKey(groups []group, sort sortSpec) string { return fmt.Sprintf("%+v|%+v", groups, sort) }

func (g *group) add(f filterJSON) error {
	op := strings.ToUpper(f.Operator)
	if !knownOps[op] {
		return fmt.Errorf("invalid operator %q for property %q", f.Operator, f.PropertyName)
	}
	if f.PropertyName == "" {
		return fmt.Errorf("filter with operator %s has no propertyName", op)
	}
	v, hv := string(f.Value), string(f.HighValue)
	if op == "BETWEEN" && hv == "" {
		return fmt.Errorf("operator BETWEEN on %q needs a highValue", f.PropertyName)
	}
	var parse func(string) (int64, error)
	var lo, hi *int64
	switch f.PropertyName {
	case PropObjectID:
		parse, lo, hi = parseID, &g.idLo, &g.idHi
	case PropLastModified:
		parse, lo, hi = parseTime, &g.updLo, &g.updHi
	case PropCreateDate:
		parse, lo, hi = parseTime, &g.crtLo, &g.crtHi
	}
	if parse != nil {
		if ranged, err := addRange(op, v, hv, parse, lo, hi); ranged || err != nil {
			return err
		}
	}
	gf := filter{prop: f.PropertyName, op: op, value: v, high: hv}
	for _, x := range f.Values {
		gf.values = append(gf.values, string(x))
	}
	g.generic = append(g.generic, gf)
	return nil
}

// addRange narrows the bounds lo and hi of a ranged property (read with parse) by operator op
// with values v and hv. ranged is false for an operator the bounds do not express: the filter
// is then kept as a generic one.
func addRange(op, v, hv string, parse func(string) (int64, error), lo, hi *int64) (ranged bool, err error) {
	switch op {
	case "HAS_PROPERTY":
		return true, nil // always set
	case "NOT_HAS_PROPERTY":
		*lo, *hi = 1, 0 // never matches
		return true, nil
	case "EQ", "GT", "GTE", "LT", "LTE", "BETWEEN":
	default:
		return false, nil
	}
	a, err := parse(v)
	if err != nil {
		return true, err
	}
	var b int64
	if op == "BETWEEN" {
		if b, err = parse(hv); err != nil {
			return true, err
		}
	}
	narrow(lo, hi, op, a, b)
	return true, nil
}

func parseSort(raw json.RawMessage) (sortSpec, error) {
	var name string
	if json.Unmarshal(raw, &name) == nil {
		return sortSpec{prop: name}, nil
	}
	var obj struct {
		PropertyName string `json:"propertyName"`
		Direction    string `json:"direction"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil || obj.PropertyName == "" {
		return sortSpec{}, fmt.Errorf("invalid sort %s: want {\"propertyName\":..,\"direction\":\"ASCENDING|DESCENDING\"}", raw)
	}
	switch strings.ToUpper(obj.Direction) {
	case "", "ASCENDING":
		return sortSpec{prop: obj.PropertyName}, nil
	case "DESCENDING":
		return sortSpec{prop: obj.PropertyName, desc: true}, nil
	}
	return sortSpec{}, fmt.Errorf("invalid sort direction %q", obj.Direction)
}
