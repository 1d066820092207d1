package fakehubspot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Journal reads (https://developers.hubspot.com/docs/api-reference/latest/webhooks-journal/journal-entries/guide.md):
// each answers where to download an entry, {url, expiresAt, currentOffset}, or 204 with no body
// when there is no such entry (shapes as usertour's client verified them live, 2026-09-03). The
// local journal (journal-local) and the global one (journal) hold the same entries here: the app
// is installed in one portal. An installPortalId other than Options.PortalID reads an empty
// journal (guessed).

// fetchResponse is HubSpot's JournalFetchResponse.
type fetchResponse struct {
	URL           string `json:"url"`
	ExpiresAt     string `json:"expiresAt"`
	CurrentOffset string `json:"currentOffset"`
}

// maxJournalBatch is the largest count of the batch reads ("from 1 to 100", 2027-03-beta
// reference; the 2026-03 one states only x >= 1 and the fake applies 100 to both).
const maxJournalBatch = 100

// journalReader picks entries (positions into the retained entries) under the journal's lock.
type journalReader func(j *journal) (picked []int, status int)

// serveJournal answers one read: picked entries as fetch responses (one, or a batch), 204 for a
// single read that found nothing, or the status pick returns (404 for an expired offset).
func (s *Server) serveJournal(w http.ResponseWriter, r *http.Request, batch bool, pick journalReader) {
	if v := r.URL.Query().Get("installPortalId"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			writeValidation(w, fmt.Sprintf("installPortalId %q is not a number", v))
			return
		}
		if n != s.opts.PortalID {
			pick = func(*journal) ([]int, int) { return nil, http.StatusOK }
		}
	}
	started := s.now()
	j := s.jr
	j.mu.Lock()
	j.prune(started)
	picked, status := pick(j)
	refs := make([]fetchResponse, len(picked))
	for k, i := range picked {
		refs[k] = s.fileRef(r, j.entries[i].offset)
	}
	j.mu.Unlock()
	switch {
	case status == http.StatusNotFound:
		writeError(w, http.StatusNotFound, "OBJECT_NOT_FOUND", "The offset has expired or does not exist")
	case batch:
		writeJSON(w, http.StatusOK, s.batchBody(started, refs))
	case len(refs) == 0:
		w.WriteHeader(http.StatusNoContent)
	default:
		writeJSON(w, http.StatusOK, refs[0])
	}
}

// batchBody is a batch answer: {status: COMPLETE, results, requestedAt, startedAt, completedAt}.
func (s *Server) batchBody(started time.Time, refs []fetchResponse) map[string]any {
	at := formatMS(started.UnixMilli())
	return map[string]any{"status": "COMPLETE", "results": orEmpty(refs), "requestedAt": at, "startedAt": at,
		"completedAt": formatMS(s.now().UnixMilli())}
}

func (s *Server) handleJournalEarliest(w http.ResponseWriter, r *http.Request) {
	s.serveJournal(w, r, false, func(j *journal) ([]int, int) {
		if len(j.entries) == 0 {
			return nil, http.StatusOK
		}
		return []int{0}, http.StatusOK
	})
}

func (s *Server) handleJournalLatest(w http.ResponseWriter, r *http.Request) {
	s.serveJournal(w, r, false, func(j *journal) ([]int, int) {
		if len(j.entries) == 0 {
			return nil, http.StatusOK
		}
		return []int{len(j.entries) - 1}, http.StatusOK
	})
}

// handleJournalNext serves offset/{offset}/next: the entry after offset, 204 when offset is the
// newest, 404 when offset has expired (older than the retention) or never existed, as HubSpot
// documents ("Fails with a 404 if the offset has expired or doesn't exist").
func (s *Server) handleJournalNext(w http.ResponseWriter, r *http.Request) {
	offset := r.PathValue("offset")
	s.serveJournal(w, r, false, func(j *journal) ([]int, int) {
		i, ok := j.find(offset)
		switch {
		case !ok:
			return nil, http.StatusNotFound
		case i+1 == len(j.entries):
			return nil, http.StatusOK
		}
		return []int{i + 1}, http.StatusOK
	})
}

// handleJournalBatch serves batch/earliest/{count} (the oldest entries) and batch/latest/{count}
// (the newest, oldest first): {status: COMPLETE, results: [...], requestedAt, startedAt,
// completedAt}; an empty journal gives 200 with no results (guessed).
func (s *Server) handleJournalBatch(latest bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.PathValue("count"))
		if err != nil || n < 1 || n > maxJournalBatch {
			writeValidation(w, fmt.Sprintf("count must be between 1 and %d, got %q", maxJournalBatch, r.PathValue("count")))
			return
		}
		s.serveJournal(w, r, true, func(j *journal) ([]int, int) {
			lo, hi := 0, min(n, len(j.entries))
			if latest {
				lo, hi = max(0, len(j.entries)-n), len(j.entries)
			}
			var out []int
			for i := lo; i < hi; i++ {
				out = append(out, i)
			}
			return out, http.StatusOK
		})
	}
}

