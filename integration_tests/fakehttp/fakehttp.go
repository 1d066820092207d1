// Package fakehttp holds the HTTP plumbing the fake HubSpot and Insider servers share: a
// response writer that remembers the status, and a connection dropped mid-answer.
package fakehttp

import "net/http"

// StatusRecorder remembers the status a handler answered with.
type StatusRecorder struct {
	http.ResponseWriter
	Status int
}

// WriteHeader records the first status.
func (r *StatusRecorder) WriteHeader(code int) {
	if r.Status == 0 {
		r.Status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

// Write records 200 when no status was written first.
func (r *StatusRecorder) Write(b []byte) (int, error) {
	if r.Status == 0 {
		r.Status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// DropConnection starts a 200 answer promising more body than it sends, writes partialBody and
// closes the TCP connection, like a link reset mid-answer.
func DropConnection(w http.ResponseWriter, partialBody string) {
	if rec, ok := w.(*StatusRecorder); ok {
		w = rec.ResponseWriter
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n" + partialBody)
	_ = buf.Flush()
	_ = conn.Close()
}
