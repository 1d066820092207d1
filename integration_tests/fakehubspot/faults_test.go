package fakehubspot_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehttp"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

func TestTenSecondlyAndDaily(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{RateLimits: true, BurstMax: 3, DailyMax: 1000})
	for i := 0; i < 3; i++ {
		r := do(t, s, "GET", "/crm/v3/objects/contacts", pat, nil)
		if r.status != 200 || r.header.Get("X-HubSpot-RateLimit-Remaining") != strconv.Itoa(2-i) ||
			r.header.Get("X-HubSpot-RateLimit-Interval-Milliseconds") != "10000" || r.header.Get("X-HubSpot-RateLimit-Daily") != "1000" ||
			r.header.Get("X-HubSpot-RateLimit-Daily-Remaining") != strconv.Itoa(999-i) {
			t.Fatalf("call %d: %d %v", i, r.status, r.header)
		}
	}
	r := do(t, s, "GET", "/crm/v3/objects/contacts", pat, nil)
	var e errBody
	r.json(t, &e)
	if r.status != 429 || e.PolicyName != "TEN_SECONDLY_ROLLING" || e.Message != "You have reached your ten_secondly_rolling limit." {
		t.Fatalf("burst: %d %s", r.status, r.body)
	}
	clk.Add(10 * time.Second)
	if r := do(t, s, "GET", "/crm/v3/objects/contacts", pat, nil); r.status != 200 {
		t.Fatalf("after window: %d", r.status)
	}
	s.ExhaustDaily(true)
	r = do(t, s, "GET", "/crm/v3/objects/contacts", pat, nil)
	r.json(t, &e)
	if r.status != 429 || e.PolicyName != "DAILY" {
		t.Fatalf("daily: %d %s", r.status, r.body)
	}
	// OAuth requests carry no daily headers (research §8.2).
	s.ExhaustDaily(false)
	clk.Add(10 * time.Second)
	r = do(t, s, "GET", "/crm/v3/objects/contacts", s.IssueAccessToken(), nil)
	if r.status != 200 || r.header.Get("X-HubSpot-RateLimit-Daily") != "" || r.header.Get("X-HubSpot-RateLimit-Max") != "3" {
		t.Fatalf("oauth headers: %d %v", r.status, r.header)
	}
}

func TestRateLimitsOffByDefault(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{BurstMax: 1, SearchPerSecond: 1})
	for i := 0; i < 5; i++ {
		if r := do(t, s, "POST", "/crm/v3/objects/contacts/search", pat, map[string]any{}); r.status != 200 {
			t.Fatalf("search %d: %d", i, r.status)
		}
		if r := do(t, s, "GET", "/crm/v3/objects/contacts", pat, nil); r.status != 200 {
			t.Fatalf("list %d: %d", i, r.status)
		}
	}
	s.SetRateLimits(true)
	if r := do(t, s, "POST", "/crm/v3/objects/contacts/search", pat, map[string]any{}); r.status != 429 {
		t.Fatalf("after switching on: %d", r.status)
	}
}

func TestInjectedFaults(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 5, base)
	s.RateLimitNext(fakehubspot.EndpointSearch, 2)
	s.FailNext(fakehubspot.EndpointSearch, 1, 502)
	for i, want := range []int{429, 429, 502, 200} {
		r := do(t, s, "POST", "/crm/v3/objects/contacts/search", pat, map[string]any{})
		if r.status != want {
			t.Fatalf("call %d: %d, want %d", i, r.status, want)
		}
		if want == 429 {
			var e errBody
			r.json(t, &e)
			if e.PolicyName != "SECONDLY" {
				t.Fatalf("policy %s", e.PolicyName)
			}
		}
	}
	s.FailContact(3, 500)
	if r := do(t, s, "POST", "/crm/v3/objects/contacts/search", pat, map[string]any{}); r.status != 500 {
		t.Fatalf("page with failing contact: %d", r.status)
	}
	if r := do(t, s, "POST", "/crm/v3/objects/contacts/search", pat, flt("hs_object_id", "GT", "3")); r.status != 200 {
		t.Fatalf("page without it: %d", r.status)
	}
	if r := do(t, s, "GET", "/crm/v3/objects/contacts/3", pat, nil); r.status != 500 {
		t.Fatalf("get failing contact: %d", r.status)
	}
	s.DropNext(fakehubspot.EndpointAny, 1)
	req, _ := http.NewRequest("GET", s.URL+"/crm/v3/objects/contacts", nil)
	req.Header.Set("Authorization", "Bearer "+pat)
	if !fakehttp.AnswerFails(req) {
		t.Fatal("dropped connection gave no error")
	}
	s.ClearFaults()
	if r := do(t, s, "GET", "/crm/v3/objects/contacts/3", pat, nil); r.status != 200 {
		t.Fatalf("after clear: %d", r.status)
	}
	if s.Served429() != 2 || s.StatusCount(502) != 1 || s.Count(fakehubspot.EndpointSearch) != 6 {
		t.Fatalf("429 %d 502 %d searches %d", s.Served429(), s.StatusCount(502), s.Count(fakehubspot.EndpointSearch))
	}
}

// TestTierLimits: each account tier's fake sends that tier's general and daily limits, the
// figures of HubSpot's changelog "Increasing our API limits" for Professional (650,000 a day),
// Enterprise and the API Limit Increase pack.
func TestTierLimits(t *testing.T) {
	want := map[string][2]string{"starter": {"100", "250000"}, "public_app": {"110", "250000"},
		"professional": {"190", "650000"}, "enterprise": {"190", "1000000"}, "limit_increase": {"250", "1650000"}}
	for tier, w := range want {
		l, ok := fakehubspot.TierLimits(tier)
		if !ok {
			t.Fatalf("TierLimits(%q) not found", tier)
		}
		s, _ := start(t, fakehubspot.Options{RateLimits: true, BurstMax: l.BurstMax, DailyMax: l.DailyMax})
		r := do(t, s, "GET", "/crm/v3/objects/contacts", pat, nil)
		if got := [2]string{r.header.Get("X-HubSpot-RateLimit-Max"), r.header.Get("X-HubSpot-RateLimit-Daily")}; got != w {
			t.Errorf("tier %s: limits %v, want %v", tier, got, w)
		}
	}
	if _, ok := fakehubspot.TierLimits("gold"); ok {
		t.Error(`TierLimits("gold") found a tier`)
	}
}
