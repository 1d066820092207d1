package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
	"github.com/insider-hubspot/connectors/protocol"
)

// contactsStream is the only stream the bench reads.
const contactsStream = "contacts"

// liftedBudgets raises the source's client-side request budgets so far that a zero-latency fake
// measures the source's own cost rather than HubSpot's limits.
var liftedBudgets = map[string]any{"search_per_second": 1000, "requests_per_second": 1000}

// sourceConfig is the source's config for the fake HubSpot, with budgets as its rate_limits
// (nil: the source's production defaults).
func sourceConfig(f *fakes, budgets map[string]any) map[string]any {
	c := pipeline.PrivateAppSourceConfig(f.hubspot.URL, f.hubspot.Options().PrivateAppToken)
	if budgets != nil {
		c["rate_limits"] = budgets
	}
	return c
}

// Destination mappings the bench measures.
const (
	// mappingMixed identifies users by email and phone (normalized to E.164), as most
	// deployments do; the generated data holds invalid and missing ones, so some records are
	// rejected.
	mappingMixed = "email+phone"
	// mappingUUID identifies users by hs_object_id only, which every contact has, so nothing is
	// rejected and the upsert count must be exactly ceil(N/1,000).
	mappingUUID = "uuid"
)

// destinationConfig maps contacts to the fake Insider with the given identifier mapping.
func destinationConfig(f *fakes, mapping string) map[string]any {
	o := f.insider.Options()
	c := pipeline.ContactsDestinationConfig(f.insider.URL, o.PartnerName, o.APIKey, "date_of_birth", "birthday")
	if mapping == mappingUUID {
		c["identifier_mappings"] = []map[string]string{{"identifier": "uuid", "source_field": "hs_object_id"}}
	}
	return c
}

// Files of one size's folder.
const (
	sourceConfigFile     = "source_config.json"
	catalogFile          = "catalog.json"
	messagesFile         = "source_messages.jsonl"
	connectorStderrFile  = "connectors-stderr.log"
	destinationConfigFmt = "destination_config_%s.json"
)

// destinationConfigFile is the file name of a mapping's destination config.
func destinationConfigFile(mapping string) string {
	return fmt.Sprintf(destinationConfigFmt, strings.ReplaceAll(mapping, "+", "_"))
}

// writeConfigs writes the source config, both destination configs and the configured catalog
// (the contacts stream from the source's discover, incremental on its default cursor) into dir.
func writeConfigs(ctx context.Context, source, dir string, f *fakes, budgets map[string]any) error {
	if err := pipeline.WriteJSONFile(filepath.Join(dir, sourceConfigFile), sourceConfig(f, budgets)); err != nil {
		return err
	}
	for _, m := range []string{mappingMixed, mappingUUID} {
		if err := pipeline.WriteJSONFile(filepath.Join(dir, destinationConfigFile(m)), destinationConfig(f, m)); err != nil {
			return err
		}
	}
	catalog, err := pipeline.Discover(ctx, source, filepath.Join(dir, sourceConfigFile))
	if err != nil {
		return err
	}
	var configured protocol.ConfiguredCatalog
	for _, s := range catalog.Streams {
		if s.Name != contactsStream {
			continue
		}
		configured.Streams = append(configured.Streams, pipeline.Incremental(s))
	}
	if len(configured.Streams) == 0 {
		return fmt.Errorf("the source's discover returned no %s stream", contactsStream)
	}
	return pipeline.WriteJSONFile(filepath.Join(dir, catalogFile), configured)
}
