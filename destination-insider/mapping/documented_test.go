package mapping

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
)

// testTypes declares the custom attributes of mapperConfig the way Insider's
// metadata would.
var testTypes = NewTypes([]insider.Column{
	{Key: "c_lifecycle_stage", Type: "string"}, {Key: "c_vip", Type: "boolean"}, {Key: "c_tags", Type: "array"},
	{Key: "c_score", Type: "number"}, {Key: "c_since", Type: "date"}, {Key: "email", Type: "string"},
})

// TestMapperDocumentedRules: values follow Insider's documented types:
// declared custom attribute types (the declared type wins over
// boolean_format), country as ISO 3166-1 alpha-2, shipping_cost as a string,
// and events past retention are not sent. A value that cannot be converted
// is left out and counted by name.
func TestMapperDocumentedRules(t *testing.T) {
	t.Parallel()
	cutoff := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	withCustoms := func(c *Config) {
		c.AttributeMappings = append(c.AttributeMappings,
			AttributeMapping{SourceField: "score", Attribute: "score"}, AttributeMapping{SourceField: "since", Attribute: "since"},
			AttributeMapping{SourceField: "country", Attribute: "country"}, AttributeMapping{SourceField: "unknown", Attribute: "unknown_attr"})
		c.EventMappings[0].Parameters = append(c.EventMappings[0].Parameters, ParameterMapping{SourceField: "properties.ship", Parameter: "shipping_cost"})
	}
	tests := []struct {
		name, stream, data string
		edit               func(c *Config)
		untyped            bool   // no metadata: custom values go as they come
		want               string // "" when rejected
		reason             string
		dropped            map[string]int64
	}{
		{name: "declared types convert", edit: withCustoms,
			data: `{"hs_object_id":"7","vip":"yes","tags":"a; b;;c","score":"12.5","since":"1700000000000","stage":42,"unknown":"true"}`,
			want: `{"identifiers":{"uuid":"7"},"attributes":{"custom":{"lifecycle_stage":"42","vip":true,"tags":["a","b","c"],"score":12.5,"since":"2023-11-14T22:13:20Z","unknown_attr":true}},"not_append":true}`},
		{name: "declared type wins over boolean_format", edit: func(c *Config) { withCustoms(c); c.BooleanFormat = BooleanFormatString },
			data: `{"hs_object_id":"7","vip":"TRUE","stage":true}`,
			want: `{"identifiers":{"uuid":"7"},"attributes":{"custom":{"lifecycle_stage":"true","vip":true}},"not_append":true}`},
		{name: "without metadata values go as they come", edit: withCustoms, untyped: true,
			data: `{"hs_object_id":"7","vip":"yes","tags":"a;b","score":"12.5"}`,
			want: `{"identifiers":{"uuid":"7"},"attributes":{"custom":{"vip":"yes","tags":"a;b","score":"12.5"}},"not_append":true}`},
		{name: "unconvertible values are left out and counted", edit: withCustoms,
			data:    `{"hs_object_id":"7","firstname":"A","vip":"maybe","score":"12,5","since":"soon","tags":" ; ","country":"Atlantis"}`,
			want:    `{"identifiers":{"uuid":"7"},"attributes":{"name":"A"},"not_append":true}`,
			dropped: map[string]int64{"vip": 1, "score": 1, "since": 1, "tags": 1, "country": 1}},
		{name: "country name in English", edit: withCustoms, data: `{"hs_object_id":"7","country":"United States"}`,
			want: `{"identifiers":{"uuid":"7"},"attributes":{"country":"US"},"not_append":true}`},
		{name: "country name in German", edit: withCustoms, data: `{"hs_object_id":"7","country":" deutschland "}`,
			want: `{"identifiers":{"uuid":"7"},"attributes":{"country":"DE"},"not_append":true}`},
		{name: "country name in its own language", edit: withCustoms, data: `{"hs_object_id":"7","country":"Türkiye"}`,
			want: `{"identifiers":{"uuid":"7"},"attributes":{"country":"TR"},"not_append":true}`},
		{name: "country alias", edit: withCustoms, data: `{"hs_object_id":"7","country":"UK"}`,
			want: `{"identifiers":{"uuid":"7"},"attributes":{"country":"GB"},"not_append":true}`},
		{name: "country alpha-2 and alpha-3 codes", edit: withCustoms, data: `{"hs_object_id":"7","country":"fr","firstname":"x"}`,
			want: `{"identifiers":{"uuid":"7"},"attributes":{"name":"x","country":"FR"},"not_append":true}`},
		{name: "country alpha-3", edit: withCustoms, data: `{"hs_object_id":"7","country":"ESP"}`,
			want: `{"identifiers":{"uuid":"7"},"attributes":{"country":"ES"},"not_append":true}`},
		{name: "shipping_cost is a string", stream: "event_buy", edit: withCustoms,
			data: `{"occurredAt":"2026-01-02T03:04:05Z","properties":{"ship":5.9},"contact":{"hs_object_id":"55"}}`,
			want: `{"identifiers":{"uuid":"55"},"events":[{"event_name":"purchase_done","timestamp":"2026-01-02T03:04:05Z",
				"event_params":{"shipping_cost":"5.9","currency":"USD","custom":{"source":"hubspot"}}}],"not_append":true}`},
		{name: "event past retention", stream: "event_buy",
			data:   `{"occurredAt":"2025-12-31T23:59:59Z","contact":{"hs_object_id":"55"}}`,
			reason: ReasonPastRetention},
		{name: "purchase events are kept 730 days", stream: "event_buy", edit: func(c *Config) { c.EventMappings[0].EventName = "purchase" },
			data: `{"occurredAt":"2024-06-01T00:00:00Z","contact":{"hs_object_id":"55"}}`,
			want: `{"identifiers":{"uuid":"55"},"events":[{"event_name":"purchase","timestamp":"2024-06-01T00:00:00Z",
				"event_params":{"currency":"USD","custom":{"source":"hubspot"}}}],"not_append":true}`},
		{name: "purchase events past 730 days", stream: "event_buy", edit: func(c *Config) { c.EventMappings[0].EventName = "purchase" },
			data: `{"occurredAt":"2024-01-01T00:00:00Z","contact":{"hs_object_id":"55"}}`, reason: ReasonPastRetention},
		{name: "event at the retention edge", stream: "event_buy",
			data: `{"occurredAt":"2026-01-01T00:00:00Z","contact":{"hs_object_id":"55"}}`,
			want: `{"identifiers":{"uuid":"55"},"events":[{"event_name":"purchase_done","timestamp":"2026-01-01T00:00:00Z",
				"event_params":{"currency":"USD","custom":{"source":"hubspot"}}}],"not_append":true}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := mapperConfig(tc.edit)
			cfg.ApplyDefaults()
			if problems := cfg.Problems(); len(problems) > 0 {
				t.Fatalf("test config invalid: %v", problems)
			}
			opts := []Option{WithEventCutoff(cutoff.Add(90*24*time.Hour), 90*24*time.Hour)}
			if !tc.untyped {
				opts = append(opts, WithTypes(testTypes))
			}
			m := newMapper(cfg, nil, opts...)
			stream := tc.stream
			if stream == "" {
				stream = ContactsStream
			}
			res := mapData(m, stream, []byte(tc.data), nil)
			if res.Reason != tc.reason {
				t.Fatalf("reason %q (%s), want %q", res.Reason, res.Detail, tc.reason)
			}
			checkUser(t, res.User, tc.want)
			if tc.want == "" {
				return
			}
			wantDropped := tc.dropped
			if wantDropped == nil {
				wantDropped = map[string]int64{}
			}
			if diff := cmp.Diff(wantDropped, m.droppedBy); diff != "" {
				t.Errorf("dropped by name (-want +got):\n%s", diff)
			}
		})
	}
}

// TestConfigDocumentedRules: identifiers are refused as attributes, and an
// event name Insider would refuse fails with a suggestion.
func TestConfigDocumentedRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(c *Config)
		want []string // "" entries: the config is valid
	}{
		{name: "email as an attribute", edit: func(c *Config) {
			c.AttributeMappings = append(c.AttributeMappings, AttributeMapping{SourceField: "email", Attribute: "email"})
		}, want: []string{`attribute_mappings[11]: attribute "email" is an identifier`, "only under identifiers"}},
		{name: "custom identifier as a fixed attribute", edit: func(c *Config) {
			c.FixedAttributes = []FixedAttribute{{Attribute: "crm_id", Value: "x"}}
		}, want: []string{`fixed_attributes[0]: attribute "crm_id" is an identifier`}},
		{name: "uuid as an attribute without a uuid identifier", edit: func(c *Config) {
			c.IdentifierMappings = c.IdentifierMappings[:1]
			c.AttributeMappings = []AttributeMapping{{SourceField: "hs_object_id", Attribute: "uuid"}}
		}, want: []string{`attribute "uuid" is an identifier`}},
		{name: "event name with upper case and spaces", edit: func(c *Config) { c.EventMappings[0].EventName = "Form Submit" },
			want: []string{`event_name "Form Submit" is not a name Insider accepts: use "form_submit"`}},
		{name: "event name with dot and dash is fine", edit: func(c *Config) { c.EventMappings[0].EventName = "form.submit-v2" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := mapperConfig(tc.edit)
			cfg.ApplyDefaults()
			got := strings.Join(cfg.Problems(), "; ")
			if len(tc.want) == 0 && got != "" {
				t.Fatalf("unexpected problems: %s", got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("problems %q lack %q", got, w)
				}
			}
		})
	}
}

// TestUnknownAttributes: check and write name the mapped custom attributes
// Insider does not declare, and fixed values that cannot be sent as the
// declared type.
func TestUnknownAttributes(t *testing.T) {
	t.Parallel()
	cfg := mapperConfig(func(c *Config) {
		c.FixedAttributes = []FixedAttribute{{Attribute: "score", Value: "high"}, {Attribute: "origin", Value: "hubspot"}, {Attribute: "city", Value: "X"}}
	})
	if diff := cmp.Diff([]string{"origin"}, cfg.UnknownAttributes(testTypes)); diff != "" {
		t.Errorf("unknown (-want +got):\n%s", diff)
	}
	p := cfg.FixedTypeProblems(testTypes)
	if len(p) != 1 || !strings.Contains(p[0], `fixed_attributes[0]: value "high" cannot be sent as Insider's number attribute "score"`) {
		t.Errorf("fixed type problems %v", p)
	}
}
