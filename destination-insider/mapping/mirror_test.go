package mapping

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/protocol"
)

// mirrorConfig maps email, then phone and mobilephone to phone_number, uuid from hs_object_id
// and a custom identifier from a property.
func mirrorConfig() *Config {
	c := &Config{
		IdentifierMappings: []IdentifierMapping{
			{Identifier: "email", SourceField: "email"},
			{Identifier: "phone_number", SourceField: "phone"},
			{Identifier: "phone_number", SourceField: "mobilephone"},
			{Identifier: "uuid", SourceField: "hs_object_id"},
			{Identifier: "custom", CustomName: "member_no", SourceField: "member_no"},
		},
		AttributeMappings: []AttributeMapping{
			{SourceField: "firstname", Attribute: "name"},
			{SourceField: "city", Attribute: "city"},
			{SourceField: "stage", Attribute: "lifecycle_stage"},
			{SourceField: "email", Attribute: "email"},
			{SourceField: "plan", Attribute: "crm_source"},
			{SourceField: "nick", Attribute: "nickname"},
			{SourceField: "nick2", Attribute: "nickname"},
		},
		FixedAttributes: []FixedAttribute{{Attribute: "crm_source", Value: "hubspot"}},
		Phone:           PhoneConfig{DefaultRegion: "US"},
	}
	c.ApplyDefaults()
	return c
}

func scanContact(t *testing.T, m *Mapper, data string) Record {
	t.Helper()
	return m.Scan(m.Stream(ContactsStream), []byte(data))
}

func changeStrings(cs []IdentityChange) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s %s -> %s", c.Identifier, c.Old, c.New))
	}
	return out
}

