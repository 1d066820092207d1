package authorize

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/insider-hubspot/connectors/internal/redact"
)

// Env is what the command reads and writes. The zero value reads nothing and discards output.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// HTTPClient calls the token endpoint; nil means one with a one-minute timeout.
	HTTPClient *http.Client
	// Browser, when set, is handed the consent URL after it is printed (tests follow it with an
	// HTTP client); the command itself opens no browser.
	Browser func(consentURL string)
}

// OSEnv is the process's Env.
func OSEnv() Env { return Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr} }

// Args returns the arguments after the subcommand when args (the process's, without its name)
// start with it.
func Args(args []string) ([]string, bool) {
	if len(args) > 0 && args[0] == Command {
		return args[1:], true
	}
	return nil, false
}

// Main runs the command and returns the exit code: 0 when the credentials were written, 1 when
// the flow failed, 2 for bad flags. SIGINT and SIGTERM stop it; nothing is written then.
func Main(ctx context.Context, env Env, args []string) int {
	if env.Stderr == nil {
		env.Stderr = io.Discard
	}
	if env.Stdout == nil {
		env.Stdout = io.Discard
	}
	env.Stderr = &syncWriter{w: env.Stderr}
	o, err := parseArgs(args, env.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "source-hubspot %s: %v\nRun source-hubspot %s --help for the flags.\n", Command, err, Command)
		return 2
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	red := redact.New()
	if err := run(ctx, env, o, red); err != nil {
		fmt.Fprintf(env.Stderr, "source-hubspot %s: %s\n", Command, red.Redact(err.Error()))
		return 1
	}
	return 0
}

// errTimeout is the cause of a wait that outlived --timeout.
var errTimeout = errors.New("timeout")

// run is the flow: read the secret, listen, print the consent URL, wait for the redirect,
// exchange the code, write the config.
func run(ctx context.Context, env Env, o options, red *redact.Redactor) error {
	secret, err := readSecret(o.secretFile, env.Stdin)
	if err != nil {
		return err
	}
	red.Add(secret)
	if o.tokenFlag {
		red.Add(o.tokenURL) // a proxy URL may carry a key, as credentials.token_url
	}
	if o.writeConfig != "" {
		if err := checkConfigTarget(o.writeConfig); err != nil {
			return err
		}
	}
	state, err := newState()
	if err != nil {
		return err
	}
	listeners, port, err := listen(ctx, o, env.Stderr)
	if err != nil {
		return err
	}
	redirect := RedirectURL(port)
	client := env.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: time.Minute}
	}
	fix := "into " + o.secretFile
	if o.secretFile == "-" {
		fix = "into what you pipe to stdin"
	}
	ex := &exchanger{client: client, tokenURL: o.tokenURL, clientID: o.clientID, secret: secret, redirect: redirect, red: red,
		fix: "the secret goes " + fix}

	ctx, cancel := context.WithTimeoutCause(ctx, o.timeout, errTimeout)
	defer cancel()
	done := make(chan outcome, 1)
	warn := func(msg string) { fmt.Fprintln(env.Stderr, "warning: "+msg) }
	srv := &http.Server{Handler: callbackHandler(ctx, state, red, warn, ex.exchange, done), ReadHeaderTimeout: 30 * time.Second}
	var wg sync.WaitGroup
	for _, ln := range listeners {
		wg.Go(func() { _ = srv.Serve(ln) }) // ends with http.ErrServerClosed at Shutdown
	}
	defer func() {
		sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer scancel()
		_ = srv.Shutdown(sctx)
		wg.Wait()
	}()

	consent := ConsentURL(o.authorizeURL, o.clientID, redirect, state)
	fmt.Fprintf(env.Stderr, "Open this URL in a browser logged in to HubSpot, choose the account and click Connect app:\n\n  %s\n\n"+
		"Waiting up to %s for HubSpot to redirect the browser to %s (listening on %s; ctrl-c stops).\n"+
		"That URL must be one of your HubSpot app's redirect URLs.\n",
		consent, o.timeout, redirect, addrs(listeners))
	if env.Browser != nil {
		env.Browser(consent)
	}

	var out outcome
	select {
	case out = <-done:
	case <-ctx.Done():
		if errors.Is(context.Cause(ctx), errTimeout) {
			return fmt.Errorf("HubSpot did not redirect to %s within %s; nothing was written. Open the URL above and click Connect app "+
				"(or pass a longer --timeout). If HubSpot showed an error page instead, its app differs from source-hubspot/hubspot-app "+
				"(scopes or redirect URLs)", redirect, o.timeout)
		}
		return errors.New("stopped (SIGINT or SIGTERM) before HubSpot redirected back; nothing was written")
	}
	if out.err != nil {
		return out.err
	}
	return deliver(env, o, secret, out.tok)
}

