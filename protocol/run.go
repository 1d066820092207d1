package protocol

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/rs/zerolog"
)

// Env is what a run reads and writes: the command line (without the program name), the standard
// streams and the clock. A nil Now means time.Now.
type Env struct {
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Now    func() time.Time
}

// OSEnv returns the process's own Env.
func OSEnv() Env {
	return Env{Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Now: time.Now}
}

// invocation is the state one command shares between the runner's steps.
type invocation struct {
	env      Env
	out      *Writer
	redactor *Redactor
	args     Args
	// resume says, for a run stopped by a signal, where the next run resumes; set by the
	// command that knows (read, write).
	resume func() string
}

// RunSource runs one source command and returns the process exit code.
func RunSource(ctx context.Context, env Env, s Source) int {
	return execute(ctx, env, []Command{CmdSpec, CmdCheck, CmdDiscover, CmdRead}, s.Spec,
		func(ctx context.Context, r *invocation, cmd Command, config json.RawMessage) error {
			switch cmd {
			case CmdCheck:
				return r.check(ctx, s.Check(ctx, config))
			case CmdDiscover:
				cat, err := s.Discover(ctx, config)
				if err != nil {
					return err
				}
				return r.out.Write(&Message{Type: TypeCatalog, Catalog: cat})
			case CmdRead:
				catalog, err := r.readCatalog()
				if err != nil {
					return err
				}
				state, err := r.readState(s)
				if err != nil {
					return err
				}
				so := NewSourceOutput(r.out, r.env.Now)
				r.resume = so.resumePoints
				if err := s.Read(ctx, config, catalog, state, so); err != nil {
					so.closeOpen()
					return err
				}
				if n := so.Failed(); n > 0 {
					return errStreamsFailed{n: n}
				}
				return nil
			}
			return fmt.Errorf("unsupported command %q", cmd)
		})
}

// RunDestination runs one destination command and returns the process exit code.
// Discover is accepted when d is a DestinationDiscoverer.
func RunDestination(ctx context.Context, env Env, d Destination) int {
	cmds := []Command{CmdSpec, CmdCheck, CmdWrite}
	disc, canDiscover := d.(DestinationDiscoverer)
	if canDiscover {
		cmds = append(cmds, CmdDiscover)
	}
	return execute(ctx, env, cmds, d.Spec,
		func(ctx context.Context, r *invocation, cmd Command, config json.RawMessage) error {
			switch cmd {
			case CmdCheck:
				return r.check(ctx, d.Check(ctx, config))
			case CmdDiscover:
				cat, err := disc.Discover(ctx, config)
				if err != nil {
					return err
				}
				if cat == nil || cat.Operations == nil {
					return NewError(FailureSystem, "the connector produced no destination catalog; this is a bug, please report it", nil)
				}
				return r.out.Write(&Message{Type: TypeDestinationCatalog, DestinationCatalog: cat})
			case CmdWrite:
				catalog, err := r.readCatalog()
				if err != nil {
					return err
				}
				tracker := NewStateTracker(r.out)
				r.resume = tracker.resumePoint
				return d.Write(ctx, config, catalog, NewReader(newCancelReader(ctx, r.env.Stdin)), tracker)
			}
			return fmt.Errorf("unsupported command %q", cmd)
		})
}

// errStreamsFailed ends a read in which streams failed; each already has its own TRACE ERROR.
type errStreamsFailed struct{ n int }

func (e errStreamsFailed) Error() string { return fmt.Sprintf("%d stream(s) failed", e.n) }

// execute does what every command shares: signals, the writer, logging, parsing, config
// validation, panic recovery and the mapping of errors to TRACE messages and exit codes.
func execute(ctx context.Context, env Env, cmds []Command, spec func(context.Context) (*Spec, error),
	do func(ctx context.Context, r *invocation, cmd Command, config json.RawMessage) error) (code int) {
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Stderr == nil {
		env.Stderr = io.Discard
	}
	parent := ctx
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	redactor := NewRedactor()
	r := &invocation{env: env, redactor: redactor, out: NewWriter(env.Stdout, redactor)}

	defer func() {
		if p := recover(); p != nil {
			err := NewError(FailureSystem, "the connector crashed; this is a bug, please report it",
				fmt.Errorf("panic: %v", p))
			r.fail(err, string(debug.Stack()))
			code = 1
		}
		if err := r.out.Flush(); err != nil {
			fmt.Fprintln(env.Stderr, "write stdout:", err)
			code = 1
		}
	}()

	args, err := ParseArgs(env.Args, cmds...)
	if err != nil {
		r.fail(NewError(FailureConfig, err.Error(), nil), "")
		return 1
	}
	r.args = args
	level := zerolog.InfoLevel
	if args.Debug {
		level = zerolog.DebugLevel
	}
	runCtx := withRedactor(NewLogger(r.out, level).WithContext(ctx), redactor)
	if len(args.Ignored) > 0 {
		zerolog.Ctx(runCtx).Warn().Strs("flags", args.Ignored).Msg("ignored command-line flags that no command of this connector takes")
	}
	sp, err := spec(runCtx)
	if err != nil {
		r.fail(err, "")
		return 1
	}
	if args.Command == CmdSpec {
		if err := r.out.Write(&Message{Type: TypeSpec, Spec: sp}); err != nil {
			return 1
		}
		return 0
	}
	config, err := r.readConfig(runCtx, sp)
	if err == nil {
		err = do(runCtx, r, args.Command, config)
		if err != nil && ctx.Err() != nil && parent.Err() == nil && errors.Is(err, context.Canceled) {
			err = r.stopped(err)
		}
	} else if args.Command == CmdCheck && FailureTypeOf(err) == FailureConfig {
		err = r.check(runCtx, err)
	}
	if err != nil {
		var sf errStreamsFailed
		if !errors.As(err, &sf) {
			r.fail(err, "")
		}
		return 1
	}
	return 0
}

