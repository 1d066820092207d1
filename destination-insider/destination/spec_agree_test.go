package destination

import (
	"encoding/json"
	"testing"

	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

// TestSpecAgreesWithConfig: every default, bound and enum value in spec.json is what ParseConfig
// fills in or accepts.
func TestSpecAgreesWithConfig(t *testing.T) {
	base := json.RawMessage(`{"partner_name": "mybrand", "api_key": "k",
		"identifier_mappings": [{"identifier": "email", "source_field": "email"},
			{"identifier": "uuid", "source_field": "hs_object_id"}]}`)
	parse := func(raw json.RawMessage) (any, error) { return ParseConfig(raw) }
	cfg := func(c any) *Config { return c.(*Config) }
	defaults := map[string]func(any) any{
		"skip_hook":                 func(c any) any { return cfg(c).SkipHook },
		"invalid_identifier_policy": func(c any) any { return cfg(c).InvalidIdentifierPolicy },
		"phone.normalize":           func(c any) any { return cfg(c).Phone.Normalized() },
		"boolean_format":            func(c any) any { return cfg(c).BooleanFormat },
		"batch_size":                func(c any) any { return cfg(c).BatchSize },
		"max_concurrent_requests":   func(c any) any { return cfg(c).MaxConcurrentRequests },
		"api_base_url":              func(c any) any { return cfg(c).APIBaseURL },
		"dry_run":                   func(c any) any { return cfg(c).DryRun },
		"alert_reject_ratio":        func(c any) any { return cfg(c).AlertRejectRatio },
		"event_retention_days":      func(c any) any { return cfg(c).EventRetentionDays },
		"deletion_mode":             func(c any) any { return cfg(c).DeletionMode },
		"merge_mode":                func(c any) any { return cfg(c).MergeMode },
		"permanent_deletion_mode":   func(c any) any { return cfg(c).PermanentDeletionMode },
		"identity_changes":          func(c any) any { return cfg(c).IdentityChanges },
		"clear_empty_values":        func(c any) any { return cfg(c).ClearEmptyValues },
	}
	protocoltest.SpecAgreement(t, specJSON, base, parse, defaults)
}
