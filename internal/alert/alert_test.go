package alert_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/internal/alert"
)

func TestSendPostsSlackTextOncePerKey(t *testing.T) {
	got := make(chan string, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Text string }
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("bad alert request: %v", err)
		}
		got <- body.Text
	}))
	defer srv.Close()
	n := alert.New(srv.URL, "source-hubspot", srv.Client(), zerolog.Nop())
	n.Send("cap", "window over the cap")
	n.Send("cap", "window over the cap again")
	n.Send("", "run failed")
	n.Wait()
	close(got)
	var texts []string
	for s := range got {
		texts = append(texts, s)
	}
	if len(texts) != 2 {
		t.Fatalf("alerts = %q, want 2 (one per key)", texts)
	}
	for _, s := range texts {
		if !strings.HasPrefix(s, "source-hubspot: ") {
			t.Errorf("alert %q lacks the connector prefix", s)
		}
	}
}

func TestSendDoesNotBlockOnSlowWebhook(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		<-release
	}))
	defer srv.Close()
	defer close(release)
	n := alert.New(srv.URL, "", srv.Client(), zerolog.Nop())
	// Send must return while the webhook is still blocked: if it waited, this test would hang
	// here, because release is only closed when the test returns.
	n.Send("", "hello")
	n.Send("", "again")
}

func TestFailedPostIsLogged(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()
	var logs strings.Builder
	n := alert.New(srv.URL+"/hooks/SECRETPATH", "", srv.Client(), zerolog.New(&logs))
	n.Send("", "x")
	n.Wait()
	if !strings.Contains(logs.String(), "HTTP 500") || strings.Contains(logs.String(), "SECRETPATH") {
		t.Fatalf("log = %s", logs.String())
	}
	srv.Close()
	logs.Reset()
	n.Send("", "y")
	n.Wait()
	if !strings.Contains(logs.String(), "alert webhook post failed") || strings.Contains(logs.String(), "SECRETPATH") {
		t.Fatalf("log after server gone = %s", logs.String())
	}
}

func TestNilNotifierDiscards(t *testing.T) {
	n := alert.New("", "", nil, zerolog.Nop())
	n.Send("k", "x")
	n.Wait()
}

// TestRedirectToPlainHTTPIsNotFollowed checks that the https-or-loopback rule holds for every
// hop of a post, not only for the configured URL: a redirect to plain http on another host is
// refused before anything is sent there.
func TestRedirectToPlainHTTPIsNotFollowed(t *testing.T) {
	var hosts []string
	var mu sync.Mutex
	record := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		hosts = append(hosts, r.URL.Host)
		mu.Unlock()
		if r.URL.Host == "127.0.0.1:1" {
			return &http.Response{StatusCode: http.StatusTemporaryRedirect, Header: http.Header{"Location": {"http://alerts.example.com/hook"}},
				Body: http.NoBody, Request: r}, nil
		}
		return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Request: r}, nil
	})
	var logs strings.Builder
	n := alert.New("http://127.0.0.1:1/hook", "", &http.Client{Transport: record}, zerolog.New(&logs))
	n.Send("", "run failed")
	n.Wait()
	mu.Lock()
	defer mu.Unlock()
	for _, h := range hosts {
		if h == "alerts.example.com" {
			t.Fatalf("the alert followed a redirect to plain http: hosts %v", hosts)
		}
	}
	if !strings.Contains(logs.String(), "alert_webhook_url (redirect) must use https") {
		t.Errorf("the refused redirect is not logged: %s", logs.String())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
