package source

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source/journal"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// journalEnv is newEnv with permanent_deletions on and the fake's journal options set by opt.
// Its client secret is not a word that messages use, so a redacted one shows.
func journalEnv(t *testing.T, opt func(*fakehubspot.JournalOptions)) *env {
	e := newEnv(t)
	o := fakehubspot.Options{Clock: e.clk.Now, ClientID: "client", ClientSecret: appSecret, RefreshToken: "refresh-good",
		PrivateAppToken: "pat-static", Properties: testProperties(), EventDefinitions: []fakehubspot.EventDefinition{}}
	if opt != nil {
		opt(&o.Journal)
	}
	srv := fakehubspot.New(o)
	t.Cleanup(srv.Close)
	e.fake = &hubFake{Server: srv, t: t}
	e.cfg["api_base_url"] = srv.URL
	e.cfg["credentials"] = map[string]any{"credentials_title": "OAuth Credentials", "client_id": "client",
		"client_secret": appSecret, "refresh_token": "refresh-good"}
	e.cfg["permanent_deletions"] = map[string]any{"enabled": true}
	return e
}

const appSecret = "cs-7f3a9e01"

// deletedRecord is a contacts record of a contact deleted permanently.
type deletedRecord struct {
	ID         string  `json:"id"`
	Archived   bool    `json:"archived"`
	ArchivedAt *string `json:"archivedAt"`
	Permanent  bool    `json:"deleted_permanently"`
	ObjectID   float64 `json:"hs_object_id"`
	Merged     string  `json:"hs_merged_object_ids"`
}

// permanentRecords returns a run's records of contacts deleted permanently, by id, failing on
// one delivered twice or without its archive fields.
func permanentRecords(t *testing.T, res *result) map[string]deletedRecord {
	t.Helper()
	out := map[string]deletedRecord{}
	for _, r := range res.records("contacts") {
		var v deletedRecord
		if err := json.Unmarshal(r, &v); err != nil {
			t.Fatal(err)
		}
		if !v.Permanent {
			continue
		}
		if _, dup := out[v.ID]; dup {
			t.Fatalf("contact %s delivered twice as deleted permanently", v.ID)
		}
		if !v.Archived || v.ArchivedAt == nil || fmt.Sprint(v.ObjectID) != v.ID {
			t.Errorf("record %s lacks archived, archivedAt or hs_object_id", r)
		}
		out[v.ID] = v
	}
	return out
}

// analytics returns the values of the run's TRACE ANALYTICS messages of type typ.
func analytics(t *testing.T, res *result, typ string) []string {
	t.Helper()
	var out []string
	for _, m := range res.msgs {
		if m.Type != "TRACE" || m.Trace.Type != "ANALYTICS" {
			continue
		}
		var v struct {
			Trace struct {
				Analytics struct{ Type, Value string } `json:"analytics"`
			} `json:"trace"`
		}
		if err := json.Unmarshal([]byte(m.raw), &v); err != nil {
			t.Fatal(err)
		}
		if v.Trace.Analytics.Type == typ {
			out = append(out, v.Trace.Analytics.Value)
		}
	}
	return out
}

// journalOffset returns the journal_offset of a contacts stream_state ("-" when absent).
func journalOffset(t *testing.T, st json.RawMessage) string {
	t.Helper()
	var v struct {
		Offset *string `json:"journal_offset"`
	}
	if err := json.Unmarshal(st, &v); err != nil {
		t.Fatal(err)
	}
	if v.Offset == nil {
		return "-"
	}
	return *v.Offset
}

func mustRead(t *testing.T, e *env, cat *protocol.ConfiguredCatalog, state any) *result {
	t.Helper()
	res := e.read(cat, state)
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	return res
}

