package integrationtests

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

// e2e is one end-to-end scenario: both fakes, a sync directory and the built binaries.
type e2e struct {
	t   *testing.T
	hs  *fakehubspot.Server
	ins *fakeinsider.Server
	dir string
	bin pipeline.Binaries
	// dest is the destination config; tests change it before writeConfigs.
	dest map[string]any
	src  map[string]any
}

// dataEnd is where generated history ends: well before every run's window end (now minus the
// source's index lag), so the first run sees all of it.
func dataEnd() time.Time { return time.Now().Add(-30 * time.Minute).UTC().Truncate(time.Millisecond) }

// noLegacyCalls fails t if the source called a v1-v4 HubSpot path (HubSpot stops serving them in
// 2027; every call must be on a date-based path).
func noLegacyCalls(t testing.TB, hs *fakehubspot.Server) {
	t.Helper()
	if n := hs.LegacyCalls(); n > 0 {
		t.Errorf("%d calls to legacy (v1-v4) HubSpot paths", n)
	}
}

func newE2E(t *testing.T, gen datagen.Options) *e2e {
	t.Helper()
	return newE2EWith(t, gen, fakehubspot.Options{})
}

// newE2EWith is newE2E with a fake HubSpot of hsOpts.
func newE2EWith(t *testing.T, gen datagen.Options, hsOpts fakehubspot.Options) *e2e {
	t.Helper()
	e := &e2e{t: t, bin: connectorBinaries(t), dir: t.TempDir()}
	e.hs = fakehubspot.New(hsOpts)
	t.Cleanup(e.hs.Close)
	t.Cleanup(func() { noLegacyCalls(t, e.hs) })
	e.ins = fakeinsider.New(fakeinsider.Options{})
	t.Cleanup(e.ins.Close)
	if gen.Count > 0 {
		if gen.End.IsZero() {
			gen.End = dataEnd()
			gen.Start = gen.End.Add(-90 * 24 * time.Hour)
		}
		e.hs.AddContacts(datagen.Contacts(gen)...)
	}
	hso := e.hs.Options()
	e.src = map[string]any{
		"credentials": map[string]any{"credentials_title": "OAuth Credentials",
			"client_id": hso.ClientID, "client_secret": hso.ClientSecret, "refresh_token": hso.RefreshToken},
		"api_base_url": e.hs.URL,
	}
	ino := e.ins.Options()
	e.dest = map[string]any{
		"partner_name": strings.ToUpper(ino.PartnerName), // the connector lower-cases it
		"api_key":      ino.APIKey,
		"api_base_url": e.ins.URL,
		"identifier_mappings": []map[string]any{
			{"identifier": "email", "source_field": "email"},
			{"identifier": "phone_number", "source_field": "phone"},
			{"identifier": "uuid", "source_field": "hs_object_id"},
		},
		"attribute_mappings": []map[string]any{
			{"source_field": "firstname", "attribute": "name"},
			{"source_field": "lastname", "attribute": "surname"},
			{"source_field": "city", "attribute": "city"},
			{"source_field": "lifecyclestage", "attribute": "lifecycle_stage"},
			{"source_field": "newsletter_opt_in", "attribute": "email_optin"},
		},
		"fixed_attributes":          []map[string]any{{"attribute": "crm_source", "value": "hubspot"}},
		"invalid_identifier_policy": "skip_identifier",
		"phone":                     map[string]any{"normalize": true, "default_region": "US"},
	}
	return e
}

// addRecentEvents adds n generated occurrences of the portal's event types on its contacts, in
// the 48 hours before dataEnd.
func (e *e2e) addRecentEvents(seed uint64, n int) {
	end := dataEnd()
	e.hs.AddEvents(datagen.Events(datagen.EventOptions{Seed: seed, Definitions: e.hs.EventDefinitions(), ContactIDs: e.hs.ContactIDs(),
		Count: n, Start: end.Add(-48 * time.Hour), End: end})...)
}

