package source

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/internal/alert/alerttest"
	"github.com/insider-hubspot/connectors/protocol"
)

// webhook starts the env's webhook receiver.
func (e *env) webhook() *alerttest.Webhook {
	e.hook = alerttest.New(e.t)
	return e.hook
}

// TestAlertWhenTheSyncFails: a stream that fails and a run that stops each send one alert that
// says which.
func TestAlertWhenTheSyncFails(t *testing.T) {
	for _, tc := range []struct {
		name     string
		first    int64
		contacts int
		status   int
		body     string
		state    any
		want     []string
	}{
		{"a stream fails", 10, 5, http.StatusForbidden,
			`{"status":"error","message":"This app hasn't been granted all required scopes","category":"MISSING_SCOPES"}`,
			nil, []string{"stream contacts failed"}},
		{"the run stops", 1, 50, http.StatusTooManyRequests,
			`{"policyName":"DAILY","status":"error","message":"You have reached your daily limit.","category":"RATE_LIMITS"}`,
			searchState(), []string{"sync failed", "daily"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.cfg["alert_webhook_url"] = e.webhook().URL
			e.fake.addContacts(tc.first, tc.contacts, t0.Add(-time.Hour))
			cat := e.catalog(protocol.SyncModeIncremental, "contacts")
			e.fake.failFirst(pathSearch, 1000, tc.status, nil, tc.body)
			res := e.read(cat, tc.state)
			if res.code == 0 {
				t.Fatalf("exit 0 after a %d", tc.status)
			}
			got := e.hook.Texts()
			if len(got) != 1 || !containsAll(got[0], tc.want) {
				t.Fatalf("alerts = %q, want one saying %q", got, tc.want)
			}
		})
	}
}

// containsAll reports whether s contains every one of subs.
func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

func TestSlowWebhookDoesNotHoldTheRun(t *testing.T) {
	e := newEnv(t)
	h := e.webhook()
	h.Block()
	e.cfg["alert_webhook_url"] = h.URL
	e.opts = append(e.opts, WithAlertTimeout(20*time.Millisecond))
	e.fake.addContacts(10, 5, t0.Add(-time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	e.fake.failFirst(pathSearch, 1000, http.StatusForbidden, nil,
		`{"status":"error","message":"This app hasn't been granted all required scopes","category":"MISSING_SCOPES"}`)
	res := e.read(cat, nil)
	// The run ends (this test would hang otherwise: the webhook never answers) with the
	// stream's own error, not an alert error.
	if res.code == 0 || len(res.traceErrors()) != 1 {
		t.Fatalf("exit %d, trace errors %+v", res.code, res.traceErrors())
	}
}

func TestAlertURLMustBeHTTPS(t *testing.T) {
	e := newEnv(t)
	e.cfg["alert_webhook_url"] = "http://hooks.example.com/x"
	res := e.run("check", "--config", e.writeFile("config.json", e.cfg))
	if res.code != 0 || len(res.msgs) == 0 {
		t.Fatalf("exit %d", res.code)
	}
	var status, message string
	for _, m := range res.msgs {
		if m.ConnectionStatus != nil {
			status, message = m.ConnectionStatus.Status, m.ConnectionStatus.Message
		}
	}
	if status != "FAILED" || !strings.Contains(message, "alert_webhook_url must use https") ||
		strings.Contains(message, "hooks.example.com") {
		t.Fatalf("status = %s %q", status, message)
	}
}