func TestPermanentDeletionsAreDeliveredOnce(t *testing.T) {
	e := journalEnv(t, nil)
	f := e.fake
	f.addContacts(1, 20, t0.Add(-48*time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	first := mustRead(t, e, cat, nil)
	if subs := f.Subscriptions(); len(subs) != 1 || strings.Join(subs[0].Actions, ",") != "DELETE,MERGE,RESTORE" {
		t.Fatalf("subscriptions after the first sync: %+v", subs)
	}
	if got := permanentRecords(t, first); len(got) != 0 {
		t.Fatalf("first sync delivered %v", got)
	}
	st := first.lastState(t, "contacts")
	if off := journalOffset(t, st); off != "" {
		t.Fatalf("first sync journal_offset %q, want \"\" (the journal was empty)", off)
	}

	// Between syncs: every kind of deletion.
	at := t0.Add(10 * time.Minute)
	f.must(f.PermanentlyDeleteContact(3, at))                    // erased
	f.must(f.DeleteContact(5, at))                               // archived: restorable
	f.must(f.DeleteContact(7, at))                               // archived, then restored
	f.must(f.RestoreContact(7, at.Add(time.Minute)))             //
	f.must(f.DeleteContact(9, at))                               // archived, then erased
	f.must(f.PermanentlyDeleteContact(9, at.Add(2*time.Minute))) //
	m1, err := f.MergeContacts(10, 11, at)                       // merged, then erased
	f.must(err)
	f.must(f.PermanentlyDeleteContact(m1, at.Add(3*time.Minute)))
	m2, err := f.MergeContacts(12, 13, at) // merged, then archived
	f.must(err)
	f.must(f.DeleteContact(m2, at.Add(3*time.Minute)))
	e.clk.Set(t0.Add(time.Hour))
	second := mustRead(t, e, cat, st)
	got := permanentRecords(t, second)
	want := map[string]string{"3": "", "9": "", fmt.Sprint(m1): "10;11"}
	if len(got) != len(want) {
		t.Errorf("deleted permanently: %v, want %v", got, want)
	}
	for id, merged := range want {
		if r, ok := got[id]; !ok || r.Merged != merged {
			t.Errorf("contact %s: %+v, want deleted permanently with hs_merged_object_ids %q", id, r, merged)
		}
	}
	if r := got["3"]; r.ArchivedAt == nil || *r.ArchivedAt != stream.FormatTime(at) {
		t.Errorf("contact 3 archivedAt %v, want %s (when it was erased)", r.ArchivedAt, stream.FormatTime(at))
	}
	var arch []string
	for _, m := range recordFields(t, second) {
		if m["archived"] == true && m[journal.DeletedPermanentlyField] == nil {
			arch = append(arch, fmt.Sprint(m["id"], " ", m[stream.MergedIDsProperty]))
		}
	}
	if w := []string{"5 <nil>", fmt.Sprint(m2, " 12;13")}; fmt.Sprint(arch) != fmt.Sprint(w) {
		t.Errorf("archived (restorable) records %q, want %q", arch, w)
	}
	st2 := second.lastState(t, "contacts")
	events := f.JournalEvents()
	if off := journalOffset(t, st2); off != events[len(events)-1].Offset {
		t.Errorf("journal_offset %q, want the newest entry's %q", off, events[len(events)-1].Offset)
	}
	validateContacts(t, cat, second)

	// Nothing new: nothing delivered again.
	e.clk.Set(t0.Add(2 * time.Hour))
	third := mustRead(t, e, cat, st2)
	if got := permanentRecords(t, third); len(got) != 0 {
		t.Errorf("third sync delivered %v again", got)
	}
	if off := journalOffset(t, third.lastState(t, "contacts")); off != journalOffset(t, st2) {
		t.Errorf("journal_offset moved to %q with nothing new", off)
	}
}

// The journal's DELETE for merged-away ids (HubSpot's classic webhooks fire one) is not a
// deletion of anyone; a merge survivor erased later takes its merged-away ids with it.
func TestPermanentDeletionsFollowMerges(t *testing.T) {
	e := journalEnv(t, func(o *fakehubspot.JournalOptions) { o.DeleteOnMerge = true })
	f := e.fake
	f.addContacts(1, 10, t0.Add(-48*time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	st := mustRead(t, e, cat, nil).lastState(t, "contacts")
	at := t0.Add(10 * time.Minute)
	live, err := f.MergeContacts(1, 2, at)
	f.must(err)
	gone, err := f.MergeContacts(3, 4, at)
	f.must(err)
	gone2, err := f.MergeContacts(gone, 5, at.Add(time.Minute)) // a chain: 3 and 4, then 5
	f.must(err)
	f.must(f.PermanentlyDeleteContact(gone2, at.Add(2*time.Minute)))
	e.clk.Set(t0.Add(time.Hour))
	res := mustRead(t, e, cat, st)
	got := permanentRecords(t, res)
	if len(got) != 1 || got[fmt.Sprint(gone2)].Merged != fmt.Sprintf("3;4;5;%d", gone) {
		t.Errorf("deleted permanently %v, want only %d with every id merged into it (%d live)", got, gone2, live)
	}
}

func TestPermanentDeletionsWithGDPRDelete(t *testing.T) {
	e := journalEnv(t, nil)
	e.cfg["permanent_deletions"] = map[string]any{"enabled": true, "api_version": "2027-03-beta"}
	f := e.fake
	f.addContacts(1, 5, t0.Add(-48*time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	st := mustRead(t, e, cat, nil).lastState(t, "contacts")
	if subs := f.Subscriptions(); len(subs) != 1 || !strings.Contains(strings.Join(subs[0].Actions, ","), "GDPR_DELETE") {
		t.Fatalf("subscriptions %+v, want one with GDPR_DELETE", subs)
	}
	f.must(f.PermanentlyDeleteContact(2, t0.Add(10*time.Minute)))
	f.ResetStats()
	e.clk.Set(t0.Add(time.Hour))
	res := mustRead(t, e, cat, st)
	if got := permanentRecords(t, res); len(got) != 1 || got["2"].ID != "2" {
		t.Errorf("deleted permanently %v, want 2", got)
	}
	for _, r := range f.RequestsTo(fakehubspot.EndpointBatchRead) {
		if strings.Contains(r.Query, "archived=true") {
			t.Errorf("a GDPR_DELETE was verified with an archived batch read: HubSpot marks it permanent")
		}
	}
}

// An offset older than the journal keeps is never silent: a WARN, an alert and a TRACE message
// name the period; the read goes on from the earliest entry.
func TestPermanentDeletionsGapIsReported(t *testing.T) {
	e := journalEnv(t, nil)
	hook := e.webhook()
	e.cfg["alert_webhook_url"] = hook.URL
	f := e.fake
	f.addContacts(1, 10, t0.Add(-48*time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	st := mustRead(t, e, cat, nil).lastState(t, "contacts")
	f.must(f.PermanentlyDeleteContact(1, t0.Add(10*time.Minute)))
	e.clk.Set(t0.Add(time.Hour))
	st = mustRead(t, e, cat, st).lastState(t, "contacts")
	lost := journalOffset(t, st)
	// Four days without a sync: that entry expires; a later erasure is still read.
	f.must(f.PermanentlyDeleteContact(2, t0.Add(2*time.Hour)))
	e.clk.Set(t0.Add(4 * 24 * time.Hour))
	f.must(f.PermanentlyDeleteContact(3, t0.Add(4*24*time.Hour-time.Hour)))
	res := mustRead(t, e, cat, st)
	if got := permanentRecords(t, res); len(got) != 1 || got["3"].ID == "" {
		t.Errorf("deleted permanently %v, want 3 (2's entry expired with the gap)", got)
	}
	since := stream.FormatTime(t0) // when the last entry read was published
	traces := analytics(t, res, journal.GapTrace)
	if len(traces) != 1 || !strings.Contains(traces[0], since) || !strings.Contains(traces[0], lost) {
		t.Errorf("TRACE ANALYTICS %q, want one naming the period from %s (offset %s)", traces, since, lost)
	}
	if warns := strings.Join(res.logs("WARN"), "\n"); !strings.Contains(warns, "may not have been delivered") {
		t.Errorf("no WARN about the gap in %q", warns)
	}
	if texts := hook.Texts(); len(texts) != 1 || !strings.Contains(texts[0], since) {
		t.Errorf("alerts %q, want one naming the period", texts)
	}
	// Reported once: the next sync reads on from where this one stopped.
	e.clk.Set(t0.Add(4*24*time.Hour + time.Hour))
	next := mustRead(t, e, cat, res.lastState(t, "contacts"))
	if traces := analytics(t, next, journal.GapTrace); len(traces) != 0 {
		t.Errorf("the gap was reported again: %q", traces)
	}
}

// A STATE written in the middle of the journal read resumes it: the next run delivers exactly
// the deletions after that STATE's journal_offset.
func TestPermanentDeletionsResumeFromAMidReadState(t *testing.T) {
	e := journalEnv(t, nil)
	f := e.fake
	f.addContacts(1, 300, t0.Add(-48*time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	st := mustRead(t, e, cat, nil).lastState(t, "contacts")
	for id := int64(1); id <= 250; id++ {
		f.must(f.PermanentlyDeleteContact(id, t0.Add(10*time.Minute+time.Duration(id)*time.Second)))
	}
	e.clk.Set(t0.Add(time.Hour))
	full := mustRead(t, e, cat, st)
	if got := permanentRecords(t, full); len(got) != 250 {
		t.Fatalf("deleted permanently: %d records, want 250", len(got))
	}
	// The STATE after the first journal.FlushEvery entries, as a run killed right after it left it.
	var mid json.RawMessage
	delivered := 0
	for _, m := range full.msgs {
		if m.Type == "RECORD" && strings.Contains(string(m.Record.Data), `"deleted_permanently":true`) {
			delivered++
		}
		if m.Type == "STATE" && delivered == journal.FlushEvery && mid == nil {
			mid = m.State.Stream.State
		}
	}
	if mid == nil || journalOffset(t, mid) == "" {
		t.Fatalf("no STATE with a journal_offset right after the first %d deletions", journal.FlushEvery)
	}
	resumed := mustRead(t, e, cat, mid)
	got := permanentRecords(t, resumed)
	if len(got) != 250-journal.FlushEvery || got["250"].ID == "" || got["1"].ID != "" {
		t.Errorf("the resumed run delivered %d deletions, want the last %d", len(got), 250-journal.FlushEvery)
	}
}

func TestPermanentDeletionsConfig(t *testing.T) {
	e := journalEnv(t, nil)
	e.cfg["credentials"] = map[string]any{"credentials_title": "Private App Credentials", "access_token": "pat-static"}
	res := e.run("check", "--config", e.writeFile("config.json", e.cfg))
	if len(res.msgs) == 0 || res.msgs[len(res.msgs)-1].ConnectionStatus == nil ||
		!strings.Contains(res.msgs[len(res.msgs)-1].ConnectionStatus.Message, "permanent_deletions.client_id") {
		t.Fatalf("check with a private app and no app credentials: %+v", res.msgs)
	}
	// With the app's credentials, a private app token reads contacts and the app the journal.
	e.cfg["permanent_deletions"] = map[string]any{"enabled": true, "client_id": "client", "client_secret": appSecret}
	if st := checkStatus(t, e); st.Status != "SUCCEEDED" {
		t.Fatalf("check: %+v", st)
	}
	e.fake.addContacts(1, 3, t0.Add(-48*time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	st := mustRead(t, e, cat, nil).lastState(t, "contacts")
	e.fake.must(e.fake.PermanentlyDeleteContact(2, t0.Add(10*time.Minute)))
	e.clk.Set(t0.Add(time.Hour))
	if got := permanentRecords(t, mustRead(t, e, cat, st)); len(got) != 1 {
		t.Errorf("deleted permanently %v, want 2", got)
	}
}

// checkStatus runs check and returns its connection status.
func checkStatus(t *testing.T, e *env) struct{ Status, Message string } {
	t.Helper()
	res := e.run("check", "--config", e.writeFile("config.json", e.cfg))
	for _, m := range res.msgs {
		if m.ConnectionStatus != nil {
			return struct{ Status, Message string }{m.ConnectionStatus.Status, m.ConnectionStatus.Message}
		}
	}
	t.Fatalf("no connection status: %+v", res.msgs)
	return struct{ Status, Message string }{}
}

func TestPermanentDeletionsCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  func(*fakehubspot.JournalOptions)
		cfg  map[string]any
		want []string
	}{
		{"a legacy app", func(o *fakehubspot.JournalOptions) { o.LegacyApp = true }, nil,
			[]string{"permanent_deletions", "developer platform"}},
		{"no journal scopes", func(o *fakehubspot.JournalOptions) { o.AppScopes = []string{"crm.objects.contacts.read"} }, nil,
			[]string{"permanent_deletions", "developer.webhooks_journal.read", "app-hsmeta.json"}},
		{"a wrong secret", func(*fakehubspot.JournalOptions) {},
			map[string]any{"enabled": true, "client_secret": "wrong"}, []string{"permanent_deletions.client_secret"}},
		{"a version without the journal", func(*fakehubspot.JournalOptions) {},
			map[string]any{"enabled": true, "api_version": "2026-09"}, []string{"permanent_deletions.api_version"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := journalEnv(t, tc.opt)
			if tc.cfg != nil {
				e.cfg["permanent_deletions"] = tc.cfg
			}
			st := checkStatus(t, e)
			if st.Status != "FAILED" || !containsAll(st.Message, tc.want) {
				t.Errorf("check: %s %q, want FAILED naming %q", st.Status, st.Message, tc.want)
			}
			if strings.Contains(st.Message, appSecret) || strings.Contains(st.Message, "wrong") {
				t.Errorf("check message %q shows the secret", st.Message)
			}
		})
	}
	e := journalEnv(t, nil)
	if st := checkStatus(t, e); st.Status != "SUCCEEDED" {
		t.Errorf("check: %+v", st)
	}
	if n := e.fake.AppTokensIssued(); n != 1 {
		t.Errorf("check issued %d app tokens, want 1", n)
	}
}

// Several changes in one journal entry (HubSpot batches them) are read alike; a subscription
// that disappeared between syncs is recreated and the period without it reported.
func TestPermanentDeletionsBufferedAndLostSubscription(t *testing.T) {
	e := journalEnv(t, func(o *fakehubspot.JournalOptions) { o.Buffered = true })
	f := e.fake
	f.addContacts(1, 10, t0.Add(-48*time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	st := mustRead(t, e, cat, nil).lastState(t, "contacts")
	for id := int64(1); id <= 3; id++ {
		f.must(f.PermanentlyDeleteContact(id, t0.Add(10*time.Minute)))
	}
	f.must(f.DeleteContact(4, t0.Add(10*time.Minute)))
	f.PublishJournal()
	if n := len(f.JournalEvents()); n != 4 {
		t.Fatalf("journal events %d, want 4", n)
	}
	e.clk.Set(t0.Add(time.Hour))
	second := mustRead(t, e, cat, st)
	if got := permanentRecords(t, second); len(got) != 3 || got["4"].ID != "" {
		t.Errorf("deleted permanently %v, want 1, 2 and 3", got)
	}
	if len(analytics(t, second, journal.GapTrace)) != 0 {
		t.Error("a gap reported with the subscription in place")
	}

	// Someone deletes the app's subscription: nothing is recorded until the next sync makes it again.
	tok := f.IssueAppToken("developer.webhooks_journal.subscriptions.write")
	req, err := http.NewRequestWithContext(context.Background(), http.MethodDelete,
		f.URL+"/webhooks-journal/subscriptions/2026-03/portals/123456", http.NoBody)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := f.HTTPServer().Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(f.Subscriptions()) != 0 {
		t.Fatal("the subscription is still there")
	}
	f.must(f.PermanentlyDeleteContact(5, t0.Add(90*time.Minute))) // not recorded
	e.clk.Set(t0.Add(2 * time.Hour))
	third := mustRead(t, e, cat, second.lastState(t, "contacts"))
	if len(f.Subscriptions()) != 1 {
		t.Errorf("subscriptions %+v, want the one recreated", f.Subscriptions())
	}
	if traces := analytics(t, third, journal.GapTrace); len(traces) != 1 {
		t.Errorf("TRACE ANALYTICS %q, want one gap for the time without a subscription", traces)
	}
}