// writeConfigs writes both configs and a configured catalog of every discovered stream the
// destination config maps (contacts, the event_mappings streams, and list_memberships with an
// audience_attribute), all incremental: a selected stream the destination cannot send fails
// the run.
func (e *e2e) writeConfigs() {
	e.t.Helper()
	writeJSON(e.t, e.dir, pipeline.SourceConfigFile, e.src)
	writeJSON(e.t, e.dir, pipeline.DestinationConfigFile, e.dest)
	run := runConnector(e.t, e.bin.Source, nil, "discover", "--config", filepath.Join(e.dir, pipeline.SourceConfigFile))
	cats := protocoltest.OfType(run.Msgs, protocol.TypeCatalog)
	if run.Exit != 0 || len(cats) != 1 {
		e.t.Fatalf("discover exit %d gave %d catalogs:\n%s", run.Exit, len(cats), run.Stdout)
	}
	mapped := map[string]bool{"contacts": true, "list_memberships": e.dest["audience_attribute"] != nil}
	if ems, ok := e.dest["event_mappings"].([]map[string]any); ok {
		for _, em := range ems {
			mapped[fmt.Sprint(em["stream"])] = true
		}
	}
	var cc protocol.ConfiguredCatalog
	for _, s := range cats[0].Catalog.Streams {
		if !mapped[s.Name] {
			continue
		}
		cc.Streams = append(cc.Streams, protocol.ConfiguredStream{Stream: s, SyncMode: protocol.SyncModeIncremental,
			CursorField: s.DefaultCursorField, DestinationSyncMode: protocol.DestinationSyncModeAppendDedup,
			PrimaryKey: s.SourceDefinedPrimaryKey})
	}
	writeJSON(e.t, e.dir, pipeline.CatalogFile, cc)
}

// lineValidator collects lines of one process for schema validation after the run.
type lineValidator struct {
	mu  sync.Mutex
	buf []byte
}

func (v *lineValidator) add(line []byte) {
	v.mu.Lock()
	v.buf = append(append(v.buf, line...), '\n')
	v.mu.Unlock()
}

// sync runs one sync, validating every stdout line of both binaries against the protocol schema.
func (e *e2e) sync(mod func(*pipeline.Sync)) *pipeline.Result {
	e.t.Helper()
	var srcLines, dstLines lineValidator
	var stderr strings.Builder
	s := &pipeline.Sync{Bin: e.bin, Dir: e.dir, SourceLine: srcLines.add, DestinationLine: dstLines.add, Stderr: &syncWriter{b: &stderr}}
	if mod != nil {
		mod(s)
	}
	ctx, cancel := runContext(e.t)
	defer cancel()
	res, err := s.Run(ctx)
	if err != nil {
		e.t.Fatalf("sync: %v", err)
	}
	if res.SourceKilled {
		// A process killed by SIGKILL may leave half a line; the destination skips it.
		srcLines.buf = dropPartialLastLine(srcLines.buf)
	}
	validateProtocol(e.t, srcLines.buf)
	validateProtocol(e.t, dstLines.buf)
	if stderr.Len() > 0 {
		e.t.Logf("stderr of the connectors:\n%s", stderr.String())
	}
	return res
}

