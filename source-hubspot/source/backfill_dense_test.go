package source

import (
	"testing"

	"golang.org/x/time/rate"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// TestListPaysByTier: the cost model reads a window by both methods when the list's share of
// window contacts per second (general budget x 100 x density) is at least a quarter of the
// search's (search budget x 200), so a spread window of 2 in 5 contacts pays on every tier and
// one of 1 in 5 only with Pro/Enterprise budgets.
func TestListPaysByTier(t *testing.T) {
	for _, tc := range []struct {
		tier    string
		other   rate.Limit
		density float64
		want    bool
	}{
		{"starter", accountTiers["starter"], 0.4, true},
		{"starter", accountTiers["starter"], 0.2, false},
		{"public_app", accountTiers["public_app"], 0.26, true},
		{"professional", accountTiers["professional"], 0.2, true},
		{"professional", accountTiers["professional"], 0.13, false},
		{"limit_increase", accountTiers["limit_increase"], 0.11, true},
		{"a lowered budget", 3, 0.6, false},
	} {
		c, err := hubspot.New(hubspot.Config{BaseURL: "https://api.hubapi.com", Credentials: hubspot.Credentials{AccessToken: "pat"},
			Limits: hubspot.Limits{Other: tc.other}})
		if err != nil {
			t.Fatal(err)
		}
		cr := &contactsReader{run: &run{src: &Source{}, client: c}}
		const above = 100000
		if got := cr.listPays(int(tc.density*above), above); got != tc.want {
			t.Errorf("%s (%g/s), window density %g: listPays = %v, want %v", tc.tier, float64(tc.other), tc.density, got, tc.want)
		}
	}
}
