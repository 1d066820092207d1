package fakehubspot

import "slices"

// DeleteEventDefinition deletes the custom event definition with this fully qualified name, as
// HubSpot's DELETE /events/custom/<v>/event-definitions/{eventName} does, and reports whether
// there was one. The definitions API no longer lists it, and the occurrences API answers its
// eventType with no occurrences (a guess: HubSpot does not document what happens to the
// occurrences of a deleted definition; an empty answer is what a reader meets either way).
func (s *Server) DeleteEventDefinition(fqn string) bool {
	e := s.events
	e.mu.Lock()
	defer e.mu.Unlock()
	n := len(e.defs)
	e.defs = slices.DeleteFunc(e.defs, func(d EventDefinition) bool { return d.FullyQualifiedName == fqn })
	e.evs = slices.DeleteFunc(e.evs, func(ev Event) bool { return ev.EventType == fqn })
	return len(e.defs) < n
}
