package protocol

import (
	"context"
	"io"
)

// cancelReader makes reads from r end when ctx is done, even while one is blocked on an idle
// pipe: a destination's stdin stays open and silent while the source waits on its API, and
// SIGTERM must still end the run within seconds. A read that is blocked when ctx ends is left
// to the goroutine that makes it, which ends when r yields data or EOF, or with the process.
type cancelReader struct {
	ctx  context.Context //nolint:containedctx // io.Reader's Read takes no context, and this reader exists to end its reads with ctx
	r    io.Reader
	buf  []byte
	done chan readResult // the read in flight, nil when none
}

type readResult struct {
	n   int
	err error
}

// newCancelReader returns a reader of r whose reads end with ctx.Err() once ctx is done.
func newCancelReader(ctx context.Context, r io.Reader) io.Reader {
	return &cancelReader{ctx: ctx, r: r}
}

func (c *cancelReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if cap(c.buf) < len(p) {
		c.buf = make([]byte, len(p))
	}
	buf := c.buf[:len(p)]
	done := make(chan readResult, 1)
	c.done = done
	go func() {
		n, err := c.r.Read(buf)
		done <- readResult{n, err}
	}()
	select {
	case <-c.ctx.Done():
		c.buf = nil // the blocked read still owns it
		return 0, c.ctx.Err()
	case res := <-done:
		c.done = nil
		return copy(p, buf[:res.n]), res.err
	}
}