func TestIdentityChanges(t *testing.T) {
	t.Parallel()
	m, err := Compile(mirrorConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, data      string
		rekeys, cleared []string
		invalid         []string
	}{
		{name: "no previous values", data: `{"id":"1","email":"b@x.com"}`},
		{name: "email changed", data: `{"id":"1","email":"B@x.com","previous_values":{"email":"a@x.com"}}`,
			rekeys: []string{`email {"email":"a@x.com"} -> {"email":"b@x.com"}`}},
		{name: "phone changed, normalised like the new one", data: `{"id":"1","phone":"(415) 555-0101","previous_values":{"phone":"415 555 0100"}}`,
			rekeys: []string{`phone_number {"phone_number":"+14155550100"} -> {"phone_number":"+14155550101"}`}},
		{name: "phone cleared, the mobile takes its place", data: `{"id":"1","phone":"","mobilephone":"+14155550199","previous_values":{"phone":"+14155550100"}}`,
			rekeys: []string{`phone_number {"phone_number":"+14155550100"} -> {"phone_number":"+14155550199"}`}},
		{name: "mobile changed behind a phone that wins", data: `{"id":"1","phone":"+14155550100","mobilephone":"+14155550199","previous_values":{"mobilephone":"+14155550188"}}`},
		{name: "phone cleared, nothing else", data: `{"id":"1","phone":null,"previous_values":{"phone":"+14155550100"}}`,
			cleared: []string{`phone_number {"phone_number":"+14155550100"} -> `}},
		{name: "phone changed to a value that is not valid: kept", data: `{"id":"1","phone":"12","previous_values":{"phone":"+14155550100"}}`},
		{name: "phone newly set", data: `{"id":"1","phone":"+14155550100","previous_values":{"phone":null}}`},
		{name: "custom identifier changed", data: `{"id":"1","member_no":"M2","previous_values":{"member_no":"M1"}}`,
			rekeys: []string{`member_no {"custom":{"member_no":"M1"}} -> {"custom":{"member_no":"M2"}}`}},
		{name: "an invalid old email", data: `{"id":"1","email":"b@x.com","previous_values":{"email":"not an email"}}`,
			invalid: []string{"email"}},
		{name: "the contact id never re-keys", data: `{"id":"1","hs_object_id":"2","previous_values":{"hs_object_id":"1"}}`},
		{name: "same value after normalisation", data: `{"id":"1","email":"A@X.com ","previous_values":{"email":"A@X.com"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := m.IdentityChanges(scanContact(t, m, tc.data))
			if diff := cmp.Diff(tc.rekeys, changeStrings(c.Rekeys)); diff != "" {
				t.Errorf("rekeys (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.cleared, changeStrings(c.Cleared)); diff != "" {
				t.Errorf("cleared (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.invalid, c.Invalid); diff != "" {
				t.Errorf("invalid (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOwnProfile(t *testing.T) {
	t.Parallel()
	cfg := mirrorConfig()
	cfg.IdentifierMappings = append(cfg.IdentifierMappings, IdentifierMapping{Identifier: "custom", CustomName: "crm_id", SourceField: "id"})
	m, err := Compile(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := scanContact(t, m, `{"id":"7","archived":true,"deleted_permanently":true,"archivedAt":"2026-01-02T00:00:00Z"}`)
	own := m.OwnProfile(r)
	if !r.Archived() || !r.DeletedPermanently() || own.ID != "7" ||
		string(own.Profile) != `{"uuid":"7","custom":{"crm_id":"7"}}` || own.Merged != nil {
		t.Errorf("permanently deleted record: archived %v permanent %v, own %+v (%s)", r.Archived(), r.DeletedPermanently(), own, own.Profile)
	}
	r = scanContact(t, m, `{"id":"9","hs_object_id":9,"email":"a@x.com","archived":true,"hs_merged_object_ids":"7;8;9;8"}`)
	own = m.OwnProfile(r)
	if r.DeletedPermanently() || string(own.Profile) != `{"uuid":"9","custom":{"crm_id":"9"}}` || strings.Join(own.Merged, ",") != "7,8" {
		t.Errorf("merged then archived: own %+v (%s)", own, own.Profile)
	}
	if got := string(m.IDProfile("8")); got != `{"uuid":"8","custom":{"crm_id":"8"}}` {
		t.Errorf("IDProfile = %s", got)
	}
	plain, err := Compile(&Config{IdentifierMappings: []IdentifierMapping{{Identifier: "email", SourceField: "email"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if own := plain.OwnProfile(scanContact(t, plain, `{"id":"9","email":"a@x.com","archived":true}`)); own.Profile != nil || plain.IDProfile("9") != nil {
		t.Errorf("without an id mapping: %+v, want no profile", own)
	}
}

func TestClears(t *testing.T) {
	t.Parallel()
	catalog := func(props string) *protocol.ConfiguredCatalog {
		return &protocol.ConfiguredCatalog{Streams: []protocol.ConfiguredStream{{Stream: protocol.Stream{Name: "hubspot_contacts",
			JSONSchema: []byte(`{"type":"object","properties":{` + props + `}}`)}}}}
	}
	selected := catalog(`"id":{},"email":{},"firstname":{},"city":{},"stage":{},"nick":{}`)
	for _, tc := range []struct {
		name    string
		catalog *protocol.ConfiguredCatalog
		data    string
		user    bool
		want    string
	}{
		{name: "nothing empty", catalog: selected, data: `{"id":"1","hs_object_id":"1","email":"a@x.com","firstname":"A","city":"C","stage":"s","nick":"n"}`, user: true},
		{name: "null and empty", catalog: selected, data: `{"id":"1","hs_object_id":"1","firstname":null,"city":" ","stage":"","nick":"n","plan":null}`, user: true,
			want: `{"identifiers":{"uuid":"1"},"whole":["name","city"],"custom":{"whole":["lifecycle_stage"]}}`},
		{name: "absent but selected; absent and not selected is left", catalog: selected, data: `{"id":"1","email":"a@x.com","firstname":"A"}`, user: true,
			want: `{"identifiers":{"email":"a@x.com"},"whole":["city"],"custom":{"whole":["lifecycle_stage"]}}`},
		{name: "a schema listing nothing: only present empty values", catalog: catalog(``), data: `{"id":"1","email":"a@x.com","firstname":"A","city":null}`, user: true,
			want: `{"identifiers":{"email":"a@x.com"},"whole":["city"]}`},
		{name: "two fields of one attribute: one with a value keeps it", catalog: selected, data: `{"id":"1","hs_object_id":"1","firstname":"A","city":"C","stage":"s","nick":"","nick2":"n"}`, user: true},
		{name: "both empty", catalog: selected, data: `{"id":"1","hs_object_id":"1","firstname":"A","city":"C","stage":"s","nick":"","nick2":null}`, user: true,
			want: `{"identifiers":{"uuid":"1"},"custom":{"whole":["nickname"]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Compile(mirrorConfig(), tc.catalog, WithClearEmpty())
			if err != nil {
				t.Fatal(err)
			}
			res := m.Map(m.Scan(m.Stream("hubspot_contacts"), []byte(tc.data)), nil)
			if (res.User != nil) != tc.user || string(res.Clear) != tc.want {
				t.Errorf("user %s (reason %s), clear %s; want clear %s", res.User, res.Reason, res.Clear, tc.want)
			}
		})
	}
	noFixed := mirrorConfig()
	noFixed.FixedAttributes = nil
	m, err := Compile(noFixed, selected, WithClearEmpty())
	if err != nil {
		t.Fatal(err)
	}
	res := m.Map(m.Scan(m.Stream("hubspot_contacts"), []byte(`{"id":"1","hs_object_id":"1","firstname":""}`)), nil)
	// crm_source (from plan) and nickname (nick2) have a field the stream does not select.
	if res.User != nil || res.Reason != ReasonNoAttributes ||
		string(res.Clear) != `{"identifiers":{"uuid":"1"},"whole":["name","city"],"custom":{"whole":["lifecycle_stage"]}}` {
		t.Errorf("a contact with nothing to upsert: user %s reason %s clear %s; want its empty attributes cleared", res.User, res.Reason, res.Clear)
	}
	if m2, _ := Compile(mirrorConfig(), selected); m2.Map(m2.Scan(m2.Stream("hubspot_contacts"), []byte(`{"id":"1","firstname":null}`)), nil).Clear != nil {
		t.Error("a clear without WithClearEmpty")
	}
}
