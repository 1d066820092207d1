package insider

import (
	"context"
	"encoding/json"
	"maps"
	"slices"

	"github.com/insider-hubspot/connectors/internal/jsontext"
)

// AttributeDeletePath is Insider's Delete User Attribute endpoint
// (https://academy.insiderone.com/docs/delete-user-attribute-api). Its requests share the
// upsert's limits: at most MaxUsers users and MaxBodyBytes bytes each, and one per-minute budget
// with the upserts.
const AttributeDeletePath = "/api/user/v1/attribute/delete"

// staticSegmentName is the upsert's name of the newsletter list ids; the attribute-delete API
// calls the same attribute list_id.
const staticSegmentName = "static_segment_id"

// AttributeDelete is what one user of an attribute-delete request removes: default attributes
// whole, values of default array attributes, and the same for custom attributes. Identifiers
// are never removed this way (Insider leaves an identifier named here).
type AttributeDelete struct {
	Identifiers []byte   // the encoded identifiers object that finds the profile
	Whole       []string // default attributes removed whole (static_segment_id goes as list_id)
	// Partial removes values from default array attributes: name -> encoded JSON values.
	Partial       map[string][]json.RawMessage
	CustomWhole   []string                     // custom attributes removed whole
	CustomPartial map[string][]json.RawMessage // values removed from custom array attributes
}

// Empty reports whether d removes nothing.
func (d *AttributeDelete) Empty() bool {
	return len(d.Whole) == 0 && len(d.Partial) == 0 && len(d.CustomWhole) == 0 && len(d.CustomPartial) == 0
}

// AppendJSON appends the user object of d:
//
//	{"identifiers":{...},"whole":[...],"partial":{...},"custom":{"whole":[...],"partial":{...}}}
//
// Empty parts are left out; partial members are in name order.
func (d *AttributeDelete) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"identifiers":`...)
	dst = append(dst, d.Identifiers...)
	dst = appendDeletions(dst, d.Whole, d.Partial, true)
	if len(d.CustomWhole) > 0 || len(d.CustomPartial) > 0 {
		dst = append(dst, `,"custom":{`...)
		dst = appendDeletions(dst, d.CustomWhole, d.CustomPartial, false)
		dst = append(dst, '}')
	}
	return append(dst, '}')
}

// appendDeletions appends the whole and partial members, each after a comma unless it opens a
// custom object (top false: the first member goes without one).
func appendDeletions(dst []byte, whole []string, partial map[string][]json.RawMessage, top bool) []byte {
	sep := func() {
		if top || dst[len(dst)-1] != '{' {
			dst = append(dst, ',')
		}
	}
	if len(whole) > 0 {
		sep()
		dst = append(dst, `"whole":[`...)
		for i, name := range whole {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsontext.AppendString(dst, deleteName(name, top))
		}
		dst = append(dst, ']')
	}
	if len(partial) > 0 {
		sep()
		dst = appendPartial(dst, partial, top)
	}
	return dst
}

// appendPartial appends "partial":{name:[values],...} in name order.
func appendPartial(dst []byte, partial map[string][]json.RawMessage, top bool) []byte {
	dst = append(dst, `"partial":{`...)
	for i, name := range slices.Sorted(maps.Keys(partial)) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsontext.AppendString(dst, deleteName(name, top))
		dst = append(dst, ":["...)
		for j, v := range partial[name] {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, v...)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// deleteName is the attribute-delete API's name of a default attribute (top) or custom one.
func deleteName(name string, top bool) string {
	if top && name == staticSegmentName {
		return "list_id"
	}
	return name
}

// AttributeDeletes builds the JSON body of one attribute-delete request:
//
//	{"users":[<user>,<user>,...]}
//
// Users are added encoded (AttributeDelete.AppendJSON). Like a Batch it is not safe for
// concurrent use, and must not change while Client.DeleteAttributes sends it.
type AttributeDeletes struct {
	userList
}

// NewAttributeDeletes returns an empty attribute-delete body.
func NewAttributeDeletes() *AttributeDeletes {
	d := &AttributeDeletes{}
	d.Reset()
	return d
}

// Reset empties the body, keeping its memory for reuse.
func (d *AttributeDeletes) Reset() {
	d.restart(func(b []byte) []byte { return append(b, `{"users":[`...) })
}

func (d *AttributeDeletes) part(lo, hi int) usersBody {
	p := NewAttributeDeletes()
	for i := lo; i < hi; i++ {
		p.Add(d.User(i))
	}
	return p
}

// DeleteAttributes sends the attribute deletions, retrying temporary failures, and reports
// which users Insider refused, as UpsertBatch does for upserts (and with the same splitting of
// a request Insider refuses whole). Insider answers 200 {} or its upsert-style
// {"data":{"successful":...,"fail":...}}; a user whose identifiers find no profile is among
// the refused ones. An error means the outcome of the users not yet accepted is unknown.
func (c *Client) DeleteAttributes(ctx context.Context, d *AttributeDeletes) (*Result, error) {
	return c.sendAll(ctx, AttributeDeletePath, d)
}

// isEmptyObject reports whether body is the JSON object {}.
func isEmptyObject(body []byte) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(body, &m) == nil && m != nil && len(m) == 0
}

// usersAnswerOK reports whether a 2xx body of a users request to path is Insider's: the
// {"data":...} shape, or for an attribute delete also {}.
func usersAnswerOK(path string, body []byte) bool {
	return isUpsertAnswer(body) || (path == AttributeDeletePath && isEmptyObject(body))
}
