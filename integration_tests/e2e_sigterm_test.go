package integrationtests

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

// hangGuard only catches a process that never ends after SIGTERM; it is no speed assertion.
const hangGuard = 90 * time.Second

// process is a connector binary running with its stdout read line by line.
type process struct {
	t     *testing.T
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string // stdout lines, closed at EOF
	mu    sync.Mutex
	out   []string
	done  chan error
}

func startProcess(t *testing.T, bin string, args ...string) *process {
	t.Helper()
	p := &process{t: t, cmd: exec.Command(bin, args...), lines: make(chan string, 1024), done: make(chan error, 1)}
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.cmd.Process.Kill() })
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.out = append(p.out, sc.Text())
			p.mu.Unlock()
			p.lines <- sc.Text()
		}
		close(p.lines)
		p.done <- p.cmd.Wait()
	}()
	return p
}

// waitLine waits for a stdout line that match accepts.
func (p *process) waitLine(what string, match func(string) bool) {
	p.t.Helper()
	timer := time.NewTimer(hangGuard)
	defer timer.Stop()
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("the process ended before %s; stdout:\n%s", what, strings.Join(p.output(), "\n"))
			}
			if match(l) {
				return
			}
		case <-timer.C:
			p.t.Fatalf("no %s; stdout so far:\n%s", what, strings.Join(p.output(), "\n"))
		}
	}
}

// terminate sends SIGTERM and waits for the process to end, returning its exit code.
func (p *process) terminate() int {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatal(err)
	}
	go func() {
		for range p.lines { // keep reading stdout so the process can finish writing
		}
	}()
	select {
	case err := <-p.done:
		return exitStatus(p.t, "the connector", err)
	case <-time.After(hangGuard):
		_ = p.cmd.Process.Kill()
		p.t.Fatalf("the process was still running %v after SIGTERM; stdout:\n%s", hangGuard, strings.Join(p.output(), "\n"))
		return -1
	}
}

func (p *process) output() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.out...)
}

// messages decodes every stdout line, checking it against the protocol schema.
func (p *process) messages() []protocol.Message {
	p.t.Helper()
	out := []byte(strings.Join(p.output(), "\n"))
	validateProtocol(p.t, out)
	var msgs []protocol.Message
	for _, l := range p.output() {
		var m protocol.Message
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			p.t.Fatalf("stdout line is not a message: %s", l)
		}
		msgs = append(msgs, m)
	}
	return msgs
}

// lastTraceError returns the last TRACE ERROR.
func lastTraceError(t *testing.T, msgs []protocol.Message) *protocol.ErrorTrace {
	t.Helper()
	for i := len(msgs) - 1; i >= 0; i-- {
		if m := msgs[i]; m.Type == protocol.TypeTrace && m.Trace.Error != nil {
			return m.Trace.Error
		}
	}
	t.Fatal("no TRACE ERROR")
	return nil
}

