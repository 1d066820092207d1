package main

import (
	"context"
	"path/filepath"

	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
	"github.com/insider-hubspot/connectors/protocol"
)

// sourceConfig is the source's config for the fake HubSpot (its private-app token).
func sourceConfig(f *fakes) map[string]any {
	return pipeline.PrivateAppSourceConfig(f.hubspot.URL, f.hubspot.Options().PrivateAppToken)
}

// destinationConfig maps contacts, the three default event types and the HubSpot lists (as the
// names in each profile's hubspot_lists, which the fake Insider declares a custom array) to the
// fake Insider. Users are identified by email and phone only, so contacts whose only
// identifiers are invalid or missing show up as rejected in the summary.
func destinationConfig(f *fakes, dryRun bool) map[string]any {
	o := f.insider.Options()
	event := func(stream, name string, params ...string) map[string]any {
		var ps []map[string]string
		for i := 0; i+1 < len(params); i += 2 {
			ps = append(ps, map[string]string{"source_field": params[i], "parameter": params[i+1]})
		}
		return map[string]any{"stream": stream, "event_name": name, "parameters": ps}
	}
	c := pipeline.ContactsDestinationConfig(f.insider.URL, o.PartnerName, o.APIKey)
	c["event_mappings"] = []map[string]any{
		event("event_pe123456_newsletter_signup", "newsletter_signup", "properties.source_page", "url", "properties.plan", "plan"),
		event("event_pe123456_webinar_attended", "webinar_attended", "properties.webinar_name", "webinar_name",
			"properties.minutes_watched", "minutes_watched"),
		event("event_pe123456_product_viewed", "product_viewed", "properties.product_id", "product_id",
			"properties.price", "unit_price", "properties.url", "url"),
	}
	c["fixed_event_parameters"] = []map[string]string{{"parameter": "source", "value": "hubspot"}}
	c["audience_attribute"] = "hubspot_lists"
	if dryRun {
		c["dry_run"] = true
	}
	return c
}

// writeConfigs writes both configs into dir, and the configured catalog built from what the
// source's discover returns: every stream incremental on its default cursor, deduplicated on
// its primary key.
func writeConfigs(ctx context.Context, bin pipeline.Binaries, dir string, f *fakes, dryRun bool) (streams []string, err error) {
	if err := pipeline.WriteJSONFile(filepath.Join(dir, pipeline.SourceConfigFile), sourceConfig(f)); err != nil {
		return nil, err
	}
	if err := pipeline.WriteJSONFile(filepath.Join(dir, pipeline.DestinationConfigFile), destinationConfig(f, dryRun)); err != nil {
		return nil, err
	}
	catalog, err := pipeline.Discover(ctx, bin.Source, filepath.Join(dir, pipeline.SourceConfigFile))
	if err != nil {
		return nil, err
	}
	var configured protocol.ConfiguredCatalog
	for _, s := range catalog.Streams {
		configured.Streams = append(configured.Streams, pipeline.Incremental(s))
		streams = append(streams, s.Name)
	}
	return streams, pipeline.WriteJSONFile(filepath.Join(dir, pipeline.CatalogFile), configured)
}
