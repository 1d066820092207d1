package mapping

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
)

// benchContact is a contacts record shaped like the source's: about 30
// properties, 1 KB. The destination's write benchmarks send the same records.
func benchContact(i int) string {
	return fmt.Sprintf(`{"id":"%d","createdAt":"2024-01-02T03:04:05.678Z","updatedAt":"2026-01-02T03:04:05.678Z","archived":false,`+
		`"email":"User.%d@Example.com","phone":"(415) 555-%04d","mobilephone":null,"hs_object_id":%d,"firstname":"Ann","lastname":"Lee",`+
		`"lifecyclestage":"lead","hs_lead_status":"NEW","company":"Acme Inc","jobtitle":"Engineer","city":"San Francisco","state":"CA",`+
		`"country":"US","zip":"94107","address":"1 Market St","website":"https://acme.example","hs_language":"en-us","date_of_birth":"1990-03-12",`+
		`"age":"35","email_optin":"true","sms_optin":"false","gdpr":null,"hs_email_domain":"example.com","hs_analytics_source":"ORGANIC_SEARCH",`+
		`"num_notes":3,"lastmodifieddate":"2026-01-02T03:04:05.678Z","notes_last_updated":"2025-12-01T00:00:00Z","twitterhandle":""}`,
		i, i, i%10000, 100000+i)
}

// benchContacts are 1000 distinct benchContact records.
func benchContacts() [][]byte {
	recs := make([][]byte, 1000)
	for i := range recs {
		recs[i] = []byte(benchContact(i))
	}
	return recs
}

// benchMapper maps a typical set of fields, those of the destination's write benchmarks.
func benchMapper(b *testing.B) (*Mapper, Stream) {
	cfg := parseConfig(b, `{
		"identifier_mappings": [{"identifier": "email", "source_field": "email"}, {"identifier": "phone_number", "source_field": "phone"},
			{"identifier": "uuid", "source_field": "hs_object_id"}],
		"attribute_mappings": [{"source_field": "firstname", "attribute": "name"}, {"source_field": "lastname", "attribute": "surname"},
			{"source_field": "city", "attribute": "city"}, {"source_field": "country", "attribute": "country"},
			{"source_field": "hs_language", "attribute": "language"}, {"source_field": "date_of_birth", "attribute": "birthday"},
			{"source_field": "age", "attribute": "age"}, {"source_field": "email_optin", "attribute": "email_optin"},
			{"source_field": "sms_optin", "attribute": "sms_optin"}, {"source_field": "lifecyclestage", "attribute": "lifecycle_stage"},
			{"source_field": "company", "attribute": "company"}, {"source_field": "jobtitle", "attribute": "job_title"},
			{"source_field": "hs_analytics_source", "attribute": "source"}],
		"fixed_attributes": [{"attribute": "crm_source", "value": "hubspot"}],
		"phone": {"default_region": "US"}}`)
	m, err := Compile(cfg, nil)
	if err != nil {
		b.Fatal(err)
	}
	return m, m.Stream(ContactsStream)
}

func BenchmarkMapRecord(b *testing.B) {
	m, s := benchMapper(b)
	recs := benchContacts()
	var buf []byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		res := m.Map(m.Scan(s, recs[i%len(recs)]), buf)
		if res.User == nil {
			b.Fatal(res.Reason)
		}
		buf = res.User[:0]
	}
}

func BenchmarkEncodeUpsertBody(b *testing.B) {
	m, s := benchMapper(b)
	users := benchContacts()
	for i, rec := range users {
		users[i] = bytes.Clone(m.Map(m.Scan(s, rec), nil).User)
	}
	batch := insider.NewBatch(false)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%len(users) == 0 {
			batch.Reset(false)
		}
		batch.Add(users[i%len(users)])
		if batch.Len() == len(users) {
			_ = batch.Body()
		}
	}
}

func BenchmarkMapAndEncode(b *testing.B) {
	m, s := benchMapper(b)
	recs := benchContacts()
	batch := insider.NewBatch(false)
	var buf []byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%1000 == 0 {
			_ = batch.Body()
			batch.Reset(false)
		}
		res := m.Map(m.Scan(s, recs[i%len(recs)]), buf)
		batch.Add(res.User)
		buf = res.User[:0]
	}
}
