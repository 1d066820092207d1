package fakeinsider

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// upsertResponse is {"data":{"successful":{"count":n},"fail":{"count":m,"errors":{...}}}}; an
// empty side is {} (count omitted, never 0), as in Insider's samples.
type upsertResponse struct {
	Data struct {
		Successful map[string]any `json:"successful"`
		Fail       map[string]any `json:"fail"`
	} `json:"data"`
}

func badRequest(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": msg})
}

// decodeSmallBody decodes a request body of at most 1 MiB into v; on a body that does not
// decode it answers 400 and returns false.
func decodeSmallBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(v); err != nil {
		badRequest(w, "invalid request body: bad request")
		return false
	}
	return true
}

func (s *Server) handleUpsert(w http.ResponseWriter, r *http.Request, req *Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(s.opts.MaxBodyBytes)+1))
	if err != nil {
		badRequest(w, "could not read request body: bad request")
		return
	}
	req.BodySize = len(body)
	if len(body) > s.opts.MaxBodyBytes {
		badRequest(w, tooBig(s.opts.MaxBodyBytes))
		return
	}
	req.Body = body
	if !validText(body) {
		// [inferred] Insider's parser is taken to refuse a body that is not valid UTF-8 or
		// holds a lone UTF-16 surrogate escape, as strict JSON parsers do; the message is a guess.
		badRequest(w, "invalid request body: invalid UTF-8 or lone surrogate in a string: bad request")
		return
	}
	var top struct {
		Users         *[]json.RawMessage `json:"users"`
		SkipHook      *bool              `json:"skip_hook"`
		ErrorCallback string             `json:"error_callback_endpoint"`
	}
	if err := json.Unmarshal(body, &top); err != nil {
		badRequest(w, "invalid request body: "+err.Error()+": bad request") // [inferred] text
		return
	}
	req.SkipHook = top.SkipHook
	req.ErrorCallback = top.ErrorCallback
	if top.Users == nil {
		badRequest(w, "users must be defined: bad request") // [doc]
		return
	}
	users := *top.Users
	if len(users) > s.opts.MaxUsers {
		// [inferred] text: the limit is documented ("a maximum of 1,000 records"), the message is not.
		badRequest(w, fmt.Sprintf("users must contain at most %d records, got %d: bad request", s.opts.MaxUsers, len(users)))
		return
	}
	for _, raw := range users {
		if s.faults.refusesUser(raw) {
			badRequest(w, "invalid request body: bad request")
			return
		}
	}
	valid := make([]*user, 0, len(users))
	allErrs := errs{}
	failed := 0
	for i, raw := range users {
		u, e := validateUser(i, raw)
		if e == nil {
			e = s.faults.rejectsUser(i, raw)
		}
		if e != nil {
			failed++
			for k, v := range e {
				allErrs[k] = append(allErrs[k], v...)
			}
			continue
		}
		valid = append(valid, u)
	}
	if status := s.faults.failingIdentifier(identifierValues(valid)); status != 0 {
		writeJSON(w, status, bodyUnknownError)
		return
	}
	req.Users, req.Succeeded, req.Failed = len(users), len(valid), failed
	now := s.opts.Clock()
	ignored := map[string]int{}
	for _, u := range valid {
		s.account.apply(u, now, ignored)
		if dropped := s.db.merge(u, now, s.account.prio); len(dropped) > 0 {
			ignored[IgnoredOverLimit] += len(dropped)
		}
	}
	s.stats.ignore(ignored)
	var resp upsertResponse
	resp.Data.Successful, resp.Data.Fail = map[string]any{}, map[string]any{}
	if len(valid) > 0 {
		resp.Data.Successful["count"] = len(valid)
	}
	if failed > 0 {
		resp.Data.Fail["count"] = failed
		resp.Data.Fail["errors"] = allErrs
	}
	writeJSON(w, http.StatusOK, resp)
}

func identifierValues(us []*user) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.insiderID, u.ids.Email, u.ids.PhoneNumber, u.ids.UUID)
		for _, v := range u.ids.Custom {
			out = append(out, v)
		}
	}
	return out
}

// tooBig is the answer to a body over max bytes (a third-party copy of Insider's status-code
// page; upsert's, taken for every endpoint with a 5 MB limit).
func tooBig(max int) string {
	return fmt.Sprintf("request body is bigger than maximum allowed size %s bytes", thousands(max))
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// defaultColumns are Insider's default attributes as metadata columns. Their keys and types are a guess
// [inferred]: Insider reads them back under internal names (la, ci, co, iid, gdpr).
var defaultColumns = []struct{ key, name, typ string }{
	{"email", "Email", "string"}, {"phone_number", "Phone Number", "string"}, {"uuid", "UUID", "string"},
	{"name", "Name", "string"}, {"surname", "Surname", "string"}, {"gender", "Gender", "string"},
	{"age", "Age", "number"}, {"birthday", "Birthday", "date"}, {"language", "Language", "string"},
	{"country", "Country", "string"}, {"city", "City", "string"}, {"lo", "Locale", "string"},
	{"email_optin", "Email Opt-in", "boolean"}, {"sms_optin", "SMS Opt-in", "boolean"},
	{"whatsapp_optin", "WhatsApp Opt-in", "boolean"}, {"gdpr_optin", "GDPR Opt-in", "boolean"},
	{"static_segment_id", "Static Segment ID", "array"},
}

// handleColumns serves the check endpoint POST /api/user/v3/metadata/columns {"table":...}.
// It is not in Insider's public reference; the shape follows Insider's n8n node (https://github.com/useinsider/n8n-nodes-insiderone):
// contacts -> [{key, display_name, type}] with custom attributes prefixed c_, events ->
// [{key, display_name, params:[{key, display_name}]}].
func (s *Server) handleColumns(w http.ResponseWriter, r *http.Request, _ *Request) {
	var body struct {
		Table string `json:"table"`
	}
	if !decodeSmallBody(w, r, &body) {
		return
	}
	profiles := s.Profiles()
	switch body.Table {
	case "contacts":
		// Default attributes, then the custom attributes the account declares (Options.CustomAttributes).
		writeJSON(w, http.StatusOK, s.account.columns())
	case "events":
		params := map[string]map[string]bool{}
		for _, p := range profiles {
			for _, ev := range p.Events {
				if params[ev.Name] == nil {
					params[ev.Name] = map[string]bool{}
				}
				for k := range ev.Params {
					params[ev.Name][k] = true
				}
			}
		}
		out := []map[string]any{}
		for _, name := range slices.Sorted(maps.Keys(params)) {
			ps := []map[string]string{}
			for _, k := range slices.Sorted(maps.Keys(params[name])) {
				ps = append(ps, map[string]string{"key": k, "display_name": k})
			}
			out = append(out, map[string]any{"key": name, "display_name": name, "params": ps})
		}
		writeJSON(w, http.StatusOK, out)
	default:
		badRequest(w, fmt.Sprintf("table must be contacts or events, got %q: bad request", body.Table))
	}
}
