package integrationtests

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
)

// TestBasicRead is Airbyte's basic_read suite on configured_catalog.json against the fake
// HubSpot: every stream has records matching its schema with scalar primary keys, at least one
// STATE with sourceStats, statuses STARTED, RUNNING..., COMPLETE, and the records include
// expected_records.jsonl (-update rewrites it).
func TestBasicRead(t *testing.T) {
	hs := startAcceptanceHubSpot(t)
	catalog := configuredCatalogFixture(t)
	res := sourceRead(t, sourceConfigFor(t, hs), catalog, nil)
	if res.Exit != 0 {
		t.Fatalf("read exit %d\nerrors: %+v\nstderr: %s", res.Exit, traceErrors(res.Msgs), res.Stderr)
	}
	for _, p := range readProblems(t, catalog, res.Msgs) {
		t.Error(p)
	}
	got := records(res.Msgs)
	if *update {
		writeExpectedRecords(t, catalog, got)
	}
	expected := readExpectedRecords(t)
	for _, p := range missingExpected(t, catalog, expected, got) {
		t.Error(p)
	}
	for _, p := range expectedAgainstFake(t, hs, expected) {
		t.Error(p)
	}
}

// expectedAgainstFake checks expected_records.jsonl against the fake's own data (not the
// source's output), so the golden file cannot silently capture a wrong conversion of the
// identifying fields.
func expectedAgainstFake(t *testing.T, hs *fakehubspot.Server, expected []expectedRecord) []string {
	t.Helper()
	events := map[string]fakehubspot.Event{}
	for _, ev := range hs.Events() {
		events[ev.ID] = ev
	}
	var problems []string
	for _, e := range expected {
		var d struct {
			ID               string `json:"id"`
			Email            any    `json:"email"`
			Firstname        any    `json:"firstname"`
			LastModifiedDate string `json:"lastmodifieddate"`
			OccurredAt       string `json:"occurredAt"`
			ObjectID         string `json:"objectId"`
		}
		if err := json.Unmarshal(e.Data, &d); err != nil {
			problems = append(problems, err.Error())
			continue
		}
		if e.Stream == "contacts" {
			id, _ := strconv.ParseInt(d.ID, 10, 64)
			c, ok := hs.Contact(id)
			switch {
			case !ok:
				problems = append(problems, "expected contact "+d.ID+" is not in the fake")
			case !c.UpdatedAt.Equal(mustTime(t, d.LastModifiedDate, "lastmodifieddate")),
				fmt.Sprint(d.Email) != optional(c.Properties, "email"),
				fmt.Sprint(d.Firstname) != optional(c.Properties, "firstname"):
				problems = append(problems, fmt.Sprintf("expected contact %s: %+v, the fake holds %v %v", d.ID, d, c.UpdatedAt, c.Properties))
			}
			continue
		}
		ev, ok := events[d.ID]
		if !ok || !ev.OccurredAt.Equal(mustTime(t, d.OccurredAt, "occurredAt")) || fmt.Sprint(ev.ObjectID) != d.ObjectID ||
			"event_"+ev.EventType != e.Stream {
			problems = append(problems, fmt.Sprintf("expected event %s: %+v, the fake holds %+v", d.ID, d, ev))
		}
	}
	return problems
}

// optional is a property value as the record shows it through fmt ("<nil>" when unset).
func optional(props map[string]string, name string) string {
	if v, ok := props[name]; ok {
		return v
	}
	return fmt.Sprint(nil)
}

