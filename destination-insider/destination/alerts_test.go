package destination

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// webhook records the alerts it receives.
type webhook struct {
	mu    sync.Mutex
	texts []string
	// block, when set, holds every answer until it is closed.
	block chan struct{}
}

func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct{ Text string }
	_ = json.NewDecoder(r.Body).Decode(&body)
	h.mu.Lock()
	h.texts = append(h.texts, body.Text)
	h.mu.Unlock()
	if h.block != nil {
		<-h.block
	}
}

func (h *webhook) got() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.texts...)
}

func newWebhook(t *testing.T, h *webhook) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestAlertOnHeldBackRecords(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	f.FailIdentifierWith("1002", http.StatusServiceUnavailable) // every request holding it
	h := &webhook{}
	cfg := baseConfig(f.URL, func(c map[string]any) {
		c["batch_size"] = 1
		c["alert_webhook_url"] = newWebhook(t, h)
	})
	r := runCmd(t, "write", cfg, []string{contact(1), contact(2), contact(3), stateLine("contacts", 1)})
	if r.code == 0 {
		t.Fatal("exit 0 with a held-back record")
	}
	texts := h.got()
	if len(texts) != 1 || !strings.HasPrefix(texts[0], "destination-insider: sync failed") || !strings.Contains(texts[0], "held back") {
		t.Fatalf("alerts = %q, want one saying the sync failed with records held back", texts)
	}
}

func TestAlertOnRejectRatio(t *testing.T) {
	t.Parallel()
	h := &webhook{}
	cfg := baseConfig(newInsider(t, fakeinsider.Options{}).URL, func(c map[string]any) {
		c["alert_webhook_url"] = newWebhook(t, h)
		c["alert_reject_ratio"] = 0.2
	})
	bad := recordLine("contacts", `{"id":"9","email":"not-an-email","firstname":"X"}`)
	r := runCmd(t, "write", cfg, []string{contact(1), bad, bad, contact(2), stateLine("contacts", 1)})
	if r.code != 0 {
		t.Fatalf("exit %d", r.code)
	}
	texts := h.got()
	if len(texts) != 1 || !strings.Contains(texts[0], "2 of 4 records (50.0%) were rejected") || strings.Contains(texts[0], "not-an-email") {
		t.Fatalf("alerts = %q", texts)
	}
}

func TestNoAlertBelowThresholdOrInDryRun(t *testing.T) {
	t.Parallel()
	h := &webhook{}
	url := newWebhook(t, h)
	for _, dry := range []bool{false, true} {
		cfg := baseConfig(newInsider(t, fakeinsider.Options{}).URL, func(c map[string]any) {
			c["alert_webhook_url"] = url
			c["dry_run"] = dry
			c["alert_reject_ratio"] = 0.5
		})
		bad := recordLine("contacts", `{"id":"9","email":"bad","firstname":"X"}`)
		if r := runCmd(t, "write", cfg, []string{contact(1), bad, contact(2), stateLine("contacts", 1)}); r.code != 0 {
			t.Fatalf("dry=%v: exit %d", dry, r.code)
		}
	}
	if got := h.got(); len(got) != 0 {
		t.Fatalf("alerts = %q, want none", got)
	}
}

func TestSlowWebhookDoesNotFailTheSync(t *testing.T) {
	t.Parallel()
	h := &webhook{block: make(chan struct{})}
	url := newWebhook(t, h)
	t.Cleanup(func() { close(h.block) }) // runs before the server's Close, which waits for handlers
	cfg := baseConfig(newInsider(t, fakeinsider.Options{}).URL, func(c map[string]any) {
		c["alert_webhook_url"] = url
		c["alert_reject_ratio"] = 0.1
	})
	bad := recordLine("contacts", `{"id":"9","email":"bad","firstname":"X"}`)
	r := runCmd(t, "write", cfg, []string{contact(1), bad, stateLine("contacts", 1)}, WithAlertTimeout(50*time.Millisecond))
	if r.code != 0 || len(r.states) != 1 {
		t.Fatalf("exit %d, states %d: a webhook that never answers must not fail the sync", r.code, len(r.states))
	}
}
