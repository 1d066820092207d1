package source

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// benchProps are 40 contact properties of mixed types, as a busy portal has.
func benchProps() []hubspot.Property {
	var ps []hubspot.Property
	types := []string{"string", "string", "number", "bool", "datetime", "date", "enumeration", "string"}
	for i := 0; i < 40; i++ {
		ps = append(ps, hubspot.Property{Name: fmt.Sprintf("prop_%02d", i), Type: types[i%len(types)]})
	}
	return ps
}

func benchValue(t string, i int) string {
	switch t {
	case "number":
		return strconv.Itoa(i * 7)
	case "bool":
		return strconv.FormatBool(i%2 == 0)
	case "datetime":
		return "2024-09-11T13:27:39.356Z"
	case "date":
		return "2024-09-11"
	case "enumeration":
		return "a;b;c"
	}
	return fmt.Sprintf("some text value %d with \"quotes\"", i)
}

// benchPage renders a search page of n contacts starting at id first.
func benchPage(first, n int, next string) []byte {
	props := benchProps()
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"total":%d,"results":[`, 50000)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%08d","properties":{`, first+i)
		for j, p := range props {
			if j > 0 {
				b.WriteByte(',')
			}
			v, _ := json.Marshal(benchValue(p.Type, first+i))
			fmt.Fprintf(&b, `"%s":%s`, p.Name, v)
		}
		b.WriteString(`},"createdAt":"2024-01-17T19:55:04.281Z","updatedAt":"2024-09-11T13:27:39.356Z","archived":false}`)
	}
	b.WriteString("]")
	if next != "" {
		fmt.Fprintf(&b, `,"paging":{"next":{"after":"%s"}}`, next)
	}
	b.WriteString("}")
	return b.Bytes()
}

func benchEncoder() *contactEncoder {
	cols, _ := stream.SchemaColumns(contactsSchema(benchProps()), "", isEnvelopeField)
	return newContactEncoder(cols)
}

func BenchmarkEncodeRecord(b *testing.B) {
	var pb struct {
		Results []hubspot.Object `json:"results"`
	}
	if err := json.Unmarshal(benchPage(1, 200, ""), &pb); err != nil {
		b.Fatal(err)
	}
	enc := benchEncoder()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := enc.encode(&pb.Results[i%200]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkReadContacts reads 50,000 and 200,000 contacts (40 properties each) from a
// zero-latency in-process fake serving pre-rendered search pages, through the whole runner to a
// discarding writer. peak-heap-MB (sampled) stays the same for both sizes: records are streamed.
func BenchmarkReadContacts(b *testing.B) {
	for _, total := range []int64{50000, 200000} {
		b.Run(strconv.FormatInt(total, 10), func(b *testing.B) { benchRead(b, total) })
	}
}

func benchRead(b *testing.B, total int64) {
	// Pre-rendered pages; each answer patches the 8-digit ids so they keep rising, as they do
	// when the reader pages by id in HubSpot.
	pages := map[int][]byte{}
	for off := 0; off < 10000; off += 200 {
		next := strconv.Itoa(off + 200)
		pages[off] = benchPage(off+1, 200, next)
	}
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/crm/objects/2026-09/contacts/search" {
			http.NotFound(w, r)
			return
		}
		var req struct {
			After string `json:"after"`
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		off, _ := strconv.Atoi(req.After)
		n := served.Add(200)
		page := bytes.Clone(pages[off])
		base := int(n-200) - off // ids already served before this query
		for i, at := 0, 0; i < 200; i++ {
			at += bytes.Index(page[at:], []byte(`{"id":"`)) + 7
			copy(page[at:at+8], fmt.Sprintf("%08d", base+off+i+1))
		}
		if n >= total { // the last page
			page = bytes.Replace(page, []byte(`,"paging":{"next":{"after":"`+strconv.Itoa(off+200)+`"}}`), nil, 1)
		}
		_, _ = w.Write(page)
	}))
	defer srv.Close()
	cat := &protocol.ConfiguredCatalog{Streams: []protocol.ConfiguredStream{{
		Stream:   protocol.Stream{Name: "contacts", JSONSchema: contactsSchema(benchProps())},
		SyncMode: protocol.SyncModeIncremental, DestinationSyncMode: protocol.DestinationSyncModeAppend,
	}}}
	dir := b.TempDir()
	write := func(name string, v any) string {
		p := dir + "/" + name
		data, _ := json.Marshal(v)
		if err := writeFileB(p, data); err != nil {
			b.Fatal(err)
		}
		return p
	}
	// The fake serves search pages alone: the archived contacts pass and the identity history
	// lookups, which call other endpoints, are turned off, so the benchmark measures the read of
	// the window itself.
	cfgPath := write("config.json", map[string]any{"credentials": map[string]any{"credentials_title": "Private App Credentials", "access_token": "pat"},
		"api_base_url": srv.URL, "deleted_contacts": false, "identity_properties": []string{}})
	catPath := write("catalog.json", cat)
	statePath := write("state.json", json.RawMessage(streamStateFile("contacts", json.RawMessage(`{"lastmodifieddate":"2024-01-01T00:00:00Z"}`))))
	src := New(WithHTTPClient(srv.Client()), WithLimits(hubspot.Limits{Search: rate.Inf, Other: rate.Inf}),
		WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }))
	b.ReportAllocs()
	stop := make(chan struct{})
	peak := make(chan uint64)
	go samplePeakHeap(stop, peak)
	start := time.Now()
	for b.Loop() {
		served.Store(0)
		var errb strings.Builder
		tw := &tailWriter{}
		code := protocol.RunSource(context.Background(), protocol.Env{
			Args:  []string{"read", "--config", cfgPath, "--catalog", catPath, "--state", statePath},
			Stdin: strings.NewReader(""), Stdout: tw, Stderr: &errb, Now: time.Now}, src)
		if code != 0 {
			b.Fatalf("exit %d: %s %s", code, errb.String(), tw.last)
		}
	}
	b.ReportMetric(float64(total)*float64(b.N)/time.Since(start).Seconds(), "contacts/s")
	close(stop)
	b.ReportMetric(float64(<-peak)/(1<<20), "peak-heap-MB")
}

// samplePeakHeap reports the largest live heap seen until stop is closed.
func samplePeakHeap(stop <-chan struct{}, peak chan<- uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var max uint64
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		metrics.Read(sample)
		if v := sample[0].Value.Uint64(); v > max {
			max = v
		}
		select {
		case <-stop:
			peak <- max
			return
		case <-t.C:
		}
	}
}

// tailWriter discards output but keeps the last TRACE ERROR line, to explain a failure.
type tailWriter struct{ last []byte }

func (w *tailWriter) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(`"type":"ERROR"`)) {
		w.last = append(w.last[:0], p...)
	}
	return len(p), nil
}
