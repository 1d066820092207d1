package destination

import (
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/destination-insider/mapping"
)

// TestConfigDocumentedRules: error_callback_endpoint and event_retention_days are checked (the
// mapping's documented rules are checked in package mapping).
func TestConfigDocumentedRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(c *Config)
		want []string // "" entries: the config is valid
	}{
		{name: "callback over plain http", edit: func(c *Config) { c.ErrorCallbackEndpoint = "http://hooks.example.com/x" },
			want: []string{"error_callback_endpoint must use https"}},
		{name: "callback over https", edit: func(c *Config) { c.ErrorCallbackEndpoint = "https://hooks.example.com/x" }},
		{name: "negative retention", edit: func(c *Config) { c.EventRetentionDays = -1 }, want: []string{"event_retention_days -1 is out of range"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := &Config{PartnerName: "p", APIKey: "k", Config: mapping.Config{
				IdentifierMappings: []mapping.IdentifierMapping{{Identifier: "email", SourceField: "email"}}}}
			tc.edit(cfg)
			cfg.applyDefaults()
			got := strings.Join(cfg.validate(), "; ")
			if len(tc.want) == 0 && got != "" {
				t.Fatalf("unexpected problems: %s", got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("problems %q lack %q", got, w)
				}
			}
		})
	}
}

// TestAlertRejectRatioDefault: alert_reject_ratio defaults to 0.05 when it is absent or null, and
// 0 (no alert) is kept.
func TestAlertRejectRatioDefault(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]float64{``: DefaultAlertRejectRatio, `,"alert_reject_ratio":null`: DefaultAlertRejectRatio,
		`,"alert_reject_ratio":0`: 0, `,"alert_reject_ratio":0.3`: 0.3} {
		cfg, err := ParseConfig([]byte(`{"partner_name":"p","api_key":"k"` + raw + `}`))
		if err != nil || cfg.AlertRejectRatio != want {
			t.Errorf("%s: ratio %v, %v; want %v", raw, cfg.AlertRejectRatio, err, want)
		}
	}
}
