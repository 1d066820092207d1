package destination

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/protocol"
)

// benchContact is a contacts record shaped like the source's: about 30
// properties, 1 KB. The mapping's benchmarks map the same records.
func benchContact(i int) string {
	return fmt.Sprintf(`{"id":"%d","createdAt":"2024-01-02T03:04:05.678Z","updatedAt":"2026-01-02T03:04:05.678Z","archived":false,`+
		`"email":"User.%d@Example.com","phone":"(415) 555-%04d","mobilephone":null,"hs_object_id":%d,"firstname":"Ann","lastname":"Lee",`+
		`"lifecyclestage":"lead","hs_lead_status":"NEW","company":"Acme Inc","jobtitle":"Engineer","city":"San Francisco","state":"CA",`+
		`"country":"US","zip":"94107","address":"1 Market St","website":"https://acme.example","hs_language":"en-us","date_of_birth":"1990-03-12",`+
		`"age":"35","email_optin":"true","sms_optin":"false","gdpr":null,"hs_email_domain":"example.com","hs_analytics_source":"ORGANIC_SEARCH",`+
		`"num_notes":3,"lastmodifieddate":"2026-01-02T03:04:05.678Z","notes_last_updated":"2025-12-01T00:00:00Z","twitterhandle":""}`,
		i, i, i%10000, 100000+i)
}

// benchConfig maps a typical set of fields, those of the mapping's benchmarks.
func benchConfig(url string) map[string]any {
	var ids, attrs []any
	for _, m := range [][2]string{{"email", "email"}, {"phone_number", "phone"}, {"uuid", "hs_object_id"}} {
		ids = append(ids, map[string]any{"identifier": m[0], "source_field": m[1]})
	}
	for _, m := range [][2]string{
		{"firstname", "name"}, {"lastname", "surname"}, {"city", "city"}, {"country", "country"},
		{"hs_language", "language"}, {"date_of_birth", "birthday"}, {"age", "age"}, {"email_optin", "email_optin"},
		{"sms_optin", "sms_optin"}, {"lifecyclestage", "lifecycle_stage"}, {"company", "company"},
		{"jobtitle", "job_title"}, {"hs_analytics_source", "source"},
	} {
		attrs = append(attrs, map[string]any{"source_field": m[0], "attribute": m[1]})
	}
	return map[string]any{
		"partner_name": "mybrand", "api_key": "secret-key", "api_base_url": url,
		"identifier_mappings": ids,
		"attribute_mappings":  attrs,
		"fixed_attributes":    []any{map[string]any{"attribute": "crm_source", "value": "hubspot"}},
		"phone":               map[string]any{"default_region": "US"},
	}
}

func BenchmarkReadRecord(b *testing.B) {
	const n = 1000
	var in bytes.Buffer
	for i := range n {
		in.WriteString(recordLine("contacts", benchContact(i)))
		in.WriteByte('\n')
	}
	data := in.Bytes()
	b.SetBytes(int64(len(data) / n))
	b.ReportAllocs()
	var r *protocol.Reader
	for i := range b.N {
		if i%n == 0 {
			r = protocol.NewReader(bytes.NewReader(data))
		}
		if _, err := r.Next(); err != nil {
			b.Fatal(err)
		}
	}
}

// genInput streams n records made by line (RECORD lines) with a STATE every
// 100 records, cycling through 1000 distinct records.
type genInput struct {
	n, i  int
	buf   bytes.Buffer
	lines []string
}

func newGenInput(n int, line func(i int) string) *genInput {
	g := &genInput{n: n}
	for i := range 1000 {
		g.lines = append(g.lines, line(i)+"\n")
	}
	return g
}

func (g *genInput) Read(p []byte) (int, error) {
	for g.buf.Len() < len(p) && g.i < g.n {
		g.buf.WriteString(g.lines[g.i%len(g.lines)])
		g.i++
		if g.i%100 == 0 || g.i == g.n {
			g.buf.WriteString(stateLine("contacts", g.i))
			g.buf.WriteByte('\n')
		}
	}
	if g.buf.Len() == 0 {
		return 0, io.EOF
	}
	return g.buf.Read(p)
}

func BenchmarkWrite(b *testing.B) {
	b.ReportAllocs()
	benchWrite(b, benchConfig("https://insider.test"), benchInsider{}, func(i int) string { return recordLine("contacts", benchContact(i)) })
}

// benchWrite writes b.N records made by line through Insider answering as
// rt does, and reports records/s.
func benchWrite(b *testing.B, cfg map[string]any, rt http.RoundTripper, line func(i int) string) {
	raw, _ := json.Marshal(cfg)
	d := New(WithHTTPClient(&http.Client{Transport: rt}))
	logger := zerolog.Nop()
	ctx := logger.WithContext(context.Background())
	gen := newGenInput(b.N, line)
	b.SetBytes(int64(len(gen.lines[0])))
	b.ResetTimer()
	start := time.Now()
	in := protocol.NewReader(gen)
	states := protocol.NewStateTracker(protocol.NewWriter(io.Discard, nil))
	if err := d.Write(ctx, raw, nil, in, states); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
}

// benchInsider answers every upsert after latency (at once when 0), as
// Insider does over a network, without one; it reads the whole body first.
type benchInsider struct{ latency time.Duration }

func (s benchInsider) RoundTrip(r *http.Request) (*http.Response, error) {
	n, _ := io.Copy(io.Discard, r.Body)
	_ = r.Body.Close()
	if s.latency > 0 {
		t := time.NewTimer(s.latency)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	}
	body := `{"data":{"successful":{"count":` + strconv.FormatInt(n, 10) + `},"fail":{}}}`
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

// largeContact is a contacts record of about 22 KB: 200 of them make an
// upsert request of about 4.5 MB.
func largeContact(i int) string {
	return recordLine("contacts", fmt.Sprintf(`{"id":"%d","email":"user.%d@example.com","hs_object_id":%d,"firstname":"Ann","jobtitle":%q}`,
		i, i, 100000+i, strings.Repeat("x", 22_400)))
}

// BenchmarkWriteConcurrency measures records/s when every request is large
// (about 4.5 MB, 200 users) and Insider answers after 200 ms, with 1 and 4
// requests in flight: the in-flight byte budget must let
// max_concurrent_requests requests of that size fly at once. Run it with
// -benchtime 20000x: each run also makes a metadata call and sends its first
// batch alone, which weighs on short runs.
func BenchmarkWriteConcurrency(b *testing.B) {
	for _, n := range []int{1, 4} {
		b.Run(fmt.Sprintf("concurrent=%d", n), func(b *testing.B) {
			cfg := benchConfig("https://insider.test")
			cfg["batch_size"] = 200
			cfg["max_concurrent_requests"] = n
			benchWrite(b, cfg, benchInsider{latency: 200 * time.Millisecond}, largeContact)
		})
	}
}
