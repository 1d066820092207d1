package source

import (
	"cmp"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// listsEnv is newEnv with a fake HubSpot whose lists behave as o says (what HubSpot does not
// document), and contacts 101 to 110 (even ids VIPs, all leads).
func listsEnv(t *testing.T, o fakehubspot.ListOptions) *env {
	t.Helper()
	return listsEnvWith(t, fakehubspot.Options{Lists: o})
}

// listsEnvWith is listsEnv with more options of the fake (its clock, credentials, properties and
// event definitions are newEnv's).
func listsEnvWith(t *testing.T, opts fakehubspot.Options) *env {
	t.Helper()
	e := newEnv(t)
	opts.Clock, opts.ClientID, opts.ClientSecret, opts.RefreshToken = e.clk.Now, "client", "secret", "refresh-good"
	opts.PrivateAppToken, opts.Properties, opts.EventDefinitions = "pat-static", testProperties(), []fakehubspot.EventDefinition{}
	srv := fakehubspot.New(opts)
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		if n := srv.LegacyCalls(); n > 0 {
			t.Errorf("the source made %d calls to legacy (v1-v4) HubSpot paths", n)
		}
	})
	e.fake = &hubFake{Server: srv, t: t}
	e.cfg["api_base_url"] = srv.URL
	e.fake.addContacts(101, 10, t0.Add(-48*time.Hour))
	return e
}

// membership is a list_memberships record as the tests look at it.
type membership struct {
	ListID              string         `json:"listId"`
	ListName            string         `json:"listName"`
	ProcessingType      *string        `json:"processingType"`
	RecordID            string         `json:"recordId"`
	Member              bool           `json:"member"`
	MembershipTimestamp *string        `json:"membershipTimestamp"`
	PreviousListName    *string        `json:"previousListName"`
	Contact             map[string]any `json:"contact"`
}

// short writes a record as "+Name/101" (a join), "-Name/101" (an exit) or "+New<Old/101" (a
// member of a renamed list).
func (m membership) short() string {
	sign := "+"
	if !m.Member {
		sign = "-"
	}
	name := m.ListName
	if m.PreviousListName != nil {
		name += "<" + *m.PreviousListName
	}
	return sign + name + "/" + m.RecordID
}

// memberships decodes a run's list_memberships records, failing on a field of the wrong type.
func memberships(t testing.TB, res *result) []membership {
	t.Helper()
	var out []membership
	for _, raw := range res.records(stream.Lists) {
		var m membership
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("record %s: %v", raw, err)
		}
		out = append(out, m)
	}
	return out
}

// shorts is short of every record.
func shorts(ms []membership) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.short()
	}
	return out
}

// readLists runs an incremental (or full refresh) read of list_memberships from a state (nil
// for none) and fails the test unless it succeeds.
func (e *env) readLists(t testing.TB, mode protocol.SyncMode, state json.RawMessage) *result {
	t.Helper()
	var st any
	if state != nil {
		st = streamStateFile(stream.Lists, state)
	}
	res := e.read(e.catalog(mode, stream.Lists), st)
	if res.code != 0 {
		t.Fatalf("read exit %d: %v", res.code, res.traceErrors())
	}
	return res
}

// mustList creates a list in the fake.
func (f *hubFake) mustList(spec fakehubspot.ListSpec) string {
	id, err := f.CreateList(spec)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// must fails the test on err (the fake's list helpers).
func (f *hubFake) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// membershipCalls is how many memberships pages the source read since the last ResetStats.
func (f *hubFake) membershipCalls() int64 { return f.Count(fakehubspot.EndpointListsMemberships) }

// compareIDs orders decimal list ids numerically.
func compareIDs(a, b string) int {
	x, _ := strconv.ParseUint(a, 10, 64)
	y, _ := strconv.ParseUint(b, 10, 64)
	return cmp.Compare(x, y)
}
