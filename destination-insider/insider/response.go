package insider

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// upsertResponse is the body of a 200 upsert answer:
//
//	{"data":{"successful":{"count":2},"fail":{"count":1,"errors":{"users.0.identifiers...":["msg"]}}}}
//
// successful and fail are {} when empty, and count is then omitted.
type upsertResponse struct {
	Data *struct {
		Successful *struct{} `json:"successful"`
		Fail       *struct {
			Count  int                 `json:"count"`
			Errors map[string][]string `json:"errors"`
		} `json:"fail"`
	} `json:"data"`
}

// parseUpsertResponse returns the users of a batch of n that Insider
// rejected. Error keys have the form users.<index>.<path>.<rule>. Only
// Insider's shape counts: a body without a data object holding successful
// or fail objects is an *Error of KindNotInsider, failures it cannot tie to users an *Error of
// KindUnmatched (the caller adds the request details).
func parseUpsertResponse(body []byte, n int) ([]Rejection, error) {
	if isEmptyObject(body) {
		return nil, nil // an attribute delete's answer when every user was accepted
	}
	var r upsertResponse
	if !isUpsertAnswer(body) || json.Unmarshal(body, &r) != nil {
		return nil, &Error{Kind: KindNotInsider, Body: truncate(bytes.TrimSpace(body), maxErrorBody)}
	}
	if r.Data.Fail == nil {
		return nil, nil
	}
	fail := *r.Data.Fail
	if fail.Count == 0 && len(fail.Errors) == 0 {
		return nil, nil
	}
	byIndex := map[int][]string{}
	keys := make([]string, 0, len(fail.Errors))
	for k := range fail.Errors {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		i, rule, ok := userIndex(k)
		if !ok || i >= n {
			return nil, &Error{Kind: KindUnmatched, Body: truncate(body, maxErrorBody)}
		}
		for _, m := range fail.Errors[k] {
			byIndex[i] = append(byIndex[i], rule+": "+m)
		}
		if len(fail.Errors[k]) == 0 {
			byIndex[i] = append(byIndex[i], rule)
		}
	}
	if len(byIndex) == 0 {
		// fail.count > 0 with no error keys: which users failed is unknown.
		return nil, &Error{Kind: KindUnmatched, Body: truncate(body, maxErrorBody)}
	}
	out := make([]Rejection, 0, len(byIndex))
	for i, msgs := range byIndex {
		out = append(out, Rejection{Index: i, Messages: msgs})
	}
	sortRejections(out)
	return out, nil
}

// isUpsertAnswer reports whether body has the shape of Insider's upsert
// answer: an object whose data object holds successful or fail.
func isUpsertAnswer(body []byte) bool {
	var r upsertResponse
	return json.Unmarshal(body, &r) == nil && r.Data != nil && (r.Data.Successful != nil || r.Data.Fail != nil)
}

// userIndex splits "users.<i>.<rest>" into i and rest.
func userIndex(key string) (int, string, bool) {
	rest, ok := strings.CutPrefix(key, "users.")
	if !ok {
		return 0, "", false
	}
	num, rule, _ := strings.Cut(rest, ".")
	i, err := strconv.Atoi(num)
	if err != nil || i < 0 {
		return 0, "", false
	}
	return i, rule, true
}

func sortRejections(r []Rejection) {
	slices.SortFunc(r, func(a, b Rejection) int { return a.Index - b.Index })
}
