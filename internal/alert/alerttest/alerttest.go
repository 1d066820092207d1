// Package alerttest is a fake Slack-compatible incoming webhook for the connectors' alert tests.
package alerttest

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Webhook records the text of every alert posted to it. It listens on 127.0.0.1 on a free port
// and stops when the test ends.
type Webhook struct {
	URL string

	mu    sync.Mutex
	texts []string
	block chan struct{} // when set, every answer waits until it is closed
}

// New starts a webhook for the test t.
func New(t testing.TB) *Webhook {
	t.Helper()
	h := &Webhook{}
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(h.serve)}}
	srv.Start()
	h.URL = srv.URL
	t.Cleanup(func() {
		h.mu.Lock()
		if h.block != nil {
			close(h.block) // before Close, which waits for the handlers
		}
		h.mu.Unlock()
		srv.Close()
	})
	return h
}

// Block makes every later post wait for its answer until the test ends.
func (h *Webhook) Block() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.block == nil {
		h.block = make(chan struct{})
	}
}

// Texts returns the texts received so far, in order.
func (h *Webhook) Texts() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.texts...)
}

func (h *Webhook) serve(w http.ResponseWriter, r *http.Request) {
	var body struct{ Text string }
	_ = json.NewDecoder(r.Body).Decode(&body)
	h.mu.Lock()
	h.texts = append(h.texts, body.Text)
	block := h.block
	h.mu.Unlock()
	if block != nil {
		<-block
	}
}