type syncWriter struct {
	mu sync.Mutex
	b  *strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// requireOK fails the test unless both connectors exited 0.
func requireOK(t *testing.T, res *pipeline.Result) {
	t.Helper()
	if res.SourceExit != 0 || res.DestinationExit != 0 {
		t.Fatalf("sync failed: source exit %d %q, destination exit %d %q", res.SourceExit, res.SourceErrors,
			res.DestinationExit, res.DestinationErrors)
	}
}

// checkDelivered asserts that every contact of the fake HubSpot is a profile in the fake
// Insider (found by its uuid, which every contact has) with the mapped attributes, and that a
// valid email is its email identifier.
func (e *e2e) checkDelivered() {
	e.t.Helper()
	missing, wrong, merged := 0, 0, 0
	// Contacts sharing a phone number are one person to Insider: their profile holds whichever
	// was upserted last, so their attributes are not compared.
	phones := map[string]int{}
	for _, id := range e.hs.ContactIDs() {
		c, _ := e.hs.Contact(id)
		if k := phoneKey(c.Properties["phone"]); k != "" {
			phones[k]++
		}
	}
	for _, id := range e.hs.ContactIDs() {
		c, _ := e.hs.Contact(id)
		uuid := strconv.FormatInt(id, 10)
		p, ok := e.ins.FindByUUID(uuid)
		if !ok {
			missing++
			if missing <= 3 {
				e.t.Errorf("contact %d is not in Insider", id)
			}
			continue
		}
		if p.Identifiers.UUID != uuid || phones[phoneKey(c.Properties["phone"])] > 1 {
			// Insider merged this contact into the profile of another that shares its email or
			// phone (generated data has a few shared phones): its attributes are the other's.
			merged++
			continue
		}
		want := map[string]string{"name": c.Properties["firstname"], "surname": c.Properties["lastname"], "city": c.Properties["city"]}
		for attr, v := range want {
			if v == "" {
				continue
			}
			if got, _ := p.Attributes[attr].(string); got != v {
				wrong++
				if wrong <= 3 {
					e.t.Errorf("contact %d: attribute %s = %q, want %q", id, attr, got, v)
				}
			}
		}
		custom, _ := p.Attributes["custom"].(map[string]any)
		if custom["crm_source"] != "hubspot" {
			wrong++
			if wrong <= 3 {
				e.t.Errorf("contact %d: fixed attribute crm_source = %v", id, custom["crm_source"])
			}
		}
		if email := strings.ToLower(strings.TrimSpace(c.Properties["email"])); validEmail(email) && p.Identifiers.Email != email {
			wrong++
			if wrong <= 3 {
				e.t.Errorf("contact %d: email identifier %q, want %q", id, p.Identifiers.Email, email)
			}
		}
	}
	if total := e.hs.ContactCount(); merged*20 > total {
		e.t.Errorf("%d of %d contacts were merged into another profile; expected a few at most", merged, total)
	}
	if missing+wrong > 0 {
		e.t.Fatalf("%d contacts missing and %d wrong in Insider out of %d", missing, wrong, e.hs.ContactCount())
	}
}

// validEmail is the rule the generated data follows: something@something.tld, no spaces.
func validEmail(s string) bool {
	at := strings.LastIndex(s, "@")
	return at > 0 && strings.Contains(s[at:], ".") && !strings.ContainsAny(s, " \t") && !strings.HasSuffix(s, ".")
}

// watermark returns the contacts watermark in the saved state file.
func (e *e2e) watermark() time.Time {
	e.t.Helper()
	wm, err := pipeline.ContactsWatermark(filepath.Join(e.dir, pipeline.StateFile))
	if err != nil {
		e.t.Fatal(err)
	}
	ts, err := time.Parse(time.RFC3339Nano, wm)
	if err != nil {
		e.t.Fatalf("contacts watermark %q: %v", wm, err)
	}
	return ts
}

// phoneKey is the last nine digits of a phone number, or "" for none or a too-short one.
func phoneKey(p string) string {
	var d []byte
	for i := 0; i < len(p); i++ {
		if p[i] >= '0' && p[i] <= '9' {
			d = append(d, p[i])
		}
	}
	if len(d) < 9 {
		return ""
	}
	return string(d[len(d)-9:])
}

// dropPartialLastLine removes the last line of out when it is not a whole JSON object.
func dropPartialLastLine(out []byte) []byte {
	body := strings.TrimSuffix(string(out), "\n")
	i := strings.LastIndexByte(body, '\n')
	if !json.Valid([]byte(body[i+1:])) {
		return []byte(body[:i+1])
	}
	return out
}