// readProblems checks one read's output against the basic_read rules for catalog.
func readProblems(t testing.TB, catalog protocol.ConfiguredCatalog, msgs []protocol.Message) []string {
	t.Helper()
	schemas := newRecordSchemas(t, catalog)
	var problems []string
	counts := map[string]int{}
	for _, r := range records(msgs) {
		counts[r.Stream]++
		cs := catalog.Stream(r.Stream)
		if cs == nil {
			problems = append(problems, fmt.Sprintf("record of unconfigured stream %q", r.Stream))
			continue
		}
		for _, p := range schemas.problems(r) {
			problems = append(problems, fmt.Sprintf("%s record %s: %s", r.Stream, primaryKey(t, r, cs.PrimaryKey), p))
		}
		for _, p := range primaryKeyProblems(r, cs.PrimaryKey) {
			problems = append(problems, fmt.Sprintf("%s record: %s", r.Stream, p))
		}
	}
	stateCounts := map[string]int{}
	stated := map[string]int64{}
	for _, st := range streamStates(msgs) {
		if st.Type != protocol.StateStream || st.Stream == nil {
			problems = append(problems, fmt.Sprintf("state of type %q, want STREAM", st.Type))
			continue
		}
		name := st.Stream.StreamDescriptor.Name
		stateCounts[name]++
		if st.SourceStats == nil {
			problems = append(problems, fmt.Sprintf("%s STATE without sourceStats", name))
			continue
		}
		stated[name] += st.SourceStats.RecordCount
	}
	problems = append(problems, repeatedStates(msgs)...)
	for _, cs := range catalog.Streams {
		name := cs.Stream.Name
		if counts[name] == 0 {
			problems = append(problems, fmt.Sprintf("stream %s has no records", name))
		}
		if stateCounts[name] == 0 {
			problems = append(problems, fmt.Sprintf("stream %s has no STATE", name))
		}
		if stated[name] != int64(counts[name]) {
			problems = append(problems, fmt.Sprintf("stream %s: sourceStats.recordCount adds up to %v, %d records were read", name, stated[name], counts[name]))
		}
		if p := statusProblem(msgs, name); p != "" {
			problems = append(problems, p)
		}
	}
	return problems
}

// repeatedStates reports a STATE identical to the previous one of its stream with records of
// that stream in between, which Airbyte rejects ("Sync will fail").
func repeatedStates(msgs []protocol.Message) []string {
	var problems []string
	last := map[string]string{}
	recordsSince := map[string]int{}
	for _, m := range msgs {
		switch {
		case m.Type == protocol.TypeRecord:
			recordsSince[m.Record.Stream]++
		case m.Type == protocol.TypeState && m.State.Stream != nil:
			name := m.State.Stream.StreamDescriptor.Name
			cur := string(m.State.Stream.StreamState)
			if prev, ok := last[name]; ok && prev == cur && recordsSince[name] > 0 {
				problems = append(problems, fmt.Sprintf("stream %s: STATE %s repeated after %d records", name, cur, recordsSince[name]))
			}
			last[name], recordsSince[name] = cur, 0
		}
	}
	return problems
}

// statusProblem checks that a stream's statuses are STARTED, then at least one RUNNING, then
// COMPLETE last, and nothing else.
func statusProblem(msgs []protocol.Message, stream string) string {
	var seq []protocol.StreamStatusKind
	for _, m := range msgs {
		if m.Type == protocol.TypeTrace && m.Trace != nil && m.Trace.StreamStatus != nil &&
			m.Trace.StreamStatus.StreamDescriptor.Name == stream {
			seq = append(seq, m.Trace.StreamStatus.Status)
		}
	}
	ok := len(seq) >= 3 && seq[0] == protocol.StreamStarted && seq[len(seq)-1] == protocol.StreamComplete
	for i := 1; ok && i < len(seq)-1; i++ {
		ok = seq[i] == protocol.StreamRunning
	}
	if !ok {
		return fmt.Sprintf("stream %s statuses %v, want STARTED, RUNNING..., COMPLETE", stream, seq)
	}
	return ""
}