// TestSIGTERMEndsAnIdleDestination sends SIGTERM to a destination whose stdin is open and
// silent (the source waits on its API). Before, it noticed only on the next input line, so it
// ran until SIGKILL. It must end, echo only the state whose records Insider has, and say in a
// TRACE that the run was stopped and where the next one resumes.
//
// Record 3's request never gets through to Insider: the destination's idle flush sends a batch
// once the input has been quiet for a second, so on a loaded machine record 3 may be sent
// before the SIGTERM arrives; held unanswered, it is still not in Insider when the run stops.
func TestSIGTERMEndsAnIdleDestination(t *testing.T) {
	t.Parallel()
	ins := fakeinsider.New(fakeinsider.Options{})
	t.Cleanup(ins.Close)
	dir := t.TempDir()
	cfg := patchJSON(t, destinationConfigFor(t, ins), func(m map[string]any) {
		m["batch_size"] = 2
		m["api_base_url"] = holdingProxy(t, ins.URL, "u3@example.com")
	})
	p := startProcess(t, connectorBinaries(t).Destination, "write",
		"--config", writeJSON(t, dir, "config.json", cfg),
		"--catalog", writeJSON(t, dir, "catalog.json", configuredCatalogFixture(t)))
	rec := func(id int) string {
		return fmt.Sprintf(`{"type":"RECORD","record":{"stream":"contacts","emitted_at":1,"data":{"id":"%d","email":"u%d@example.com","hs_object_id":"%d"}}}`, id, id, id)
	}
	state := func(n int) string {
		return fmt.Sprintf(`{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"contacts"},"stream_state":{"n":%d}}}}`, n)
	}
	// Records 1 and 2 fill a batch, which record 3 sends; state 1 is echoed once it is in
	// Insider. Record 3 waits in the next batch, with state 2 behind it, when input goes quiet.
	for _, l := range []string{rec(1), rec(2), state(1), rec(3), state(2)} {
		if _, err := io.WriteString(p.stdin, l+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	p.waitLine("echo of state 1", func(l string) bool { return strings.Contains(l, `"stream_state":{"n":1}`) })
	code := p.terminate() // stdin stays open
	if code == 0 {
		t.Error("a stopped write exited 0")
	}
	msgs := p.messages()
	var echoed []string
	for _, m := range protocoltest.OfType(msgs, protocol.TypeState) {
		echoed = append(echoed, string(m.State.Stream.StreamState))
	}
	if len(echoed) != 1 || echoed[0] != `{"n":1}` {
		t.Errorf("echoed states %v, want only state 1 (state 2's record was never delivered)", echoed)
	}
	te := lastTraceError(t, msgs)
	t.Logf("TRACE: %s", te.Message)
	if te.FailureType != protocol.FailureTransient {
		t.Errorf("failure_type %s, want transient_error", te.FailureType)
	}
	for _, want := range []string{"stopped", "SIGTERM", "1 states were echoed", "resumes from the last of them"} {
		if !strings.Contains(te.Message, want) {
			t.Errorf("TRACE message %q does not say %q", te.Message, want)
		}
	}
	if strings.Contains(te.Message, "context canceled") {
		t.Errorf("TRACE message %q", te.Message)
	}
	if _, ok := ins.FindByEmail("u3@example.com"); ok {
		t.Error("record 3 reached Insider, yet it was never sent before the stop")
	}
}

// TestSIGTERMEndsASourceWaitingOnHubSpot sends SIGTERM to a source whose request hangs on a
// slow HubSpot: it must end with a TRACE saying the run was stopped and where each stream
// resumes.
func TestSIGTERMEndsASourceWaitingOnHubSpot(t *testing.T) {
	t.Parallel()
	hanging := make(chan struct{}, 1)
	hs := fakehubspot.New(fakehubspot.Options{Sleep: func(ctx context.Context, d time.Duration) {
		select {
		case hanging <- struct{}{}:
		default:
		}
		<-ctx.Done() // the answer never comes: the source must give up on its own
	}})
	t.Cleanup(hs.Close)
	hs.SetLatency(fakehubspot.EndpointAny, time.Hour)
	dir := t.TempDir()
	p := startProcess(t, connectorBinaries(t).Source, "read",
		"--config", writeJSON(t, dir, "config.json", sourceConfigFor(t, hs)),
		"--catalog", writeJSON(t, dir, "catalog.json", configuredCatalogFixture(t)))
	select {
	case <-hanging:
	case <-time.After(hangGuard):
		t.Fatal("the source never called HubSpot")
	}
	if code := p.terminate(); code == 0 {
		t.Error("a stopped read exited 0")
	}
	te := lastTraceError(t, p.messages())
	t.Logf("TRACE: %s", te.Message)
	if te.FailureType != protocol.FailureTransient {
		t.Errorf("failure_type %s, want transient_error", te.FailureType)
	}
	for _, want := range []string{"stopped", "SIGTERM", "stream contacts resumes"} {
		if !strings.Contains(te.Message, want) {
			t.Errorf("TRACE message %q does not say %q", te.Message, want)
		}
	}
	if strings.Contains(te.Message, "context canceled") {
		t.Errorf("TRACE message %q", te.Message)
	}
}

// holdingProxy passes requests on to target, except those whose body contains hold: it keeps
// each of those unanswered until its client goes away (or the test ends) and passes nothing of
// it on, so target never gets it.
func holdingProxy(t *testing.T, target, hold string) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(u) }, Transport: tr}
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		if bytes.Contains(body, []byte(hold)) {
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // before Close, which waits for the held handlers
	return srv.URL
}
