package source

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

func TestConfigRateLimits(t *testing.T) {
	def := hubspot.Limits{Search: 4, Other: 9, OtherBurst: 10}
	for _, tc := range []struct {
		name       string
		rateLimits string // the rate_limits member, or "" for none
		want       hubspot.Limits
	}{
		{"defaults kept", ``, def},
		{"search raised", `,"rate_limits":{"search_per_second":5}`, hubspot.Limits{Search: 5, Other: 9, OtherBurst: 10}},
		{"other raised with burst", `,"rate_limits":{"requests_per_second":19}`, hubspot.Limits{Search: 4, Other: 19, OtherBurst: 19}},
		{"both", `,"rate_limits":{"search_per_second":1000,"requests_per_second":1000}`, hubspot.Limits{Search: 1000, Other: 1000, OtherBurst: 1000}},
		{"professional tier", `,"rate_limits":{"account_tier":"professional"}`, hubspot.Limits{Search: 4, Other: 17, OtherBurst: 10}},
		{"limit increase tier", `,"rate_limits":{"account_tier":"limit_increase"}`, hubspot.Limits{Search: 4, Other: 22.8, OtherBurst: 10}},
		{"starter tier", `,"rate_limits":{"account_tier":"starter"}`, def},
		{"requests_per_second wins over the tier", `,"rate_limits":{"account_tier":"enterprise","requests_per_second":12}`,
			hubspot.Limits{Search: 4, Other: 12, OtherBurst: 12}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := `{"credentials":{"credentials_title":"Private App Credentials","access_token":"pat"}` + tc.rateLimits + `}`
			cfg, err := ParseConfig(json.RawMessage(raw))
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.limits(def); got != tc.want {
				t.Errorf("limits = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestConfigRejectsUnknownTier names the field and the accepted values.
func TestConfigRejectsUnknownTier(t *testing.T) {
	_, err := ParseConfig(json.RawMessage(`{"credentials":{"access_token":"pat"},"rate_limits":{"account_tier":"gold"}}`))
	if err == nil || !strings.Contains(err.Error(), "rate_limits.account_tier") || !strings.Contains(err.Error(), "professional") {
		t.Fatalf("err = %v, want one naming rate_limits.account_tier and the tiers", err)
	}
}