// TestReadUnknownStreamFails is basic_read's trace-on-failure check: a catalog naming a stream
// the source does not have yields a TRACE ERROR and a non-zero exit.
func TestReadUnknownStreamFails(t *testing.T) {
	hs := startAcceptanceHubSpot(t)
	catalog := protocol.ConfiguredCatalog{Streams: []protocol.ConfiguredStream{{
		Stream: protocol.Stream{Name: "__AIRBYTE__stream_that_does_not_exist",
			JSONSchema:         []byte(`{"type":"object","properties":{"f1":{"type":"string"}}}`),
			SupportedSyncModes: []protocol.SyncMode{protocol.SyncModeFullRefresh}},
		SyncMode: protocol.SyncModeFullRefresh, DestinationSyncMode: protocol.DestinationSyncModeOverwrite}}}
	res := sourceRead(t, sourceConfigFor(t, hs), catalog, nil)
	if len(traceErrors(res.Msgs)) == 0 {
		t.Errorf("no TRACE ERROR\nstdout: %s", res.Stdout)
	}
	if res.Exit == 0 {
		t.Error("exit 0 after a failed stream")
	}
}

// TestFullRefreshTwice is Airbyte's full_refresh suite: a second full read returns every record
// of the first (by primary key), all emitted later than any record of the first.
func TestFullRefreshTwice(t *testing.T) {
	hs := startAcceptanceHubSpot(t)
	catalog := withSyncMode(configuredCatalogFixture(t), protocol.SyncModeFullRefresh)
	config := sourceConfigFor(t, hs)
	first := sourceRead(t, config, catalog, nil)
	if first.Exit != 0 {
		t.Fatalf("read 1 exit %d: %+v", first.Exit, traceErrors(first.Msgs))
	}
	var lastEmitted int64
	for _, r := range records(first.Msgs) {
		lastEmitted = max(lastEmitted, r.EmittedAt)
	}
	// emitted_at is the wall clock in ms: start the second read once the clock has passed the
	// first read's last record.
	for time.Now().UnixMilli() <= lastEmitted {
		runtime.Gosched()
	}
	second := sourceRead(t, config, catalog, nil)
	if second.Exit != 0 {
		t.Fatalf("read 2 exit %d: %+v", second.Exit, traceErrors(second.Msgs))
	}
	seen := map[string]bool{}
	for _, r := range records(second.Msgs) {
		if r.EmittedAt <= lastEmitted {
			t.Errorf("read 2 record of %s emitted at %d, not after read 1's last %d", r.Stream, r.EmittedAt, lastEmitted)
		}
		seen[r.Stream+"/"+primaryKey(t, r, catalog.Stream(r.Stream).PrimaryKey)] = true
	}
	missing := 0
	for _, r := range records(first.Msgs) {
		key := r.Stream + "/" + primaryKey(t, r, catalog.Stream(r.Stream).PrimaryKey)
		if !seen[key] {
			missing++
			if missing <= 5 {
				t.Errorf("read 2 lacks %s", key)
			}
		}
	}
	if missing > 0 || len(records(first.Msgs)) == 0 {
		t.Errorf("%d of %d read-1 records missing from read 2", missing, len(records(first.Msgs)))
	}
	for _, p := range readProblems(t, catalog, second.Msgs) {
		t.Error(p)
	}
}

// TestFullRefreshIgnoresState: a full refresh reads everything even when given a state.
func TestFullRefreshIgnoresState(t *testing.T) {
	hs := startAcceptanceHubSpot(t)
	catalog := withSyncMode(configuredCatalogFixture(t), protocol.SyncModeFullRefresh)
	config := sourceConfigFor(t, hs)
	plain := sourceRead(t, config, catalog, nil)
	withState := sourceRead(t, config, catalog, fixture(t, "abnormal_state.json"))
	if plain.Exit != 0 || withState.Exit != 0 {
		t.Fatalf("exits %d and %d", plain.Exit, withState.Exit)
	}
	if a, b := len(records(plain.Msgs)), len(records(withState.Msgs)); a == 0 || a != b {
		t.Errorf("full refresh read %d records without state and %d with a future state", a, b)
	}
}
