package fakeinsider

import "fmt"

// CheckIndex reports an index entry that names a profile not holding that identifier, or an
// identifier of a profile the index does not lead to it by.
func (s *Server) CheckIndex() error {
	s.db.mu.RLock()
	defer s.db.mu.RUnlock()
	want := map[string]string{}
	for iid, p := range s.db.byID {
		for _, k := range keys(p.InsiderID, p.Identifiers) {
			if other, dup := want[k]; dup {
				return fmt.Errorf("profiles %s and %s both hold %q", other, iid, k)
			}
			want[k] = iid
		}
	}
	for k, iid := range s.db.index {
		if want[k] != iid {
			return fmt.Errorf("index %q -> %s, but that profile does not hold it", k, iid)
		}
	}
	for k, iid := range want {
		if s.db.index[k] != iid {
			return fmt.Errorf("profile %s holds %q, but the index leads to %q", iid, k, s.db.index[k])
		}
	}
	return nil
}
