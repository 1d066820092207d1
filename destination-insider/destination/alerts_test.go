package destination

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
	"github.com/insider-hubspot/connectors/internal/alert/alerttest"
)

func TestAlertOnHeldBackRecords(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	f.FailIdentifierWith("1002", http.StatusServiceUnavailable) // every request holding it
	h := alerttest.New(t)
	cfg := baseConfig(f.URL, func(c map[string]any) {
		c["batch_size"] = 1
		c["alert_webhook_url"] = h.URL
	})
	r := runCmd(t, "write", cfg, []string{contact(1), contact(2), contact(3), stateLine("contacts", 1)})
	if r.code == 0 {
		t.Fatal("exit 0 with a held-back record")
	}
	texts := h.Texts()
	if len(texts) != 1 || !strings.HasPrefix(texts[0], "destination-insider: sync failed") || !strings.Contains(texts[0], "held back") {
		t.Fatalf("alerts = %q, want one saying the sync failed with records held back", texts)
	}
}

func TestAlertOnRejectRatio(t *testing.T) {
	t.Parallel()
	h := alerttest.New(t)
	cfg := baseConfig(newInsider(t, fakeinsider.Options{}).URL, func(c map[string]any) {
		c["alert_webhook_url"] = h.URL
		c["alert_reject_ratio"] = 0.2
	})
	bad := recordLine("contacts", `{"id":"9","email":"not-an-email","firstname":"X"}`)
	r := runCmd(t, "write", cfg, []string{contact(1), bad, bad, contact(2), stateLine("contacts", 1)})
	if r.code != 0 {
		t.Fatalf("exit %d", r.code)
	}
	texts := h.Texts()
	if len(texts) != 1 || !strings.Contains(texts[0], "2 of 4 records (50.0%) were rejected") || strings.Contains(texts[0], "not-an-email") {
		t.Fatalf("alerts = %q", texts)
	}
}

func TestNoAlertBelowThresholdOrInDryRun(t *testing.T) {
	t.Parallel()
	h := alerttest.New(t)
	url := h.URL
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
	if got := h.Texts(); len(got) != 0 {
		t.Fatalf("alerts = %q, want none", got)
	}
}

func TestSlowWebhookDoesNotFailTheSync(t *testing.T) {
	t.Parallel()
	h := alerttest.New(t)
	h.Block() // released when the test ends
	url := h.URL
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