// stopped is the error of a run that a signal (SIGTERM, SIGINT) ended: it says so, and where
// the next run resumes, instead of "context canceled".
func (r *invocation) stopped(err error) error {
	msg := "the run was stopped (SIGTERM or SIGINT) before it finished"
	if r.resume != nil {
		msg += "; " + r.resume()
	}
	return NewError(FailureTransient, msg, err)
}

// check turns the outcome of a check, err, into CONNECTION_STATUS: a config error into FAILED
// and success into SUCCEEDED; other errors are returned for a TRACE.
func (r *invocation) check(ctx context.Context, err error) error {
	if err != nil && FailureTypeOf(err) != FailureConfig {
		return err
	}
	status := &ConnectionStatus{Status: StatusSucceeded}
	if err != nil {
		zerolog.Ctx(ctx).Debug().Err(err).Msg("check failed")
		status = &ConnectionStatus{Status: StatusFailed, Message: UserMessage(err)}
	}
	return r.out.Write(&Message{Type: TypeConnectionStatus, ConnectionStatus: status})
}

// fail writes a TRACE ERROR for err.
func (r *invocation) fail(err error, stack string) {
	m := errorTrace(err, "", r.env.Now())
	m.Trace.Error.StackTrace = stack
	if werr := r.out.Write(m); werr != nil {
		fmt.Fprintln(r.env.Stderr, "write stdout:", werr)
	}
}

// errorTrace builds a TRACE ERROR for err, naming stream if given (or the *Error's Stream).
func errorTrace(err error, stream string, now time.Time) *Message {
	te := &ErrorTrace{Message: UserMessage(err), InternalMessage: err.Error(), FailureType: FailureTypeOf(err)}
	var e *Error
	if stream == "" && errors.As(err, &e) {
		stream = e.Stream
	}
	if stream != "" {
		te.StreamDescriptor = &StreamDescriptor{Name: stream}
	}
	return &Message{Type: TypeTrace, Trace: &Trace{Type: TraceError, EmittedAt: now.UnixMilli(), Error: te}}
}

// readConfig reads the --config file, registers its secrets with the redactor, logs a WARN for
// each key the spec does not declare (before validation, so that a misspelled required field
// is named beside the error it causes) and validates it against the spec.
func (r *invocation) readConfig(ctx context.Context, sp *Spec) (json.RawMessage, error) {
	data, err := readFlagFile("config", r.args.Config)
	if err != nil {
		return nil, err
	}
	secrets, err := secretValues(sp.ConnectionSpecification, data)
	if err != nil {
		return nil, NewError(FailureSystem, "the connector's spec is not valid JSON", err)
	}
	for _, s := range secrets {
		r.redactor.Add(s)
	}
	for _, msg := range UnknownFields(sp.ConnectionSpecification, data) {
		zerolog.Ctx(ctx).Warn().Msg("--config " + r.args.Config + ": " + msg)
	}
	if err := ValidateConfig(sp.ConnectionSpecification, data); err != nil {
		return nil, err
	}
	return data, nil
}

func (r *invocation) readCatalog() (*ConfiguredCatalog, error) {
	data, err := readFlagFile("catalog", r.args.Catalog)
	if err != nil {
		return nil, err
	}
	c, err := ParseConfiguredCatalog(data)
	if err != nil {
		return nil, NewError(FailureConfig, fmt.Sprintf("--catalog %s is not a configured catalog: %v", r.args.Catalog, err), nil)
	}
	return c, nil
}

// readState reads the --state file. A legacy state (a bare object, or a LEGACY message's data)
// is checked by the source when it is a LegacyStateChecker, so that JSON that is no state of
// the source is refused rather than read as no state.
func (r *invocation) readState(s Source) (*InputState, error) {
	if r.args.State == "" {
		return &InputState{}, nil
	}
	data, err := readFlagFile("state", r.args.State)
	if err != nil {
		return nil, err
	}
	st, err := ParseState(data)
	if err == nil && st.Legacy() != nil {
		if c, ok := s.(LegacyStateChecker); ok {
			err = c.CheckLegacyState(st.Legacy())
		}
	}
	if err != nil {
		return nil, NewError(FailureConfig, fmt.Sprintf("--state %s is not an Airbyte state of this connector: %v; "+
			"to read everything again, pass no --state (or a file holding {} or [])", r.args.State, err), nil)
	}
	return st, nil
}

// readFlagFile reads the file a flag names, with an error that names both.
func readFlagFile(flag, path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, NewError(FailureConfig, fmt.Sprintf("cannot read --%s file %s", flag, path), err)
	}
	return data, nil
}
