package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// FlagError is a command's bad flags, which its flag set has already explained on stderr.
type FlagError struct{ Err error }

func (e FlagError) Error() string { return e.Err.Error() }

// Unwrap returns the flag set's error.
func (e FlagError) Unwrap() error { return e.Err }

// Main is the main function of the commands beside the tests (bench, demo, fakeserve): it
// calls run with a context that SIGINT and SIGTERM cancel and returns the exit code: 0 when
// run succeeds, 2 when it fails with a FlagError, and otherwise 1 after writing prefix and the
// error to stderr.
func Main(prefix string, run func(ctx context.Context) error) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx)
	if err == nil {
		return 0
	}
	if errors.As(err, new(FlagError)) {
		return 2
	}
	fmt.Fprintln(os.Stderr, prefix, err)
	return 1
}
