package mapping

import (
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/protocol"
)

// operationsCatalog maps four streams onto Insider's objects, one per data-activation operation.
func operationsCatalog(deleteKey [][]string) *protocol.ConfiguredCatalog {
	return &protocol.ConfiguredCatalog{Streams: []protocol.ConfiguredStream{
		{Stream: protocol.Stream{Name: "people"}, DestinationObjectName: ObjectUser, DestinationSyncMode: protocol.DestinationSyncModeAppendDedup,
			PrimaryKey: [][]string{{"email"}}},
		{Stream: protocol.Stream{Name: "known"}, DestinationObjectName: ObjectUser, DestinationSyncMode: protocol.DestinationSyncModeUpdate,
			PrimaryKey: [][]string{{"email"}}},
		{Stream: protocol.Stream{Name: "gone"}, DestinationObjectName: ObjectUser, DestinationSyncMode: protocol.DestinationSyncModeSoftDelete,
			PrimaryKey: deleteKey},
		{Stream: protocol.Stream{Name: "clicks"}, DestinationObjectName: ObjectEvent, DestinationSyncMode: protocol.DestinationSyncModeAppend,
			PrimaryKey: [][]string{{"email"}}},
	}}
}

func TestStreamOperation(t *testing.T) {
	t.Parallel()
	cfg := &Config{}
	cfg.ApplyDefaults()
	cat := operationsCatalog([][]string{{"phone_number"}})
	if err := CheckStreams(cfg, cat); err != nil {
		t.Fatalf("CheckStreams: %v", err)
	}
	m := newMapper(cfg, cat)
	for stream, want := range map[string]Operation{"people": OperationUpsert, "known": OperationUpdate, "gone": OperationSoftDelete,
		"clicks": OperationUpsert, "contacts": OperationUpsert, "other": OperationUpsert} {
		if got := m.Stream(stream).Operation(); got != want {
			t.Errorf("stream %s: operation %d, want %d", stream, got, want)
		}
	}
	if !m.Uses(OperationUpdate) || !m.Uses(OperationSoftDelete) {
		t.Error("Uses does not see the update and soft_delete streams")
	}
	if plain := newMapper(cfg, nil); plain.Uses(OperationUpdate) || plain.Uses(OperationSoftDelete) {
		t.Error("a mapper without data-activation streams uses update or soft_delete")
	}
}

// TestDeletion: a soft_delete record names the profile of its matching key's value, normalised
// as for an upsert, and nothing else of the record; without a valid value it names none, with a
// reason that says so.
func TestDeletion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		policy, data, want, reason, detail string
		failRun                            bool
	}{
		{data: `{"phone_number":"(415) 555-0123","email":"a@b.co","name":"Ann"}`, want: `{"phone_number":"+14155550123"}`},
		{data: `{"email":"a@b.co"}`, reason: ReasonNoIdentifier, detail: "no value for its matching key phone_number"},
		{data: `{"phone_number":"  "}`, reason: ReasonNoIdentifier, detail: "no value for its matching key phone_number"},
		{data: `{"phone_number":"12"}`, reason: ReasonInvalidIdentifier, detail: "phone_number is not valid"},
		{policy: PolicyFailRun, data: `{"phone_number":"12"}`, reason: ReasonInvalidIdentifier, failRun: true},
		{data: `[1]`, reason: ReasonNotObject},
	} {
		cfg := &Config{InvalidIdentifierPolicy: tc.policy}
		cfg.ApplyDefaults()
		cfg.Phone.DefaultRegion = "US"
		m := newMapper(cfg, operationsCatalog([][]string{{"phone_number"}}))
		ids, res := m.Deletion(m.Scan(m.Stream("gone"), []byte(tc.data)))
		if string(ids) != tc.want || res.Reason != tc.reason || res.FailRun != tc.failRun || !strings.Contains(res.Detail, tc.detail) {
			t.Errorf("%s (policy %q): ids %s, %+v; want %s, reason %q, detail with %q", tc.data, tc.policy, ids, res, tc.want, tc.reason, tc.detail)
		}
	}
	cfg := &Config{}
	cfg.ApplyDefaults()
	m := newMapper(cfg, operationsCatalog([][]string{{"crm_id"}}))
	if ids, res := m.Deletion(m.Scan(m.Stream("gone"), []byte(`{"crm_id":42}`))); string(ids) != `{"custom":{"crm_id":"42"}}` {
		t.Errorf("custom identifier: ids %s, %+v", ids, res)
	}
}

// TestCheckStreamsOperations: an operation of an object write cannot honour is a config_error
// naming the stream and the operations offered; so is a soft_delete matching on two fields.
func TestCheckStreamsOperations(t *testing.T) {
	t.Parallel()
	cfg := &Config{}
	cfg.ApplyDefaults()
	stream := func(obj string, mode protocol.DestinationSyncMode, pk ...string) *protocol.ConfiguredCatalog {
		cs := protocol.ConfiguredStream{Stream: protocol.Stream{Name: "s1"}, DestinationObjectName: obj, DestinationSyncMode: mode}
		for _, k := range pk {
			cs.PrimaryKey = append(cs.PrimaryKey, []string{k})
		}
		return &protocol.ConfiguredCatalog{Streams: []protocol.ConfiguredStream{cs}}
	}
	for _, ok := range []*protocol.ConfiguredCatalog{
		stream(ObjectUser, protocol.DestinationSyncModeUpdate, "email"),
		stream(ObjectUser, protocol.DestinationSyncModeSoftDelete, "uuid"),
		stream(ObjectUser, protocol.DestinationSyncModeAppend, "email"),
		stream(ObjectEvent, protocol.DestinationSyncModeAppendDedup, "email"),
		operationsCatalog([][]string{{"email"}}),
	} {
		if err := CheckStreams(cfg, ok); err != nil {
			t.Errorf("%+v: %v", ok.Streams[0], err)
		}
	}
	for _, tc := range []struct {
		cat  *protocol.ConfiguredCatalog
		want []string
	}{
		{stream(ObjectEvent, protocol.DestinationSyncModeSoftDelete, "email"), []string{"stream s1", `"soft_delete"`, "event object", "append for event"}},
		{stream(ObjectEvent, protocol.DestinationSyncModeUpdate, "email"), []string{"stream s1", `"update"`, "event object"}},
		{stream(ObjectUser, protocol.DestinationSyncModeOverwrite, "email"), []string{"stream s1", `"overwrite"`, "user object"}},
		{stream(ObjectUser, protocol.DestinationSyncModeSoftDelete, "email", "uuid"), []string{"stream s1", "email+uuid", "one matching key"}},
	} {
		err := CheckStreams(cfg, tc.cat)
		if protocol.FailureTypeOf(err) != protocol.FailureConfig {
			t.Errorf("%+v: %v, want a config_error", tc.cat.Streams[0], err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q lacks %q", err, w)
			}
		}
	}
}
