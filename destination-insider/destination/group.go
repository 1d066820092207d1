package destination

// Several events of one contact in one batch travel as one user object
// with several events: fewer, smaller requests. Each record keeps its own
// outcome, so which states may be echoed does not change.

// eventGroup is the events of one contact (one identifiers object) in a batch.
type eventGroup struct {
	ids    []byte   // `{"identifiers":{...}` — the user object up to its events
	events [][]byte // encoded event objects
	recs   []int    // the records of the events, as indices into batch.refs
	size   int      // encoded size of the user object
}

const (
	groupEventsKey = `,"events":[`
	groupSuffix    = `],"not_append":true}`
)

// newEventGroup returns the group of the user object whose identifiers part is ids.
func newEventGroup(ids []byte) *eventGroup {
	return &eventGroup{ids: append([]byte(nil), ids...), size: len(ids) + len(groupEventsKey) + len(groupSuffix)}
}

func (g *eventGroup) add(event []byte, rec int) {
	if len(g.events) > 0 {
		g.size++ // comma
	}
	g.events = append(g.events, append([]byte(nil), event...))
	g.recs = append(g.recs, rec)
	g.size += len(event)
}

// encode appends the user object to dst.
func (g *eventGroup) encode(dst []byte) []byte {
	dst = append(dst, g.ids...)
	dst = append(dst, groupEventsKey...)
	for i, e := range g.events {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, e...)
	}
	return append(dst, groupSuffix...)
}
