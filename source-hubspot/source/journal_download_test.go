package source

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/protocol"
)

// expiringLinks answers 403, as an expired pre-signed link, to the next refuse downloads of a
// journal entry, and passes every other request on.
type expiringLinks struct {
	next http.RoundTripper

	mu                sync.Mutex
	refuse, downloads int
}

func (x *expiringLinks) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.HasPrefix(r.URL.Path, "/webhooks-journal-files/") {
		return x.next.RoundTrip(r)
	}
	x.mu.Lock()
	x.downloads++
	refused := x.refuse > 0
	if refused {
		x.refuse--
	}
	x.mu.Unlock()
	if !refused {
		return x.next.RoundTrip(r)
	}
	return &http.Response{StatusCode: http.StatusForbidden, Status: "403 Forbidden", Request: r, Header: http.Header{},
		Body: io.NopCloser(strings.NewReader("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"))}, nil
}

func (x *expiringLinks) set(refuse int) (downloads int) {
	x.mu.Lock()
	defer x.mu.Unlock()
	downloads, x.refuse, x.downloads = x.downloads, refuse, 0
	return downloads
}

// A journal entry whose download link expired before it was used is asked for again and read
// with its new link; a link refused again fails the run with a message that says what to check
// and that the next run reads the entry again, which it does.
func TestPermanentDeletionsExpiredDownloadLink(t *testing.T) {
	e := journalEnv(t, nil)
	links := &expiringLinks{next: e.fake.HTTPServer().Client().Transport}
	e.http = &http.Client{Transport: links}
	f := e.fake
	f.addContacts(1, 10, t0.Add(-48*time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	st := mustRead(t, e, cat, nil).lastState(t, "contacts")

	f.must(f.PermanentlyDeleteContact(3, t0.Add(10*time.Minute)))
	e.clk.Set(t0.Add(time.Hour))
	links.set(1)
	res := mustRead(t, e, cat, st)
	if got := permanentRecords(t, res); len(got) != 1 || got["3"].ID == "" {
		t.Errorf("deleted permanently %v, want 3", got)
	}
	if n := links.set(2); n != 2 {
		t.Errorf("%d downloads, want 2: the refused one and the one with the new link", n)
	}
	st = res.lastState(t, "contacts")

	f.must(f.PermanentlyDeleteContact(4, t0.Add(70*time.Minute)))
	e.clk.Set(t0.Add(2 * time.Hour))
	failed := e.read(cat, st)
	var msgs []string
	for _, m := range failed.traceErrors() {
		msgs = append(msgs, m.Trace.Error.Message)
	}
	if failed.code == 0 || !strings.Contains(strings.Join(msgs, "\n"), "the next sync reads the entry again") {
		t.Fatalf("exit %d, errors %q: want a failed run saying the next sync reads the entry again", failed.code, msgs)
	}
	if got := permanentRecords(t, failed); len(got) != 0 {
		t.Errorf("a failed download delivered %v", got)
	}
	links.set(0)
	next := mustRead(t, e, cat, failed.lastState(t, "contacts"))
	if got := permanentRecords(t, next); len(got) != 1 || got["4"].ID == "" {
		t.Errorf("the next run delivered %v, want 4", got)
	}
}
