package source

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/protocol"
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

// checkConfig is what the runner does with a config: validate it against spec.json, then parse it.
func checkConfig(raw json.RawMessage) error {
	if err := protocol.ValidateConfig(specJSON, raw); err != nil {
		return err
	}
	_, err := ParseConfig(raw)
	return err
}

// TestConfigRejectsUnknownTier names the field and the accepted values.
func TestConfigRejectsUnknownTier(t *testing.T) {
	err := checkConfig(json.RawMessage(`{"credentials":{"access_token":"pat"},"rate_limits":{"account_tier":"gold"}}`))
	if err == nil || !strings.Contains(err.Error(), "rate_limits.account_tier") || !strings.Contains(err.Error(), "professional") {
		t.Fatalf("err = %v, want one naming rate_limits.account_tier and the tiers", err)
	}
}

// TestAccountTiersMatchTheSpec: the tiers spec.json offers are the tiers the config knows.
func TestAccountTiersMatchTheSpec(t *testing.T) {
	var spec struct {
		Properties struct {
			RateLimits struct {
				Properties struct {
					AccountTier struct {
						Enum []string `json:"enum"`
					} `json:"account_tier"`
				} `json:"properties"`
			} `json:"rate_limits"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(specJSON, &spec); err != nil {
		t.Fatal(err)
	}
	got := spec.Properties.RateLimits.Properties.AccountTier.Enum
	want := slices.Sorted(maps.Keys(accountTiers))
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spec.json's account_tier enum (-accountTiers +spec):\n%s", diff)
	}
}

// TestConfigReportsEveryProblem: a config with several problems gets one config_error naming
// each of them, so it is fixed in one go.
func TestConfigReportsEveryProblem(t *testing.T) {
	raw := json.RawMessage(`{"credentials":{"credentials_title":"OAuth Credentials","client_id":"a","client_secret":"b","refresh_token":""},
		"start_date":"yesterday","sync_target":{"mode":"get_contact","contact_id":" "},"api_base_url":"http://api.example.com",
		"alert_webhook_url":"http://hooks.example.com/x","api_version":"v3"}`)
	_, err := ParseConfig(raw)
	var pe *protocol.Error
	if !errors.As(err, &pe) || pe.Failure != protocol.FailureConfig {
		t.Fatalf("err = %v, want a config_error", err)
	}
	for _, want := range []string{"credentials: OAuth needs client_id, client_secret and refresh_token", `start_date "yesterday"`,
		"sync_target.contact_id is required", "api_base_url", "alert_webhook_url", "api_version"} {
		if !strings.Contains(pe.Message, want) {
			t.Errorf("message %q does not name %q", pe.Message, want)
		}
	}
}

// TestSpecHoldsTheBounds: bounds and enumerations are spec.json's alone; a config past them is
// refused, naming the field, before it is parsed.
func TestSpecHoldsTheBounds(t *testing.T) {
	base := `{"credentials":{"credentials_title":"Private App Credentials","access_token":"pat"},`
	for _, tc := range []struct{ member, field string }{
		{`"page_size":500`, "page_size"},
		{`"page_size":0`, "page_size"},
		{`"lookback_minutes":-1`, "lookback_minutes"},
		{`"event_lookback_minutes":-1`, "event_lookback_minutes"},
		{`"sync_target":{"mode":"everything"}`, "sync_target"},
		{`"rate_limits":{"search_per_second":0}`, "rate_limits.search_per_second"},
	} {
		err := checkConfig(json.RawMessage(base + tc.member + "}"))
		if err == nil || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: err = %v, want one naming %s", tc.member, err, tc.field)
		}
	}
}
