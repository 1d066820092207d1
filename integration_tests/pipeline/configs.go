package pipeline

import "github.com/insider-hubspot/connectors/protocol"

// PrivateAppSourceConfig is the source's config for a fake HubSpot at baseURL that takes the
// private-app token: list_contacts, pages of 200, a 5-minute lookback.
func PrivateAppSourceConfig(baseURL, token string) map[string]any {
	return map[string]any{
		"credentials":      map[string]any{"credentials_title": "Private App Credentials", "access_token": token},
		"sync_target":      map[string]any{"mode": "list_contacts"},
		"page_size":        200,
		"lookback_minutes": 5,
		"api_base_url":     baseURL,
	}
}

// ContactsDestinationConfig is the destination's config for a fake Insider at baseURL that maps
// contacts the way most deployments do: users identified by email and phone (normalized to
// E.164, invalid ones skipped), the usual profile attributes, and crm_source "hubspot". extra
// attribute mappings (source_field, attribute pairs) come after the usual ones.
func ContactsDestinationConfig(baseURL, partner, apiKey string, extra ...string) map[string]any {
	attrs := []map[string]string{
		{"source_field": "firstname", "attribute": "name"},
		{"source_field": "lastname", "attribute": "surname"},
		{"source_field": "city", "attribute": "city"},
		{"source_field": "country", "attribute": "country"},
		{"source_field": "hs_language", "attribute": "language"},
		{"source_field": "newsletter_opt_in", "attribute": "email_optin"},
		{"source_field": "lifecyclestage", "attribute": "lifecycle_stage"},
		{"source_field": "company", "attribute": "company"},
		{"source_field": "jobtitle", "attribute": "job_title"},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		attrs = append(attrs, map[string]string{"source_field": extra[i], "attribute": extra[i+1]})
	}
	return map[string]any{
		"partner_name": partner,
		"api_key":      apiKey,
		"api_base_url": baseURL,
		"identifier_mappings": []map[string]string{
			{"identifier": "email", "source_field": "email"},
			{"identifier": "phone_number", "source_field": "phone"},
		},
		"attribute_mappings":        attrs,
		"fixed_attributes":          []map[string]string{{"attribute": "crm_source", "value": "hubspot"}},
		"invalid_identifier_policy": "skip_identifier",
		"phone":                     map[string]any{"normalize": true, "default_region": "US"},
	}
}

// Incremental configures a discovered stream as the platform does for an incremental
// deduplicated sync: its default cursor and its primary key.
func Incremental(s protocol.Stream) protocol.ConfiguredStream {
	return protocol.ConfiguredStream{Stream: s, SyncMode: protocol.SyncModeIncremental, CursorField: s.DefaultCursorField,
		DestinationSyncMode: protocol.DestinationSyncModeAppendDedup, PrimaryKey: s.SourceDefinedPrimaryKey}
}
