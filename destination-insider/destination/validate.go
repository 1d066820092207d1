package destination

import (
	"fmt"
	"strings"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/internal/urlpolicy"
)

// maxRetentionDays bounds event_retention_days (100 years).
const maxRetentionDays = 36500

// validate returns every problem of a config with defaults applied; each
// names the field and says how to fix it.
func (c *Config) validate() []string {
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }

	if strings.TrimSpace(c.PartnerName) == "" {
		add("partner_name is empty: set it to your InOne account name")
	}
	if strings.TrimSpace(c.APIKey) == "" {
		add("api_key is empty: set it to a Unified Customer Database API key")
	}
	if err := urlpolicy.Check("api_base_url", c.APIBaseURL); err != nil {
		add("%v", err)
	}
	if c.AlertWebhookURL != "" {
		if err := urlpolicy.Check("alert_webhook_url", c.AlertWebhookURL); err != nil {
			add("%v", err)
		}
	}
	p = append(p, c.Problems()...)
	p = append(p, c.validateDeleteModes()...)
	if c.BatchSize < 1 || c.BatchSize > insider.MaxUsers {
		add("batch_size %d is out of range: use 1 to %d", c.BatchSize, insider.MaxUsers)
	}
	if c.MaxConcurrentRequests < 1 || c.MaxConcurrentRequests > maxConcurrency {
		add("max_concurrent_requests %d is out of range: use 1 to %d", c.MaxConcurrentRequests, maxConcurrency)
	}
	if c.EventRetentionDays < 1 || c.EventRetentionDays > maxRetentionDays {
		add("event_retention_days %d is out of range: use 1 to %d (Insider keeps custom events 90 days unless your account says otherwise)", c.EventRetentionDays, maxRetentionDays)
	}
	if c.ErrorCallbackEndpoint != "" {
		if err := urlpolicy.Check("error_callback_endpoint", c.ErrorCallbackEndpoint); err != nil {
			add("%v", err)
		}
	}
	if c.AlertRejectRatio < 0 || c.AlertRejectRatio > 1 {
		add("alert_reject_ratio %v is out of range: use a number from 0 to 1", c.AlertRejectRatio)
	}
	return p
}

// validateDeleteModes checks deletion_mode, permanent_deletion_mode, merge_mode and
// identity_changes. A mode that deletes or anonymizes profiles needs an identifier mapped from
// the contact id: a deleted contact's email or phone number may belong to a live contact by
// now, so only its id finds its own profile and no other. permanent_deletion_mode left at its
// default is let through here; a permanently deleted record then stops the run (write.go).
func (c *Config) validateDeleteModes() []string {
	var p []string
	switch c.DeletionMode {
	case DeletionIgnore:
	case DeletionDeleteProfile, DeletionAnonymize:
		// Without identifier_mappings no stream is mapped by the config (every stream is mapped
		// by Airbyte's data activation): deletion_mode then only says how soft_delete streams
		// remove the profile their matching key finds.
		if len(c.IdentifierMappings) > 0 && !c.MapsRecordID() {
			p = append(p, needsRecordID("deletion_mode "+c.DeletionMode, "deletion_mode to ignore"))
		}
	default:
		p = append(p, fmt.Sprintf("deletion_mode %q is not one of ignore, delete_profile, anonymize", c.DeletionMode))
	}
	switch c.PermanentDeletionMode {
	case DeletionIgnore:
	case DeletionDeleteProfile, DeletionAnonymize:
		if !c.permanentDefault && !c.MapsRecordID() {
			p = append(p, needsRecordID("permanent_deletion_mode "+c.PermanentDeletionMode, "permanent_deletion_mode to ignore"))
		}
	default:
		p = append(p, fmt.Sprintf("permanent_deletion_mode %q is not one of delete_profile, anonymize, ignore", c.PermanentDeletionMode))
	}
	switch c.IdentityChanges {
	case IdentityFollow, IdentityIgnore:
	default:
		p = append(p, fmt.Sprintf("identity_changes %q is not one of follow, ignore", c.IdentityChanges))
	}
	switch c.MergeMode {
	case MergeIgnore:
	case MergeUpdateIdentity:
		if !c.MapsRecordID() {
			p = append(p, "merge_mode update_identity needs a uuid or custom identifier mapped from hs_object_id or id "+
				"(the contact id that a merge changes): add one to identifier_mappings or set merge_mode to ignore")
		}
	default:
		p = append(p, fmt.Sprintf("merge_mode %q is not one of ignore, update_identity", c.MergeMode))
	}
	return p
}

// needsRecordID is the problem of a delete mode without an identifier mapped from the contact
// id; off names the other way out.
func needsRecordID(mode, off string) string {
	return mode + " needs a uuid or custom identifier mapped from hs_object_id or id: a deleted contact's profile is found " +
		"by its HubSpot id alone, because its email or phone number may belong to a live contact by now, whose profile would go too. " +
		`Add {"identifier": "uuid", "source_field": "hs_object_id"} (or a custom identifier from id) to identifier_mappings, or set ` + off
}
