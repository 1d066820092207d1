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

func TestAlertWhenAStreamFails(t *testing.T) {
	e := newEnv(t)
	e.cfg["alert_webhook_url"] = e.webhook().URL
	e.fake.addContacts(10, 5, t0.Add(-time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	e.fake.failFirst(pathSearch, 1000, http.StatusForbidden, nil,
		`{"status":"error","message":"This app hasn't been granted all required scopes","category":"MISSING_SCOPES"}`)
	res := e.read(cat, nil)
	if res.code == 0 {
		t.Fatal("exit 0 after a failed stream")
	}
	got := e.hook.Texts()
	if len(got) != 1 || !strings.Contains(got[0], "stream contacts failed") {
		t.Fatalf("alerts = %q, want one naming the failed stream", got)
	}
}

func TestAlertWhenTheRunStops(t *testing.T) {
	e := newEnv(t)
	e.cfg["alert_webhook_url"] = e.webhook().URL
	e.fake.addContacts(1, 50, t0.Add(-time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	e.fake.failFirst(pathSearch, 1000, http.StatusTooManyRequests, nil,
		`{"policyName":"DAILY","status":"error","message":"You have reached your daily limit.","category":"RATE_LIMITS"}`)
	res := e.read(cat, searchState())
	if res.code == 0 {
		t.Fatal("exit 0 after the daily limit")
	}
	got := e.hook.Texts()
	if len(got) != 1 || !strings.Contains(got[0], "sync failed") || !strings.Contains(got[0], "daily") {
		t.Fatalf("alerts = %q, want one saying the sync failed on the daily limit", got)
	}
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
