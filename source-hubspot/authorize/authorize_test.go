package authorize_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/authorize"
	"github.com/insider-hubspot/connectors/source-hubspot/source"
)

// harness runs the command against a fake HubSpot whose app is the shipped app definition.
type harness struct {
	t          *testing.T
	fake       *fakehubspot.Server
	dir        string
	secretFile string
	// browse is the browser: it gets the consent URL (nil: nobody opens it).
	browse func(consentURL string)
	// pages are the status and body of each page the browser ended on.
	pages []page
	// client calls the token endpoint (nil: the command's own).
	client *http.Client
}

type page struct {
	status int
	body   string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, fake: fakehubspot.New(fakehubspot.Options{}), dir: t.TempDir()}
	t.Cleanup(h.fake.Close)
	app := readApp(t)
	// The app's own redirect URLs name fixed ports; the command under test listens on a free one,
	// so the fake accepts any loopback redirect (TestAppDefinition checks the default port's).
	h.fake.SetOAuthApp(fakehubspot.OAuthApp{RequiredScopes: app.Config.Auth.RequiredScopes, OptionalScopes: app.Config.Auth.OptionalScopes})
	h.secretFile = h.write("secret.txt", "test-client-secret\n")
	h.browse = h.follow
	return h
}

func (h *harness) write(name, content string) string {
	h.t.Helper()
	p := filepath.Join(h.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		h.t.Fatal(err)
	}
	return p
}

// browser is an HTTP client that resolves localhost to 127.0.0.1, as browsers treat localhost
// as the loopback address.
func browser() *http.Client {
	d := &net.Dialer{}
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if host, port, err := net.SplitHostPort(addr); err == nil && host == "localhost" {
			addr = net.JoinHostPort("127.0.0.1", port)
		}
		return d.DialContext(ctx, network, addr)
	}}}
}

