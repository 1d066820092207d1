// Package alert posts Slack-compatible alerts ({"text": ...}) to an incoming-webhook URL.
// Slack, Mattermost and Teams-compatible relays accept this body. Posting is best effort: it
// never blocks the caller, never fails a sync, and a failed post is logged.
package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/internal/urlpolicy"
)

// DefaultTimeout bounds one post, including the wait for it at the end of a run.
const DefaultTimeout = 5 * time.Second

// Notifier posts alerts to one webhook. The zero value and nil discard alerts. It is safe for
// concurrent use.
type Notifier struct {
	url     string
	client  *http.Client
	timeout time.Duration
	log     zerolog.Logger
	prefix  string

	wg   sync.WaitGroup
	mu   sync.Mutex
	sent map[string]bool
}

// WithTimeout returns n with another bound on each post (and on Wait). It returns nil for nil.
func (n *Notifier) WithTimeout(d time.Duration) *Notifier {
	if n != nil && d > 0 {
		n.timeout = d
	}
	return n
}

// New returns a Notifier posting to webhookURL with client (http.DefaultClient if nil), or nil
// when webhookURL is empty. prefix (for example the connector name) starts every text. Logs of
// failed posts go to log.
func New(webhookURL, prefix string, client *http.Client, log zerolog.Logger) *Notifier {
	if webhookURL == "" {
		return nil
	}
	if client == nil {
		client = http.DefaultClient
	}
	// The URL rule holds for every hop: a webhook that redirects to plain http (or to a URL
	// with credentials) is not followed, so the alert text never travels in clear.
	c := *client
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		if err := urlpolicy.Check("alert_webhook_url (redirect)", req.URL.String()); err != nil {
			return err
		}
		if client.CheckRedirect != nil {
			return client.CheckRedirect(req, via)
		}
		return nil
	}
	client = &c
	return &Notifier{url: webhookURL, client: client, timeout: DefaultTimeout, log: log, prefix: prefix, sent: map[string]bool{}}
}

// Send posts text in the background. An alert with the same key is sent once per run; an empty
// key always sends.
func (n *Notifier) Send(key, text string) {
	if n == nil {
		return
	}
	n.mu.Lock()
	if key != "" && n.sent[key] {
		n.mu.Unlock()
		return
	}
	if key != "" {
		n.sent[key] = true
	}
	n.mu.Unlock()
	if n.prefix != "" {
		text = n.prefix + ": " + text
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		if err := n.post(text); err != nil {
			n.log.Warn().Err(err).Msg("alert webhook post failed; the sync is not affected")
		}
	}()
}

// Wait waits for posts in flight, at most the post timeout. Call it before the process exits so
// that an alert about the run's end is not lost.
func (n *Notifier) Wait() {
	if n == nil {
		return
	}
	done := make(chan struct{})
	go func() { n.wg.Wait(); close(done) }()
	t := time.NewTimer(n.timeout)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}

func (n *Notifier) post(text string) error {
	body, err := json.Marshal(map[string]string{"text": text})
	if err != nil {
		return fmt.Errorf("encode alert: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), n.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("alert request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := n.client.Do(req)
	if err != nil {
		return fmt.Errorf("post alert: %w", scrub(err))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("post alert: webhook answered HTTP %d", resp.StatusCode)
	}
	return nil
}

// scrub drops the URL (a credential) from a transport error.
func scrub(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}
