package mapping

import (
	"github.com/insider-hubspot/connectors/internal/jsontext"
)

// This file appends JSON to byte slices; the upsert body is built with it
// in reused buffers instead of through encoding/json and maps.

// appendKey appends "key": after a comma when the object already has members.
func appendKey(dst []byte, key []byte, first *bool) []byte {
	if !*first {
		dst = append(dst, ',')
	}
	*first = false
	dst = append(dst, key...)
	return append(dst, ':')
}

// encodedKey returns the JSON encoding of an object key, ready for appendKey.
func encodedKey(name string) []byte { return jsontext.AppendString(nil, name) }
