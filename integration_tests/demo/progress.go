package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// progress counts what flows through a sync and shows it as one line on stderr: rewritten in
// place with \r on a terminal, a plain line every few seconds otherwise.
type progress struct {
	label    string
	w        io.Writer
	terminal bool

	contacts, events, lists, states atomic.Int64
	// sourceClock is the emitted_at (Unix ms) of the source's first TRACE message: the source's
	// clock when its run began, from which it fixes the window end.
	sourceClock atomic.Int64

	stop chan struct{}
	done sync.WaitGroup
}

// startProgress begins showing progress for the sync named label.
func startProgress(label string, w io.Writer, terminal bool) *progress {
	p := &progress{label: label, w: w, terminal: terminal, stop: make(chan struct{})}
	every := 5 * time.Second
	if terminal {
		every = 200 * time.Millisecond
	}
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.show(false)
			}
		}
	}()
	return p
}

// sourceLine counts a line the source wrote.
func (p *progress) sourceLine(line []byte) {
	var m struct {
		Type   string `json:"type"`
		Record struct {
			Stream string `json:"stream"`
		} `json:"record"`
		Trace struct {
			EmittedAt int64 `json:"emitted_at"`
		} `json:"trace"`
	}
	if json.Unmarshal(line, &m) != nil {
		return
	}
	if m.Type == "TRACE" && m.Trace.EmittedAt > 0 {
		p.sourceClock.CompareAndSwap(0, m.Trace.EmittedAt)
	}
	if m.Type != "RECORD" {
		return
	}
	switch {
	case m.Record.Stream == "contacts":
		p.contacts.Add(1)
	case m.Record.Stream == "list_memberships":
		p.lists.Add(1)
	case strings.HasPrefix(m.Record.Stream, "event_"):
		p.events.Add(1)
	}
}

// destinationLine counts a line the destination wrote.
func (p *progress) destinationLine(line []byte) {
	var m struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(line, &m) == nil && m.Type == "STATE" {
		p.states.Add(1)
	}
}

// finish stops the updates and writes the final line.
func (p *progress) finish() {
	close(p.stop)
	p.done.Wait()
	p.show(true)
}

func (p *progress) show(final bool) {
	text := fmt.Sprintf("%s: %d contacts, %d events and %d list memberships read, %d states echoed by the destination",
		p.label, p.contacts.Load(), p.events.Load(), p.lists.Load(), p.states.Load())
	switch {
	case p.terminal && final:
		fmt.Fprintf(p.w, "\r\033[K%s\n", text)
	case p.terminal:
		fmt.Fprintf(p.w, "\r\033[K%s", text)
	default:
		fmt.Fprintln(p.w, text)
	}
}
