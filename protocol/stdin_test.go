package protocol

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// TestCancelReaderEndsABlockedRead checks that a read blocked on an open, idle pipe ends when
// the context is cancelled, and that data and EOF pass through unchanged before that.
func TestCancelReaderEndsABlockedRead(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	r := NewReader(newCancelReader(ctx, pr))
	go func() { _, _ = io.WriteString(pw, `{"type":"STATE","state":{"type":"LEGACY","data":{}}}`+"\n") }()
	m, err := r.Next()
	if err != nil || m.Type != TypeState {
		t.Fatalf("Next = %v, %v", m, err)
	}
	got := make(chan error, 1)
	go func() { _, err := r.Next(); got <- err }()
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Fatalf("blocked Next = %v, want context.Canceled", err)
	}
	pw.Close() // lets the blocked pipe read end

	all, err := io.ReadAll(newCancelReader(context.Background(), strings.NewReader("abc")))
	if err != nil || string(all) != "abc" {
		t.Fatalf("ReadAll = %q, %v", all, err)
	}
}