// handleJournalBatchRead serves POST batch/read {inputs: [offsets]} (at most 100): the entries at
// those offsets; offsets that cannot be read are listed in errors and counted in numErrors, with
// 207 (status guessed, as for the CRM batch reads).
func (s *Server) handleJournalBatchRead(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Inputs []string `json:"inputs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeValidation(w, "Invalid input JSON: "+err.Error())
		return
	}
	if len(req.Inputs) == 0 || len(req.Inputs) > maxJournalBatch {
		writeValidation(w, fmt.Sprintf("inputs must hold 1 to %d offsets, got %d", maxJournalBatch, len(req.Inputs)))
		return
	}
	started := s.now()
	j := s.jr
	j.mu.Lock()
	j.prune(started)
	var refs []fetchResponse
	var missing []string
	for _, off := range req.Inputs {
		if i, ok := j.find(off); ok {
			refs = append(refs, s.fileRef(r, j.entries[i].offset))
		} else {
			missing = append(missing, off)
		}
	}
	j.mu.Unlock()
	body := s.batchBody(started, refs)
	status := http.StatusOK
	if len(missing) > 0 {
		status = http.StatusMultiStatus
		body["numErrors"] = 1
		body["errors"] = []errorBody{{Status: "error", Category: "OBJECT_NOT_FOUND",
			Message: "Some offsets have expired or do not exist", Context: map[string][]string{"offsets": missing}}}
	}
	writeJSON(w, status, body)
}

// journalFilesPath is where the fake serves the pre-signed entry downloads.
const journalFilesPath = "/webhooks-journal-files/"

// fileRef makes the pre-signed download of the entry at offset, valid URLTTL by Clock. Caller
// holds the journal's lock.
func (s *Server) fileRef(r *http.Request, offset string) fetchResponse {
	exp := s.now().Add(s.opts.Journal.URLTTL).UTC()
	e := strconv.FormatInt(exp.Unix(), 10)
	u := "http://" + r.Host + journalFilesPath + offset + ".json?Expires=" + e + "&Signature=" + s.jr.sign(offset, e)
	return fetchResponse{URL: u, ExpiresAt: exp.Format(time.RFC3339), CurrentOffset: offset}
}

func (j *journal) sign(offset, expires string) string {
	m := hmac.New(sha256.New, j.key)
	m.Write([]byte(offset + "\n" + expires))
	return hex.EncodeToString(m.Sum(nil))
}

// handleJournalFile serves a pre-signed entry download: {offset, journalEvents, publishedAt}.
// Like an object store's pre-signed URL (HubSpot: "Request it without an Authorization header";
// the answers below are S3's, guessed for HubSpot's store): a request with an Authorization
// header gets 400, a tampered URL 403 SignatureDoesNotMatch, an expired one 403 AccessDenied
// "Request has expired", an entry past the retention 404 NoSuchKey; those bodies are XML.
func (s *Server) handleJournalFile(w http.ResponseWriter, r *http.Request) {
	offset := strings.TrimSuffix(r.PathValue("file"), ".json")
	q := r.URL.Query()
	exp, err := strconv.ParseInt(q.Get("Expires"), 10, 64)
	switch {
	case r.Header.Get("Authorization") != "":
		writeStoreError(w, http.StatusBadRequest, "InvalidArgument", "Only one auth mechanism allowed; only the "+
			"Signature query string parameter or the Authorization header should be specified")
		return
	case err != nil || !hmac.Equal([]byte(q.Get("Signature")), []byte(s.jr.sign(offset, q.Get("Expires")))):
		writeStoreError(w, http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated "+
			"does not match the signature you provided.")
		return
	case !s.now().Before(time.Unix(exp, 0)):
		writeStoreError(w, http.StatusForbidden, "AccessDenied", "Request has expired")
		return
	}
	j := s.jr
	j.mu.Lock()
	j.prune(s.now())
	i, ok := j.find(offset)
	var e journalEntry
	if ok {
		e = j.entries[i]
	}
	j.mu.Unlock()
	if !ok {
		writeStoreError(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
		return
	}
	writeJSON(w, http.StatusOK, pageWire(e, s.opts.PortalID))
}

func writeStoreError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>%s</Message></Error>", code, msg)
}

// journalEventWire is a JournalEvent on the wire.
type journalEventWire struct {
	Type            string             `json:"type"`
	PortalID        int64              `json:"portalId"`
	OccurredAt      string             `json:"occurredAt"`
	ObjectTypeID    string             `json:"objectTypeId"`
	ObjectID        int64              `json:"objectId"`
	Action          string             `json:"action"`
	PropertyChanges map[string]*string `json:"propertyChanges,omitempty"`
	MergedObjectIDs []int64            `json:"mergedObjectIds,omitempty"`
}

// pageWire is an entry's download: its offset, events and publishedAt. Guessed: "type" is the
// subscription type (OBJECT), a cleared property is null in propertyChanges, and absent members
// are left out.
func pageWire(e journalEntry, portal int64) any {
	evs := make([]journalEventWire, len(e.events))
	for k, ev := range e.events {
		var pc map[string]*string
		for name, v := range ev.PropertyChanges {
			if pc == nil {
				pc = map[string]*string{}
			}
			if v != "" {
				pc[name] = &v
			} else {
				pc[name] = nil
			}
		}
		evs[k] = journalEventWire{Type: "OBJECT", PortalID: portal, OccurredAt: formatMS(ev.OccurredAt.UnixMilli()),
			ObjectTypeID: ContactObjectTypeID, ObjectID: ev.ObjectID, Action: ev.Action, PropertyChanges: pc,
			MergedObjectIDs: ev.MergedObjectIDs}
	}
	return struct {
		Offset        string             `json:"offset"`
		JournalEvents []journalEventWire `json:"journalEvents"`
		PublishedAt   string             `json:"publishedAt"`
	}{e.offset, evs, formatMS(e.published.UnixMilli())}
}
