package insider

// userList is the body of a request that carries users: a prefix (`{...,"users":[`), the
// encoded user objects separated by commas, and `]}`. Users are added already encoded, so the
// body is built once in a reused buffer and its exact size is known before it is sent. Batch
// (upsert) and AttributeDeletes embed it.
type userList struct {
	buf      []byte
	starts   []int // offset of each user in buf
	usersEnd int   // offset just past the last user; buf may hold the "]}" suffix after it
}

// restart empties the list and writes the body's prefix, keeping the memory for reuse.
func (l *userList) restart(prefix func([]byte) []byte) {
	l.buf = prefix(l.buf[:0])
	l.usersEnd = len(l.buf)
	l.starts = l.starts[:0]
}

// Len reports how many users the body holds.
func (l *userList) Len() int { return len(l.starts) }

// Size reports the size in bytes of the encoded request body.
func (l *userList) Size() int { return l.usersEnd + len("]}") }

// SizeWith reports the body size after adding a user whose encoding is userLen bytes long.
func (l *userList) SizeWith(userLen int) int {
	n := l.Size() + userLen
	if len(l.starts) > 0 {
		n++ // separating comma
	}
	return n
}

// Add appends one encoded user object. user must be a JSON object; it is copied.
func (l *userList) Add(user []byte) {
	l.buf = l.buf[:l.usersEnd]
	if need := len(l.buf) + 1 + len(user) + len("]}"); need > cap(l.buf) {
		// Grow like append, but not far past the largest body Insider takes:
		// memory stays bounded by the number of bodies in use.
		grown := make([]byte, len(l.buf), max(need, min(2*cap(l.buf), MaxBodyBytes+len("]}"))))
		copy(grown, l.buf)
		l.buf = grown
	}
	if len(l.starts) > 0 {
		l.buf = append(l.buf, ',')
	}
	l.starts = append(l.starts, len(l.buf))
	l.buf = append(l.buf, user...)
	l.usersEnd = len(l.buf)
}

// User returns the encoding of the i-th user. The slice aliases the body.
func (l *userList) User(i int) []byte {
	end := l.usersEnd
	if i+1 < len(l.starts) {
		end = l.starts[i+1] - 1
	}
	return l.buf[l.starts[i]:end]
}

// Body returns the complete request body. The slice aliases the list and is valid until the
// next Add or reset.
func (l *userList) Body() []byte {
	l.buf = append(l.buf[:l.usersEnd], ']', '}')
	return l.buf
}

// Cap reports the memory, in bytes, the body's buffer holds.
func (l *userList) Cap() int { return cap(l.buf) }

// usersBody is a request body of users the client can send whole or in parts: an upsert Batch
// or AttributeDeletes.
type usersBody interface {
	Len() int
	Body() []byte
	User(i int) []byte
	// part returns a new body with the same request fields holding users [lo, hi).
	part(lo, hi int) usersBody
}
