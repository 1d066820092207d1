package settle

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/protocol"
)

// TestRunOutcomePrecedence: the one error a write returns for what happened during it. A
// config_error wins over other failures; a failure for good before a cancellation (SIGTERM) is
// reported, not the cancellation; a cancellation with nothing failed before it is the
// cancellation ("the run was stopped"); a stop that is a config_error of its own (fail_run)
// wins over a failure; an error that ended reading wins over all; the source's TRACE ERROR is
// the run's error when the destination has none, and is named beside the destination's own.
func TestRunOutcomePrecedence(t *testing.T) {
	t.Parallel()
	transient, system, config := errors.New("503"), errors.New("refused"), errors.New("401")
	failRun := protocol.NewError(protocol.FailureConfig, "record 7 of stream contacts has an invalid identifier", nil)
	readErr := protocol.NewError(protocol.FailureSystem, "could not read the input messages", errors.New("EOF in a line"))
	source := &protocol.ErrorTrace{Message: "HubSpot refused the token", FailureType: protocol.FailureConfig}
	tests := []struct {
		name        string
		events      func(o *Outcome)
		readErr     error
		canceled    bool
		want        protocol.FailureType // "" for no error
		canceledErr bool                 // the error is the cancellation
		says        []string
	}{
		{name: "nothing happened", events: func(*Outcome) {}},
		{name: "a transient failure holds records back",
			events: func(o *Outcome) { o.failed(protocol.FailureTransient, transient, false) },
			want:   protocol.FailureTransient, says: []string{"after every retry", "3 records were held back"}},
		{name: "a config_error after another failure wins",
			events: func(o *Outcome) {
				o.failed(protocol.FailureTransient, transient, false)
				o.failed(protocol.FailureConfig, config, false)
			},
			want: protocol.FailureConfig},
		{name: "a config_error before another failure stays",
			events: func(o *Outcome) {
				o.failed(protocol.FailureConfig, config, false)
				o.failed(protocol.FailureTransient, transient, false)
			},
			want: protocol.FailureConfig},
		{name: "a failure that stops sending is reported, not its stop",
			events: func(o *Outcome) {
				o.failed(protocol.FailureTransient, transient, false)
				o.failed(protocol.FailureSystem, system, true)
			},
			want: protocol.FailureSystem, says: []string{"held back"}},
		{name: "a failure before a cancellation is reported, not the cancellation",
			events:  func(o *Outcome) { o.failed(protocol.FailureConfig, config, true) },
			readErr: context.Canceled, canceled: true,
			want: protocol.FailureConfig},
		{name: "a cancellation with no failure before it is the cancellation",
			events:  func(*Outcome) {},
			readErr: context.Canceled, canceled: true,
			canceledErr: true},
		{name: "a config_error stop of its own wins over a failure",
			events: func(o *Outcome) {
				o.failed(protocol.FailureTransient, transient, false)
				o.Stop(failRun)
			},
			want: protocol.FailureConfig, says: []string{"invalid identifier"}},
		{name: "the first stop wins",
			events: func(o *Outcome) {
				o.Stop(failRun)
				o.Stop(readErr)
			},
			want: protocol.FailureConfig, says: []string{"invalid identifier"}},
		{name: "an error that ended reading wins",
			events:  func(o *Outcome) { o.failed(protocol.FailureConfig, config, true) },
			readErr: readErr,
			want:    protocol.FailureSystem, says: []string{"could not read the input"}},
		{name: "the source's failure alone is the run's",
			events: func(o *Outcome) { o.SourceFailed(source) },
			want:   protocol.FailureConfig, says: []string{"the source failed: HubSpot refused the token"}},
		{name: "the source's failure is named beside the destination's own",
			events: func(o *Outcome) {
				o.SourceFailed(source)
				o.SourceFailed(source)
				o.failed(protocol.FailureTransient, transient, false)
			},
			want: protocol.FailureTransient, says: []string{"after every retry", "the source failed too: HubSpot refused the token (and 1 more source errors"}},
		{name: "the source's failure is named beside a read error",
			events:  func(o *Outcome) { o.SourceFailed(source) },
			readErr: readErr,
			want:    protocol.FailureSystem, says: []string{"could not read the input", "the source failed too"}},
		{name: "a cancellation leaves the source's failure out",
			events:  func(o *Outcome) { o.SourceFailed(source) },
			readErr: context.Canceled, canceled: true,
			canceledErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := NewOutcome("https://insider.test")
			tc.events(o)
			var ctxErr error
			if tc.canceled {
				ctxErr = context.Canceled
			}
			err := o.Result(tc.readErr, ctxErr, 3)
			switch {
			case tc.canceledErr:
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("error %v, want the cancellation", err)
				}
				return
			case tc.want == "":
				if err != nil {
					t.Fatalf("error %v, want none", err)
				}
				return
			case err == nil:
				t.Fatalf("no error, want a %s", tc.want)
			}
			if got := protocol.FailureTypeOf(err); got != tc.want {
				t.Errorf("failure_type %s, want %s (%v)", got, tc.want, err)
			}
			for _, s := range tc.says {
				if msg := protocol.UserMessage(err); !strings.Contains(msg, s) {
					t.Errorf("message %q lacks %q", msg, s)
				}
			}
		})
	}
}
