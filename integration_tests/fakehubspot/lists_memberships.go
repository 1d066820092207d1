package fakehubspot

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

type membershipJSON struct {
	RecordID            string `json:"recordId"`
	MembershipTimestamp string `json:"membershipTimestamp"`
}

type membershipsPage struct {
	Results []membershipJSON `json:"results"`
	Paging  *struct {
		Next struct {
			After string `json:"after"`
			Link  string `json:"link"`
		} `json:"next"`
	} `json:"paging,omitempty"`
	Total int `json:"total"`
}

// handleMemberships serves GET /crm/lists/<v>/{listId}/memberships (ascending record id) and
// .../memberships/join-order (ascending membershipTimestamp, ties by record id), with limit
// (default 100, at most 250) and after, HubSpot's "paging offset token". Each page carries
// total (the list's member count now) and, when more follow, paging.next.after.
//
// Guessed, where HubSpot says nothing: the token is opaque (base64 of the list, the order and the
// last record returned), so a plain record id, or a token of another list or order, is refused
// with 400 VALIDATION_ERROR; a page resumes after the last record returned, so a member leaving
// between two pages moves no other member to another page; a limit out of range is refused with
// 400 rather than clamped; a deleted list's memberships answer 404 like an unknown list's.
// Descending pages (only `before`) are not served by the fake: 400. A contact marked with
// FailContact fails any page that holds it.
func (s *Server) handleMemberships(w http.ResponseWriter, r *http.Request) {
	joinOrder := strings.HasSuffix(r.URL.Path, "/join-order")
	qv := r.URL.Query()
	limit := membershipsDefault
	if v := qv.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > membershipsMax {
			writeValidation(w, fmt.Sprintf("limit must be an integer between 1 and %d, got %q", membershipsMax, v))
			return
		}
		limit = n
	}
	after := qv.Get("after")
	if after == "" && qv.Get("before") != "" {
		writeValidation(w, "the fake serves memberships in ascending order only (after), not before")
		return
	}
	listID := r.PathValue("listId")
	ls := s.lists
	ls.mu.Lock()
	defer ls.mu.Unlock()
	s.refreshLists()
	l, err := s.liveList(listID)
	if err != nil {
		writeListNotFound(w, listID)
		return
	}
	order := l.sortedByID()
	if joinOrder {
		order = l.sortedByJoin()
	}
	start := 0
	if after != "" {
		at, id, ok := decodeMembershipToken(after, l.id, joinOrder)
		if !ok {
			writeValidation(w, fmt.Sprintf("after %q is not a valid paging token for this list", after))
			return
		}
		start = l.resumeAt(order, at, id, joinOrder)
	}
	page := order[start:min(start+limit, len(order))]
	if l.objType == ContactObjectTypeID {
		if code, bad := s.faults.contactFault(page...); bad {
			writeServerError(w, code)
			return
		}
	}
	out := membershipsPage{Results: make([]membershipJSON, 0, len(page)), Total: len(order)}
	for _, id := range page {
		out.Results = append(out.Results, membershipJSON{strconv.FormatInt(id, 10), formatMS(l.members[id])})
	}
	if start+len(page) < len(order) {
		last := page[len(page)-1]
		tok := encodeMembershipToken(l.id, joinOrder, l.members[last], last)
		out.Paging = &struct {
			Next struct {
				After string `json:"after"`
				Link  string `json:"link"`
			} `json:"next"`
		}{}
		out.Paging.Next.After = tok
		out.Paging.Next.Link = "http://" + r.Host + r.URL.Path + "?" + url.Values{"after": {tok}, "limit": {strconv.Itoa(limit)}}.Encode()
	}
	writeJSON(w, http.StatusOK, out)
}

// encodeMembershipToken makes the opaque after token of a page ending at record id (joined at
// at, epoch ms) of list listID in id order or join order.
func encodeMembershipToken(listID int64, joinOrder bool, at, id int64) string {
	kind := "id"
	if joinOrder {
		kind = "join"
	}
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "lm1|%d|%s|%d|%d", listID, kind, at, id))
}

// resumeAt returns the index in order (by record id, or in join order) of the first member after
// the last one a page returned, the record id that joined at at.
func (l *contactList) resumeAt(order []int64, at, id int64, joinOrder bool) int {
	start, _ := slices.BinarySearchFunc(order, [2]int64{at, id}, func(m int64, key [2]int64) int {
		if joinOrder {
			if c := cmp.Compare(l.members[m], key[0]); c != 0 {
				return c
			}
		}
		if m <= key[1] {
			return -1
		}
		return 1
	})
	return start
}

// decodeMembershipToken reads a token of encodeMembershipToken for list listID and that order.
func decodeMembershipToken(tok string, listID int64, joinOrder bool) (at, id int64, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, 0, false
	}
	f := strings.Split(string(b), "|")
	kind := "id"
	if joinOrder {
		kind = "join"
	}
	if len(f) != 5 || f[0] != "lm1" || f[1] != strconv.FormatInt(listID, 10) || f[2] != kind {
		return 0, 0, false
	}
	at, err1 := strconv.ParseInt(f[3], 10, 64)
	id, err2 := strconv.ParseInt(f[4], 10, 64)
	return at, id, err1 == nil && err2 == nil
}
