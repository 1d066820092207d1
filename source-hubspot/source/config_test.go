package source

import (
	"encoding/json"
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
