package fakeinsider

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// rejection is a per-user rejection set with RejectUserBytes.
type rejection struct {
	b            []byte
	key, message string
}

// RejectUserBytes makes Insider reject, in its 200 answer's data.fail, every upserted user whose
// JSON contains b, with the error {"users.<i>.<key>":[message]}, or
// {"users.<i>.events.<j>.<key>":[message]} when b lies in the user's event j (the first such
// event). The other users of the request are stored as usual. It holds until ClearFaults.
// This is Insider's documented partial failure (a user with any error is rejected whole); the
// key and message are the caller's, for the rules the fake does not check itself.
func (s *Server) RejectUserBytes(b, key, message string) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.rejections = append(s.faults.rejections, rejection{b: []byte(b), key: key, message: message})
}

// rejectsUser returns the errors of user i set with RejectUserBytes, or nil.
func (f *faults) rejectsUser(i int, raw json.RawMessage) errs {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, rj := range f.rejections {
		if !bytes.Contains(raw, rj.b) {
			continue
		}
		path := fmt.Sprintf("users.%d.", i)
		var w struct {
			Events []json.RawMessage `json:"events"`
		}
		if json.Unmarshal(raw, &w) == nil {
			for j, ev := range w.Events {
				if bytes.Contains(ev, rj.b) {
					path += fmt.Sprintf("events.%d.", j)
					break
				}
			}
		}
		return errs{path + rj.key: {rj.message}}
	}
	return nil
}
