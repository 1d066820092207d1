package httpx

import (
	"bytes"
	"errors"
	"io"
	"net/http"
)

// drainLimit bounds how much of an unwanted body Drain reads to let the connection be reused;
// past it, closing the connection is cheaper than reading on.
const drainLimit = 1 << 20

// Drain discards what is left of a response body, up to a bound, and closes it, so the
// connection can be reused. A nil response or body is fine.
func Drain(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainLimit))
	_ = resp.Body.Close()
}

// ErrNoReplay is a request that must be sent again but whose body cannot be: it has a body and
// no GetBody. It is never retried.
var ErrNoReplay = errors.New("request body cannot be replayed")

// Rewind returns a copy of req whose body can be sent again, using GetBody. The copy shares
// nothing a layer may change (headers are cloned), so each attempt can be altered freely.
func Rewind(req *http.Request) (*http.Request, error) {
	r := req.Clone(req.Context())
	if req.Body == nil || req.Body == http.NoBody {
		return r, nil
	}
	if req.GetBody == nil {
		return nil, ErrNoReplay
	}
	b, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	r.Body = b
	return r, nil
}

// CutOffError is an answer whose body could not be read to the end: the connection dropped or
// the attempt timed out after the headers arrived. A later attempt may get all of it.
type CutOffError struct{ Err error }

// Error implements error.
func (e *CutOffError) Error() string { return "read response: " + e.Err.Error() }

// Unwrap returns the read failure.
func (e *CutOffError) Unwrap() error { return e.Err }

// buffered is a response body read in full by the retry layer.
type buffered struct {
	*bytes.Reader
	b []byte
}

func (b *buffered) Close() error { return nil }

// ReadBody returns up to limit bytes of resp's body (limit <= 0: all of it) and closes the body.
// A body the retry layer already read is handed on without a copy; the caller may keep it.
func ReadBody(resp *http.Response, limit int64) ([]byte, error) {
	if bb, ok := resp.Body.(*buffered); ok {
		b := bb.b[len(bb.b)-bb.Len():]
		if limit > 0 && int64(len(b)) > limit {
			b = b[:limit]
		}
		bb.Reset(nil)
		return b, nil
	}
	defer Drain(resp)
	r := io.Reader(resp.Body)
	if limit > 0 {
		r = io.LimitReader(r, limit)
	}
	return io.ReadAll(r)
}

// readAll reads resp's body in full (at most limit bytes when limit > 0), starting from a buffer
// of hint bytes when the length is unknown, and replaces it with the buffered copy: what was
// read, also when the read failed part-way (a *CutOffError).
func readAll(resp *http.Response, limit, hint int64) ([]byte, error) {
	size := resp.ContentLength
	if size < 0 {
		size = hint
	}
	if limit > 0 {
		size = min(size, limit)
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	r := io.Reader(resp.Body)
	if limit > 0 {
		r = io.LimitReader(r, limit)
	}
	_, err := buf.ReadFrom(r)
	Drain(resp)
	b := buf.Bytes()
	resp.Body = &buffered{Reader: bytes.NewReader(b), b: b}
	if err != nil {
		return b, &CutOffError{Err: err}
	}
	return b, nil
}
