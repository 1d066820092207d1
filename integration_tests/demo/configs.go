package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
	"github.com/insider-hubspot/connectors/protocol"
)

// sourceConfig is the source's config for the fake HubSpot (its private-app token).
func sourceConfig(f *fakes) map[string]any {
	return map[string]any{
		"credentials":      map[string]any{"credentials_title": "Private App Credentials", "access_token": f.hubspot.Options().PrivateAppToken},
		"sync_target":      map[string]any{"mode": "list_contacts"},
		"page_size":        200,
		"lookback_minutes": 5,
		"api_base_url":     f.hubspot.URL,
	}
}

// destinationConfig maps contacts and the three default event types to the fake Insider. Users
// are identified by email and phone only, so contacts whose only identifiers are invalid or
// missing show up as rejected in the summary.
func destinationConfig(f *fakes) map[string]any {
	o := f.insider.Options()
	event := func(stream, name string, params ...string) map[string]any {
		var ps []map[string]string
		for i := 0; i+1 < len(params); i += 2 {
			ps = append(ps, map[string]string{"source_field": params[i], "parameter": params[i+1]})
		}
		return map[string]any{"stream": stream, "event_name": name, "parameters": ps}
	}
	return map[string]any{
		"partner_name": o.PartnerName,
		"api_key":      o.APIKey,
		"api_base_url": f.insider.URL,
		"identifier_mappings": []map[string]string{
			{"identifier": "email", "source_field": "email"},
			{"identifier": "phone_number", "source_field": "phone"},
		},
		"attribute_mappings": []map[string]string{
			{"source_field": "firstname", "attribute": "name"},
			{"source_field": "lastname", "attribute": "surname"},
			{"source_field": "city", "attribute": "city"},
			{"source_field": "country", "attribute": "country"},
			{"source_field": "hs_language", "attribute": "language"},
			{"source_field": "newsletter_opt_in", "attribute": "email_optin"},
			{"source_field": "lifecyclestage", "attribute": "lifecycle_stage"},
			{"source_field": "company", "attribute": "company"},
			{"source_field": "jobtitle", "attribute": "job_title"},
		},
		"fixed_attributes": []map[string]string{{"attribute": "crm_source", "value": "hubspot"}},
		"event_mappings": []map[string]any{
			event("event_pe123456_newsletter_signup", "newsletter_signup", "properties.source_page", "url", "properties.plan", "plan"),
			event("event_pe123456_webinar_attended", "webinar_attended", "properties.webinar_name", "webinar_name",
				"properties.minutes_watched", "minutes_watched"),
			event("event_pe123456_product_viewed", "product_viewed", "properties.product_id", "product_id",
				"properties.price", "unit_price", "properties.url", "url"),
		},
		"fixed_event_parameters":    []map[string]string{{"parameter": "source", "value": "hubspot"}},
		"invalid_identifier_policy": "skip_identifier",
		"phone":                     map[string]any{"normalize": true, "default_region": "US"},
	}
}

// writeConfigs writes both configs into dir, and the configured catalog built from what the
// source's discover returns: every stream incremental on its default cursor, deduplicated on
// its primary key.
func writeConfigs(ctx context.Context, bin pipeline.Binaries, dir string, f *fakes) (streams []string, err error) {
	if err := writeJSONFile(filepath.Join(dir, pipeline.SourceConfigFile), sourceConfig(f)); err != nil {
		return nil, err
	}
	if err := writeJSONFile(filepath.Join(dir, pipeline.DestinationConfigFile), destinationConfig(f)); err != nil {
		return nil, err
	}
	catalog, err := discover(ctx, bin.Source, filepath.Join(dir, pipeline.SourceConfigFile))
	if err != nil {
		return nil, err
	}
	var configured protocol.ConfiguredCatalog
	for _, s := range catalog.Streams {
		configured.Streams = append(configured.Streams, protocol.ConfiguredStream{Stream: s,
			SyncMode: protocol.SyncModeIncremental, CursorField: s.DefaultCursorField,
			DestinationSyncMode: protocol.DestinationSyncModeAppendDedup, PrimaryKey: s.SourceDefinedPrimaryKey})
		streams = append(streams, s.Name)
	}
	return streams, writeJSONFile(filepath.Join(dir, pipeline.CatalogFile), configured)
}

// discover runs the source's discover and returns its catalog.
func discover(ctx context.Context, source, configPath string) (*protocol.Catalog, error) {
	cmd := exec.CommandContext(ctx, source, "discover", "--config", configPath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, runErr := cmd.Output()
	var catalog *protocol.Catalog
	var problems []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var m protocol.Message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return nil, fmt.Errorf("discover printed a line that is not an Airbyte message: %w", err)
		}
		switch {
		case m.Type == protocol.TypeCatalog:
			catalog = m.Catalog
		case m.Type == protocol.TypeTrace && m.Trace != nil && m.Trace.Error != nil:
			problems = append(problems, m.Trace.Error.Message)
		}
	}
	if runErr != nil || catalog == nil {
		return nil, fmt.Errorf("source discover failed (%v): %s %s", runErr, strings.Join(problems, "; "), stderr.String())
	}
	return catalog, nil
}

// writeJSONFile writes v as indented JSON, readable only by the user (configs hold keys).
func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", filepath.Base(path), err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
