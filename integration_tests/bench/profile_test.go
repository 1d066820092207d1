package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/destination-insider/destination"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source"
)

// The benchmarks below run the connectors' own main paths (protocol.RunSource and
// protocol.RunDestination with the binaries' command lines) in this process, so that
// `go test -cpuprofile` shows where a connector spends its CPU:
//
//	go test -run '^$' -bench . -benchtime 3x -cpuprofile cpu.out ./integration_tests/bench
//	go tool pprof -top -focus 'destination-insider|protocol' cpu.out

// mappingNoNormalize is mappingMixed with phone normalization off (values must already be
// E.164), to show what normalization costs.
const mappingNoNormalize = "email+phone-no-normalize"

// profileContacts is the contact count of the in-process benchmarks.
const profileContacts = 20000

// profileEnv holds the fakes, the config files and the source's saved output.
type profileEnv struct {
	f        *fakes
	dir      string
	messages []byte
}

func newProfileEnv(b *testing.B) *profileEnv {
	b.Helper()
	e := &profileEnv{f: startFakes(profileContacts, 1, false, fakehubspot.TierLimit{}), dir: b.TempDir()}
	b.Cleanup(e.f.close)
	if err := pipeline.WriteJSONFile(e.path(sourceConfigFile), sourceConfig(e.f, liftedBudgets)); err != nil {
		b.Fatal(err)
	}
	for _, m := range []string{mappingMixed, mappingUUID} {
		if err := pipeline.WriteJSONFile(e.path(destinationConfigFile(m)), destinationConfig(e.f, m)); err != nil {
			b.Fatal(err)
		}
	}
	raw := destinationConfig(e.f, mappingMixed)
	raw["phone"] = map[string]any{"normalize": false}
	if err := pipeline.WriteJSONFile(e.path(destinationConfigFile(mappingNoNormalize)), raw); err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	if code := protocol.RunSource(context.Background(), protocol.Env{Args: []string{"discover", "--config", e.path(sourceConfigFile)},
		Stdout: &out}, source.New()); code != 0 {
		b.Fatalf("discover exited %d: %s", code, out.String())
	}
	var catalog *protocol.Catalog
	for _, line := range bytes.Split(out.Bytes(), []byte("\n")) {
		var m protocol.Message
		if json.Unmarshal(line, &m) == nil && m.Type == protocol.TypeCatalog {
			catalog = m.Catalog
		}
	}
	if catalog == nil {
		b.Fatal("discover returned no catalog")
	}
	var configured protocol.ConfiguredCatalog
	for _, s := range catalog.Streams {
		if s.Name == contactsStream {
			configured.Streams = append(configured.Streams, protocol.ConfiguredStream{Stream: s, SyncMode: protocol.SyncModeIncremental,
				CursorField: s.DefaultCursorField, DestinationSyncMode: protocol.DestinationSyncModeAppendDedup, PrimaryKey: s.SourceDefinedPrimaryKey})
		}
	}
	if err := pipeline.WriteJSONFile(e.path(catalogFile), configured); err != nil {
		b.Fatal(err)
	}
	var msgs bytes.Buffer
	e.read(b, &msgs)
	e.messages = msgs.Bytes()
	return e
}

func (e *profileEnv) path(name string) string { return filepath.Join(e.dir, name) }

// read runs the source's read into w and checks every contact came out.
func (e *profileEnv) read(b *testing.B, w io.Writer) {
	var buf bytes.Buffer
	env := protocol.Env{Args: []string{"read", "--config", e.path(sourceConfigFile), "--catalog", e.path(catalogFile)},
		Stdout: io.MultiWriter(w, &buf)}
	if code := protocol.RunSource(context.Background(), env, source.New()); code != 0 {
		b.Fatalf("read exited %d", code)
	}
	if c, _ := scanMessages(&buf); c.Records != profileContacts {
		b.Fatalf("read %d records, want %d", c.Records, profileContacts)
	}
}

// BenchmarkSourceRead is the source binary's read of 20,000 contacts (about 40 properties) from
// the fake HubSpot in this process; a profile holds the fake's work too (package fakehubspot).
func BenchmarkSourceRead(b *testing.B) {
	e := newProfileEnv(b)
	b.SetBytes(int64(len(e.messages)))
	b.ResetTimer()
	for b.Loop() {
		e.read(b, io.Discard)
	}
	b.ReportMetric(profileContacts*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkDestinationWrite is the destination binary's write of the source's saved output with
// an Insider that answers at once without a network, so only the destination's work is timed.
func BenchmarkDestinationWrite(b *testing.B) {
	e := newProfileEnv(b)
	for _, mapping := range []string{mappingMixed, mappingNoNormalize, mappingUUID} {
		b.Run(mapping, func(b *testing.B) {
			b.SetBytes(int64(len(e.messages)))
			for b.Loop() {
				var out bytes.Buffer
				d := destination.New(destination.WithHTTPClient(&http.Client{Transport: instantInsider{}}))
				env := protocol.Env{Args: []string{"write", "--config", e.path(destinationConfigFile(mapping)), "--catalog", e.path(catalogFile)},
					Stdin: bytes.NewReader(e.messages), Stdout: &out}
				if code := protocol.RunDestination(context.Background(), env, d); code != 0 {
					b.Fatalf("write exited %d: %s", code, out.String())
				}
			}
			b.ReportMetric(profileContacts*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// instantInsider accepts every user of an upsert at once.
type instantInsider struct{}

func (instantInsider) RoundTrip(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	_ = r.Body.Close()
	users := bytes.Count(body, []byte(`"identifiers"`))
	answer := `{"data":{"successful":{"count":` + strconv.Itoa(users) + `},"fail":{}}}`
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(answer)), Request: r}, nil
}
