package destination

import "time"

// idleFlush is how often the input is looked at while it may be paused: a
// batch is sent once a whole period passed without an input message, so the
// states behind it are echoed within two periods of the source going quiet
// instead of waiting for a full batch or maxBatchAge.
const idleFlush = time.Second

// scheduler calls f every d, counted from the end of the previous call,
// until stop is called; stop waits for a call under way. Tests replace it
// with one that calls f when they say.
type scheduler func(d time.Duration, f func()) (stop func())

// every is the scheduler of real runs. A call that waited for the read loop
// is never followed at once by another, so a whole period passes between
// two looks at the input.
func every(d time.Duration, f func()) (stop func()) {
	t := time.NewTimer(d)
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		for {
			select {
			case <-t.C:
				f()
				t.Reset(d)
			case <-done:
				return
			}
		}
	}()
	return func() {
		t.Stop()
		close(done)
		<-exited
	}
}
