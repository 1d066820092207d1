package mapping

import (
	"github.com/insider-hubspot/connectors/destination-insider/mapping/convert"
	"github.com/insider-hubspot/connectors/internal/jsontext"
)

// This file pulls the mapped fields out of a record in one pass of
// jsontext's scanner, without building a map of the whole record: record
// data is decoded once and only where the mapping needs it.

// pathNode is one level of the compiled set of source paths. A path
// "contact.email" is the child "contact" holding the child "email".
type pathNode struct {
	children map[string]*pathNode
	slot     int // index into the values slice, -1 when no path ends here
}

func newPathNode() *pathNode { return &pathNode{slot: -1} }

// add registers a dotted path and returns its slot; equal paths share one.
func (n *pathNode) add(segments []string, next *int) int {
	for _, s := range segments {
		if n.children == nil {
			n.children = map[string]*pathNode{}
		}
		c := n.children[s]
		if c == nil {
			c = newPathNode()
			n.children[s] = c
		}
		n = c
	}
	if n.slot < 0 {
		n.slot = *next
		*next++
	}
	return n.slot
}

// extract scans the JSON object data and stores in vals the raw value of
// every registered path. It reports false when data is not a JSON object or
// is malformed. data is record data the protocol reader has validated, so
// it is scanned in jsontext's trusted mode.
func (n *pathNode) extract(data []byte, vals []convert.Value) bool {
	s := jsontext.NewScanner(data, jsontext.Trusted)
	if s.Peek() != '{' {
		return false
	}
	err := s.Object(func(key []byte, escaped bool) error {
		var child *pathNode
		if !escaped {
			child = n.children[string(key)]
		} else if k, err := jsontext.Unquote(key); err == nil {
			child = n.children[k]
		}
		if child == nil {
			return nil // skipped by the scanner
		}
		raw, err := s.Value()
		if err != nil {
			return err
		}
		if child.slot >= 0 {
			vals[child.slot] = convert.Value{Raw: raw}
		}
		if child.children != nil && raw[0] == '{' {
			child.extract(raw, vals)
		}
		return nil
	})
	return err == nil
}
