package source

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/internal/alert"
	"github.com/insider-hubspot/connectors/protocol"
)

// WithAlertTimeout bounds each post to alert_webhook_url, and so the wait for alerts at the end
// of a run (default alert.DefaultTimeout).
func WithAlertTimeout(d time.Duration) Option { return func(s *Source) { s.alertWait = d } }

// notifier returns the run's alert sender, or nil when alert_webhook_url is not set.
func (s *Source) notifier(ctx context.Context, cfg *Config) *alert.Notifier {
	return alert.New(cfg.AlertWebhookURL, "source-hubspot", s.httpClient, *zerolog.Ctx(ctx)).WithTimeout(s.alertWait)
}

// alertFailure posts that a stream, or the whole run (stream ""), failed with err.
func alertFailure(ctx context.Context, n *alert.Notifier, stream string, err error) {
	if n == nil || err == nil {
		return
	}
	msg := protocol.UserMessage(err)
	what := "sync failed"
	if stream != "" {
		what = fmt.Sprintf("stream %s failed", stream)
	}
	n.Send("", protocol.RedactorFrom(ctx).Redact(what+": "+msg+". The saved state was not advanced past what was delivered; the next run retries."))
}