// follow opens u as a browser does, following HubSpot's redirect to the command.
func (h *harness) follow(u string) {
	res, err := browser().Get(u)
	if err != nil {
		h.t.Errorf("browser: %v", err)
		return
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	h.pages = append(h.pages, page{res.StatusCode, string(b)})
}

// run runs the command with the fake's URLs and args and returns exit code, stdout and stderr.
func (h *harness) run(ctx context.Context, stdin io.Reader, args ...string) (int, string, string) {
	h.t.Helper()
	var stdout, stderr bytes.Buffer
	all := append([]string{"--client-id", "test-client-id", "--port", "0",
		"--api-base-url", h.fake.URL, "--authorize-url", h.fake.URL + "/oauth/authorize"}, args...)
	code := authorize.Main(ctx, authorize.Env{Stdin: stdin, Stdout: &stdout, Stderr: &stderr, HTTPClient: h.client, Browser: func(u string) {
		if h.browse != nil {
			h.browse(u)
		}
	}}, all)
	return code, stdout.String(), stderr.String()
}

// check runs the source's check with the config file and returns its status.
func check(t *testing.T, path string) string {
	t.Helper()
	var out bytes.Buffer
	code := protocol.RunSource(t.Context(), protocol.Env{Args: []string{"check", "--config", path}, Stdout: &out, Stderr: io.Discard}, source.New())
	var msg struct {
		ConnectionStatus struct {
			Status, Message string
		} `json:"connectionStatus"`
	}
	if err := json.Unmarshal(out.Bytes(), &msg); err != nil || code != 0 {
		t.Fatalf("check: exit %d, %v: %s", code, err, out.String())
	}
	return msg.ConnectionStatus.Status + " " + msg.ConnectionStatus.Message
}

// noSecrets fails t if text holds the client secret or a token the fake issued.
func noSecrets(t *testing.T, where, text string) {
	t.Helper()
	for _, s := range []string{"test-client-secret", "test-refresh-token", "CJ0000"} {
		if strings.Contains(text, s) {
			t.Errorf("%s shows a secret (%s):\n%s", where, s, text)
		}
	}
}

func TestAuthorizeWritesAConfigThatWorks(t *testing.T) {
	h := newHarness(t)
	cfg := h.write("config.json", `{"start_date": "2024-01-01T00:00:00Z", "page_size": 100,
		"credentials": {"credentials_title": "Private App Credentials", "access_token": "pat-old"}}`)
	if err := os.Chmod(cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := h.run(t.Context(), nil, "--client-secret-file", h.secretFile, "--write-config", cfg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing with --write-config", stdout)
	}
	noSecrets(t, "stderr", stderr)
	if len(h.pages) != 1 || h.pages[0].status != 200 || !strings.Contains(h.pages[0].body, "authorized the app") {
		t.Errorf("browser pages %+v", h.pages)
	}
	noSecrets(t, "the browser page", h.pages[0].body)
	var got struct {
		StartDate   string         `json:"start_date"`
		PageSize    int            `json:"page_size"`
		APIBaseURL  string         `json:"api_base_url"`
		Credentials map[string]any `json:"credentials"`
	}
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"credentials_title": "OAuth Credentials", "client_id": "test-client-id",
		"client_secret": "test-client-secret", "refresh_token": "test-refresh-token"}
	if got.StartDate != "2024-01-01T00:00:00Z" || got.PageSize != 100 || got.APIBaseURL != h.fake.URL || !equalMaps(got.Credentials, want) {
		t.Errorf("config = %s", b)
	}
	if fi, err := os.Stat(cfg); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("config mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	if st := check(t, cfg); !strings.HasPrefix(st, "SUCCEEDED") {
		t.Errorf("check with the written config: %s", st)
	}
	tokens := h.fake.RequestsTo(fakehubspot.EndpointToken)
	if len(tokens) == 0 || tokens[0].Query != "" || !strings.Contains(string(tokens[0].Body), "grant_type=authorization_code") ||
		tokens[0].Path != "/oauth/2026-03/token" {
		t.Errorf("token request %+v", tokens)
	}
}

func equalMaps(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestAuthorizePrintsTheConfig reads the secret from stdin and prints the config on stdout.
func TestAuthorizePrintsTheConfig(t *testing.T) {
	h := newHarness(t)
	h.fake.SetUnavailableScopes("behavioral_events.event_definitions.read_write")
	var consent *url.URL
	h.browse = func(u string) {
		consent, _ = url.Parse(u)
		h.follow(u)
	}
	code, stdout, stderr := h.run(t.Context(), strings.NewReader("test-client-secret\n"), "--client-secret-file", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	noSecrets(t, "stderr", stderr)
	q := consent.Query()
	if q.Get("scope") != strings.Join(authorize.RequiredScopes, " ") || q.Get("optional_scope") != strings.Join(authorize.OptionalScopes, " ") ||
		!regexp.MustCompile(`^http://localhost:[0-9]+/oauth-callback$`).MatchString(q.Get("redirect_uri")) || len(q.Get("state")) < 40 {
		t.Errorf("consent URL query %v", q)
	}
	if !strings.Contains(stderr, "Not granted: behavioral_events.event_definitions.read_write (no custom behavioral event streams") ||
		!strings.Contains(stderr, "HubSpot account 123456 authorized the app") {
		t.Errorf("stderr does not report the grant:\n%s", stderr)
	}
	p := h.write("printed.json", stdout)
	if st := check(t, p); !strings.HasPrefix(st, "SUCCEEDED") {
		t.Errorf("check with the printed config: %s\n%s", st, stdout)
	}
}

// TestAuthorizeIgnoresAForeignState: a request to the redirect URL with another state (CSRF, or
// a stale tab) is refused and the flow goes on to HubSpot's real redirect.
func TestAuthorizeIgnoresAForeignState(t *testing.T) {
	h := newHarness(t)
	h.browse = func(u string) {
		cu, _ := url.Parse(u)
		forged := cu.Query().Get("redirect_uri") + "?code=stolen&state=forged"
		h.follow(forged)
		h.follow(u)
	}
	code, stdout, stderr := h.run(t.Context(), nil, "--client-secret-file", h.secretFile)
	if code != 0 || stdout == "" {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if len(h.pages) != 2 || h.pages[0].status != 400 || h.pages[1].status != 200 || !strings.Contains(stderr, "another state") {
		t.Errorf("pages %+v, stderr:\n%s", h.pages, stderr)
	}
	if n := len(h.fake.RequestsTo(fakehubspot.EndpointToken)); n != 1 {
		t.Errorf("%d token requests, want 1: the forged code must not be exchanged", n)
	}
}

func TestAuthorizeFailures(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(h *harness)
		args  []string
		// ctx cancels the run when the browser opens the URL (ctrl-c).
		interrupt bool
		code      int
		stderr    string
		page      string // what the last browser page says, "" for no page
	}{
		{name: "user declines", setup: func(h *harness) { h.fake.DenyConsent(true) },
			code: 1, stderr: "did not authorize the app (access_denied", page: "The authorization failed"},
		{name: "wrong client secret", setup: func(h *harness) { h.secretFile = h.write("wrong.txt", "wrong-secret") },
			code: 1, stderr: "HubSpot refused the app's client ID or secret (HTTP 400 invalid_client BAD_CLIENT_SECRET", page: "The authorization failed"},
		{name: "token endpoint unavailable", setup: func(h *harness) { h.fake.FailNext(fakehubspot.EndpointToken, 1, http.StatusServiceUnavailable) },
			code: 1, stderr: "HubSpot's token endpoint is unavailable (HTTP 503", page: "The authorization failed"},
		{name: "token endpoint rate limit", setup: func(h *harness) { h.fake.FailNext(fakehubspot.EndpointToken, 1, http.StatusTooManyRequests) },
			code: 1, stderr: "run the command again in a few minutes", page: "The authorization failed"},
		{name: "unknown client id", args: []string{"--client-id", "other-app", "--timeout", "1ms"},
			code: 1, stderr: "did not redirect to http://localhost:", page: "no app has the client_id other-app"},
		{name: "app requires a scope the command does not send", setup: func(h *harness) {
			h.fake.SetOAuthApp(fakehubspot.OAuthApp{RequiredScopes: append(slices.Clone(authorize.RequiredScopes), "crm.lists.read")})
		}, args: []string{"--timeout", "1ms"}, code: 1, stderr: "its app differs from source-hubspot/hubspot-app", page: "crm.lists.read is required by the app and must be in scope"},
		{name: "nobody opens the URL", setup: func(h *harness) { h.browse = nil }, args: []string{"--timeout", "1ms"},
			code: 1, stderr: "within 1ms; nothing was written"},
		{name: "ctrl-c", setup: func(h *harness) { h.browse = nil }, interrupt: true,
			code: 1, stderr: "stopped (SIGINT or SIGTERM) before HubSpot redirected back; nothing was written"},
		{name: "empty secret file", setup: func(h *harness) { h.secretFile = h.write("empty.txt", "\n\n") },
			code: 1, stderr: "the client secret in"},
		{name: "config file is not an object", setup: func(h *harness) { h.write("config.json", "[1]") },
			args: []string{"--write-config", "{dir}/config.json"}, code: 1, stderr: "is not a JSON object"},
		{name: "config directory missing", args: []string{"--write-config", "{dir}/nope/config.json"}, code: 1, stderr: "nope"},
		{name: "plain http to a remote host", args: []string{"--api-base-url", "http://api.example.com"},
			code: 2, stderr: "--api-base-url must use https"},
		{name: "token url with a query", args: []string{"--token-url", "https://idp.example.com/token?k=v"},
			code: 2, stderr: "--token-url must not have a query"},
		{name: "no client id", args: []string{"--client-id", ""}, code: 2, stderr: "--client-id is required"},
		{name: "stray argument", args: []string{"now"}, code: 2, stderr: `unexpected argument "now"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			if tc.setup != nil {
				tc.setup(h)
			}
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if tc.interrupt {
				h.browse = func(string) { cancel() }
			}
			args := []string{"--client-secret-file", h.secretFile}
			for _, a := range tc.args {
				args = append(args, strings.ReplaceAll(a, "{dir}", h.dir))
			}
			code, stdout, stderr := h.run(ctx, nil, args...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d, want %d; stderr does not contain %q:\n%s", code, tc.code, tc.stderr, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing on failure", stdout)
			}
			noSecrets(t, "stderr", stderr)
			if strings.Contains(stderr, "wrong-secret") {
				t.Errorf("stderr shows the client secret:\n%s", stderr)
			}
			switch {
			case tc.page == "" && len(h.pages) > 0:
				t.Errorf("browser pages %+v, want none", h.pages)
			case tc.page != "" && (len(h.pages) == 0 || !strings.Contains(h.pages[len(h.pages)-1].body, tc.page)):
				t.Errorf("browser pages %+v, want the last to contain %q", h.pages, tc.page)
			}
			if b, err := os.ReadFile(filepath.Join(h.dir, "config.json")); err == nil && string(b) != "[1]" {
				t.Errorf("config.json was changed: %s", b)
			}
		})
	}
}

func TestAuthorizePortInUse(t *testing.T) {
	h := newHarness(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	code, _, stderr := h.run(t.Context(), nil, "--client-secret-file", h.secretFile, "--port", strconv.Itoa(port))
	if code != 1 || !strings.Contains(stderr, "pass --port N and add http://localhost:N/oauth-callback") || len(h.pages) != 0 {
		t.Errorf("exit %d, pages %v:\n%s", code, h.pages, stderr)
	}
}

func TestAuthorizeHelp(t *testing.T) {
	var stderr bytes.Buffer
	if code := authorize.Main(t.Context(), authorize.Env{Stderr: &stderr}, []string{"--help"}); code != 0 ||
		!strings.Contains(stderr.String(), "--client-secret-file") {
		t.Errorf("exit %d:\n%s", code, stderr.String())
	}
	if args, ok := authorize.Args([]string{"authorize", "--port", "1"}); !ok || len(args) != 2 {
		t.Errorf("Args = %v, %v", args, ok)
	}
	if _, ok := authorize.Args([]string{"check", "--config", "c.json"}); ok {
		t.Error("Args takes the protocol's check for the authorize command")
	}
}
