package destination

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/internal/alert"
	"github.com/insider-hubspot/connectors/protocol"
)

// sendAlerts posts the run's alerts to alert_webhook_url: a failed run (with its TRACE message
// and the records held back) and a share of rejected records above alert_reject_ratio. Posting
// is best effort and bounded by alert.DefaultTimeout; a dry run sends none.
func (d *Destination) sendAlerts(ctx context.Context, sum settle.Summary, runErr error) {
	if sum.DryRun || sum.AlertWebhookURL == "" {
		return
	}
	n := alert.New(sum.AlertWebhookURL, "destination-insider", d.httpClient, *zerolog.Ctx(ctx)).WithTimeout(d.alertWait)
	if text := alertTexts(sum, runErr); len(text) > 0 {
		for _, t := range text {
			n.Send("", protocol.RedactorFrom(ctx).Redact(t))
		}
		n.Wait()
	}
}

// alertTexts returns the alerts a run's outcome calls for.
func alertTexts(sum settle.Summary, runErr error) []string {
	var out []string
	if runErr != nil {
		msg := "sync failed: " + protocol.UserMessage(runErr)
		if sum.HeldBack > 0 {
			msg += fmt.Sprintf(" (%d records held back; the next run retries them)", sum.HeldBack)
		}
		out = append(out, msg)
	} else if sum.HeldBack > 0 {
		out = append(out, fmt.Sprintf("%d records were held back; the next run retries them", sum.HeldBack))
	}
	if ratio := sum.RejectRatio(); sum.AlertRejectRatio > 0 && ratio > sum.AlertRejectRatio {
		var reasons []string
		for _, r := range slices.Sorted(maps.Keys(sum.Rejected)) {
			reasons = append(reasons, fmt.Sprintf("%s %d", r, sum.Rejected[r]))
		}
		out = append(out, fmt.Sprintf("%d of %d records (%.1f%%) were rejected, above the %.1f%% alert threshold: %s. "+
			"Check the identifier mappings and the source data.", sum.RejectedRecords(), sum.RecordsRead-sum.Ignored,
			100*ratio, 100*sum.AlertRejectRatio, strings.Join(reasons, ", ")))
	}
	return out
}