// deliver writes the config (or prints it) and reports what HubSpot granted.
func deliver(env Env, o options, secret string, tok tokenAnswer) error {
	fields, err := configFields(o, secret, tok.RefreshToken)
	if err != nil {
		return err
	}
	account := "HubSpot"
	if id := tok.hubID(); id != "" {
		account = "HubSpot account " + id
	}
	fmt.Fprintf(env.Stderr, "%s authorized the app.\n", account)
	if granted := tok.granted(); granted != nil {
		fmt.Fprintf(env.Stderr, "Granted scopes: %s\n", strings.Join(granted, " "))
		for _, s := range slices.Concat(RequiredScopes, OptionalScopes) {
			if !slices.Contains(granted, s) {
				fmt.Fprintf(env.Stderr, "Not granted: %s (%s)\n", s, scopeUse(s))
			}
		}
	}
	if o.writeConfig != "" {
		if err := writeConfig(o.writeConfig, fields); err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "Wrote the credentials to %s (mode 0600). Try them: source-hubspot check --config %s\n", o.writeConfig, o.writeConfig)
		return nil
	}
	b, err := encodeConfig(fields)
	if err != nil {
		return err
	}
	if _, err := env.Stdout.Write(b); err != nil {
		return fmt.Errorf("print the config: %w", err)
	}
	fmt.Fprintln(env.Stderr, "The config with these credentials is on stdout; keep it private (it holds the client secret and refresh token).")
	return nil
}

// scopeUse says what a scope that was not granted costs.
func scopeUse(scope string) string {
	switch scope {
	case "behavioral_events.event_definitions.read_write":
		return "no custom behavioral event streams: they need an Enterprise hub"
	case "crm.lists.read":
		return "no list memberships"
	}
	return "the connector needs it: check the app's scopes"
}

// listen opens the listener of o.listen and returns it and the redirect URL's port. When the
// address is the default 127.0.0.1:<port>, it also listens on [::1]:<port> where it can, since
// browsers may resolve localhost to either; it warns when another program holds that port on ::1.
func listen(ctx context.Context, o options, stderr io.Writer) ([]net.Listener, int, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", o.listen)
	if err != nil {
		return nil, 0, fmt.Errorf("listen on %s: %w; if another program uses the port, pass --port N and add http://localhost:N%s to the app's redirect URLs",
			o.listen, err, CallbackPath)
	}
	port := o.port
	if port == 0 {
		if tcp, ok := ln.Addr().(*net.TCPAddr); ok {
			port = tcp.Port
		}
	}
	out := []net.Listener{ln}
	if o.listen == net.JoinHostPort("127.0.0.1", strconv.Itoa(o.port)) && o.port != 0 {
		ln6, err := lc.Listen(ctx, "tcp", net.JoinHostPort("::1", strconv.Itoa(o.port)))
		switch {
		case err == nil:
			out = append(out, ln6)
		case errors.Is(err, syscall.EADDRINUSE):
			fmt.Fprintf(stderr, "warning: another program listens on [::1]:%d; a browser that resolves localhost to ::1 reaches it instead of this command: stop it or pass another --port\n", o.port)
		}
	}
	return out, port, nil
}

// addrs lists the listeners' addresses.
func addrs(ls []net.Listener) string {
	var s []string
	for _, l := range ls {
		s = append(s, l.Addr().String())
	}
	return strings.Join(s, " and ")
}

// syncWriter serializes writes from the handler and the flow.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
