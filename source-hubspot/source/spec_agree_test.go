package source

import (
	"encoding/json"
	"testing"

	"github.com/insider-hubspot/connectors/protocol/protocoltest"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// TestSpecAgreesWithConfig: every default, bound and enum value in spec.json is what ParseConfig
// fills in or accepts.
func TestSpecAgreesWithConfig(t *testing.T) {
	base := json.RawMessage(`{"credentials": {"credentials_title": "Private App Credentials", "access_token": "pat-x"}}`)
	parse := func(raw json.RawMessage) (any, error) { return ParseConfig(raw) }
	cfg := func(c any) *Config { return c.(*Config) }
	defaults := map[string]func(any) any{
		"page_size":                       func(c any) any { return cfg(c).PageSize },
		"lookback_minutes":                func(c any) any { return int(cfg(c).Lookback().Minutes()) },
		"event_lookback_minutes":          func(c any) any { return int(cfg(c).EventLookback().Minutes()) },
		"api_base_url":                    func(c any) any { return cfg(c).APIBaseURL },
		"api_version":                     func(c any) any { return cfg(c).APIVersion },
		"event_contact_properties":        func(c any) any { return cfg(c).EventContactProperties },
		"deleted_contacts":                func(c any) any { return cfg(c).Deleted() },
		"identity_properties":             func(c any) any { return cfg(c).Identity() },
		"permanent_deletions.enabled":     func(c any) any { return cfg(c).PermanentDeletions.Enabled },
		"permanent_deletions.api_version": func(c any) any { return cfg(c).PermanentDeletions.APIVersion },
		"rate_limits.search_per_second":   func(c any) any { return float64(cfg(c).limits(hubspot.DefaultLimits()).Search) },
		"rate_limits.requests_per_second": func(c any) any { return float64(cfg(c).limits(hubspot.DefaultLimits()).Other) },
	}
	protocoltest.SpecAgreement(t, specJSON, base, parse, defaults)
}
