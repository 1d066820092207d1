package destination_test

import (
	"fmt"

	"github.com/insider-hubspot/connectors/destination-insider/destination"
)

func ExampleParseConfig() {
	_, err := destination.ParseConfig([]byte(`{"partner_name":"mybrand","api_key":"k",
		"identifier_mappings":[{"identifier":"custom","source_field":"id"}],
		"phone":{"default_region":"XX"}}`))
	fmt.Println(err)
	// Output:
	// invalid config: identifier_mappings[0]: a custom identifier needs custom_name (its name in Insider); phone.default_region "XX" is not an ISO 3166 alpha-2 region with a telephone country code (e.g. US, GB, TR)
}
