// Command fakeserve runs the fake HubSpot and fake Insider One servers with generated data, for
// demos and the docker check:
//
//	go run ./integration_tests/fakeserve --contacts 2000 --seed 1 \
//	    --hubspot-addr 127.0.0.1:0 --insider-addr 127.0.0.1:0 \
//	    --info /tmp/urls.json --dump /tmp/profiles.json
//
// Once both servers listen it writes --info (atomically): {"hubspot_url", "insider_url",
// "access_token" (HubSpot private-app token), "partner_name", "api_key", "client_id",
// "client_secret", "refresh_token", "portal_id", "contacts", "events"}. On SIGTERM or SIGINT it
// writes the fake Insider's profiles to --dump (a JSON array, see fakeinsider.Profile) and exits
// 0. Other flags: --events (default contacts/2), --partner-name, --api-key, --index-lag,
// --hubspot-contacts PATH (the generated contacts' ids and emails, a JSON array, written before
// serving), --rate-limits (default true: HubSpot's 5/s search and 100/10 s limits answer 429),
// --invalid-identifiers (default true: some emails and phones are invalid). Generated contacts
// are modified within the last two years up to an hour ago; events within the last 60 days.
// Progress lines go to stderr; stdout stays empty.
package main

import (
	"context"
	"os"

	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
)

func main() {
	os.Exit(pipeline.Main("fakeserve:", func(ctx context.Context) error { return run(ctx, os.Args[1:], os.Stderr, nil) }))
}
