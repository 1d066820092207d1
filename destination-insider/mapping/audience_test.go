package mapping

import (
	"errors"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/protocol"
)

// audienceConfig maps email and phone from the contact, uuid from hs_object_id and a custom
// crm_id from id, and keeps list names in hubspot_lists.
func audienceConfig(edit func(c *Config)) *Config {
	return mapperConfig(func(c *Config) {
		c.IdentifierMappings = []IdentifierMapping{
			{Identifier: "email", SourceField: "email"},
			{Identifier: "phone_number", SourceField: "phone"},
			{Identifier: "uuid", SourceField: "hs_object_id"},
			{Identifier: "custom", CustomName: "crm_id", SourceField: "id"},
		}
		c.AudienceAttribute = "hubspot_lists"
		if edit != nil {
			edit(c)
		}
	})
}

// TestMembership: a list_memberships record gives the contact's identifiers (from its contact,
// and for the identifiers mapped from the contact id also from recordId) and the name to add or
// remove; a join of a renamed list also removes the old name.
func TestMembership(t *testing.T) {
	t.Parallel()
	m, err := Compile(audienceConfig(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, data string
		want       Membership
	}{
		{
			name: "join: identifiers from the contact, the contact id also as crm_id",
			data: `{"listId":"501","listName":"Newsletter","processingType":"MANUAL","recordId":"1042","member":true,
				"membershipTimestamp":"2026-11-03T10:00:00.000Z","previousListName":null,
				"contact":{"email":"Ann@Example.com","phone":null,"hs_object_id":1042}}`,
			want: Membership{IDs: []byte(`{"email":"ann@example.com","uuid":"1042","custom":{"crm_id":"1042"}}`), Key: "501/1042",
				Join: true, Name: "Newsletter"},
		},
		{
			name: "exit of a deleted contact: recordId stands in for the ids",
			data: `{"listId":"501","listName":"Newsletter","recordId":"1042","member":false,"previousListName":null,"contact":null}`,
			want: Membership{IDs: []byte(`{"uuid":"1042","custom":{"crm_id":"1042"}}`), Key: "501/1042", Name: "Newsletter"},
		},
		{
			name: "exit of a merged contact: the contact's own id wins over recordId",
			data: `{"listId":"7","listName":"VIP","recordId":"11","member":false,"contact":{"email":"b@example.com","hs_object_id":"12"}}`,
			want: Membership{IDs: []byte(`{"email":"b@example.com","uuid":"12","custom":{"crm_id":"11"}}`), Key: "7/11", Name: "VIP"},
		},
		{
			name: "rename: the new name is added, the old one removed",
			data: `{"listId":"8","listName":"Customers 2027","recordId":"5","member":true,"previousListName":"Customers",
				"contact":{"email":"c@example.com","hs_object_id":5}}`,
			want: Membership{IDs: []byte(`{"email":"c@example.com","uuid":"5","custom":{"crm_id":"5"}}`), Key: "8/5",
				Join: true, Name: "Customers 2027", Previous: "Customers"},
		},
		{
			name: "an exit's previousListName is not a rename",
			data: `{"listId":"8","listName":"Old","recordId":"5","member":false,"previousListName":"Older","contact":null}`,
			want: Membership{IDs: []byte(`{"uuid":"5","custom":{"crm_id":"5"}}`), Key: "8/5", Name: "Old"},
		},
		{
			name: "member missing",
			data: `{"listId":"8","listName":"Old","recordId":"5","contact":null}`,
			want: Membership{Key: "8/5", Reason: ReasonInvalidMembership, Detail: "member is not true or false"},
		},
		{
			name: "list name missing",
			data: `{"listId":"8","listName":" ","recordId":"5","member":true,"contact":null}`,
			want: Membership{Key: "8/5", Join: true, Reason: ReasonInvalidMembership, Detail: "listName is missing or not a string"},
		},
		{
			name: "no identifier at all",
			data: `{"listId":"8","listName":"Old","member":true,"contact":{"phone":"x"}}`,
			want: Membership{Key: "8/", Join: true, Name: "Old", Reason: ReasonInvalidIdentifier,
				Detail: "identifier phone_number is not valid and no other identifier has a value"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := m.Stream(ListMembershipsStream)
			if !s.Audience() || s.Contacts() {
				t.Fatalf("list_memberships resolves to %+v", s)
			}
			got := m.Membership(m.Scan(s, []byte(tc.data)))
			if string(got.IDs) != string(tc.want.IDs) || got.Key != tc.want.Key || got.Join != tc.want.Join || got.Name != tc.want.Name ||
				got.Previous != tc.want.Previous || got.Reason != tc.want.Reason || got.Detail != tc.want.Detail {
				t.Errorf("got  %+v (ids %s)\nwant %+v (ids %s)", got, got.IDs, tc.want, tc.want.IDs)
			}
		})
	}
}

// TestListMembershipsStreamNeedsAudienceAttribute: list_memberships (also under a prefix) is mapped
// with audience_attribute; without it a catalog selecting it is refused, naming the option.
func TestListMembershipsStreamNeedsAudienceAttribute(t *testing.T) {
	t.Parallel()
	cat := &protocol.ConfiguredCatalog{Streams: []protocol.ConfiguredStream{
		{Stream: protocol.Stream{Name: "hs_contacts"}}, {Stream: protocol.Stream{Name: "hs_list_memberships"}}}}
	m, err := Compile(audienceConfig(nil), cat)
	if err != nil {
		t.Fatal(err)
	}
	if s := m.Stream("hs_list_memberships"); !s.Audience() || s.Prefix != "hs_" {
		t.Errorf("prefixed stream resolves to %+v", s)
	}
	plain := &protocol.ConfiguredCatalog{Streams: []protocol.ConfiguredStream{{Stream: protocol.Stream{Name: ListMembershipsStream}}}}
	if err := CheckStreams(audienceConfig(func(c *Config) { c.IdentifierMappings = nil }), plain); err == nil {
		t.Errorf("list_memberships without identifier mappings was accepted")
	}
	_, err = Compile(audienceConfig(func(c *Config) { c.AudienceAttribute = "" }), cat)
	var pe *protocol.Error
	if !errors.As(err, &pe) || pe.Failure != protocol.FailureConfig || !strings.Contains(pe.Message, `"hs_list_memberships"`) ||
		!strings.Contains(pe.Message, "audience_attribute") {
		t.Errorf("without audience_attribute: %v", err)
	}
}

// TestAudienceAttributeProblems: audience_attribute must be a custom attribute that nothing else
// sets; Insider's metadata must declare it an array.
func TestAudienceAttributeProblems(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		edit func(c *Config)
		want string
	}{
		{"default attribute", func(c *Config) { c.AudienceAttribute = "static_segment_id" }, "one of Insider's default attributes"},
		{"identifier", func(c *Config) { c.AudienceAttribute = "crm_id" }, "is an identifier"},
		{"c_ prefix", func(c *Config) { c.AudienceAttribute = "c_hubspot_lists" }, `give the name without it ("hubspot_lists")`},
		{"spaces", func(c *Config) { c.AudienceAttribute = "lists " }, "leading or trailing spaces"},
		{"also mapped", func(c *Config) {
			c.AttributeMappings = append(c.AttributeMappings, AttributeMapping{SourceField: "x", Attribute: "hubspot_lists"})
		}, "contact upserts would overwrite the list names"},
		{"also fixed", func(c *Config) {
			c.FixedAttributes = []FixedAttribute{{Attribute: "hubspot_lists", Value: "a"}}
		}, "fixed_attributes[0] also sets"},
		{"also events", func(c *Config) {
			c.EventMappings = append(c.EventMappings, EventMapping{Stream: ListMembershipsStream, EventName: "joined"})
		}, "maps the list_memberships stream as events too"},
	} {
		p := strings.Join(audienceConfig(tc.edit).Problems(), "; ")
		if !strings.Contains(p, "audience_attribute: ") || !strings.Contains(p, tc.want) {
			t.Errorf("%s: problems %q, want %q", tc.name, p, tc.want)
		}
	}
	if p := audienceConfig(nil).Problems(); len(p) > 0 {
		t.Errorf("valid config: %q", p)
	}

	cfg := audienceConfig(nil)
	for _, tc := range []struct {
		typ, want string
	}{
		{"array", ""},
		{"string", `declares the custom attribute "hubspot_lists" as string, not as an array`},
		{"", `Insider does not know the custom attribute "hubspot_lists"`},
	} {
		var cols []insider.Column
		if tc.typ != "" {
			cols = append(cols, insider.Column{Key: "c_hubspot_lists", Type: tc.typ})
		}
		got := cfg.AudienceProblem(NewTypes(cols))
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("type %q: problem %q, want %q", tc.typ, got, tc.want)
		}
		if tc.want != "" && !strings.Contains(got, "String Array") {
			t.Errorf("type %q: problem %q does not say what to create", tc.typ, got)
		}
	}
}
