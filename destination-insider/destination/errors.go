package destination

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/internal/httpx"
	"github.com/insider-hubspot/connectors/protocol"
)

// This file classifies Insider's errors: what kind of failure each is, whether
// the run stops sending, and the message that says what to do.

// classify says what a call that failed for good means for the run: its
// failure type, and whether sending more is pointless (stop: credentials
// refused, a redirect, or something else answering in Insider's place).
// canceled is true when ctx ended: Write reports that itself.
func classify(ctx context.Context, err error) (kind protocol.FailureType, stop, canceled bool) {
	k := insider.KindOf(err)
	switch {
	case k == insider.KindAuth, k == insider.KindRedirect:
		return protocol.FailureConfig, true, false
	case ctx.Err() != nil:
		return "", false, true
	case k == insider.KindNotInsider:
		// Every attempt got an answer that is not Insider's: the next
		// calls would fare the same.
		return protocol.FailureSystem, true, false
	case k == insider.KindTemporary:
		return protocol.FailureTransient, false, false
	}
	return protocol.FailureSystem, false, false
}

// refusedUser reports whether a one-user call (delete, anonymize, identity) failed because
// Insider refused the request for this user: its record is rejected, and the run goes on.
func refusedUser(err error) bool {
	switch insider.KindOf(err) {
	case insider.KindRefused, insider.KindTooLarge:
		return true
	}
	return false
}

// insiderError is the *insider.Error err holds, or nil.
func insiderError(err error) *insider.Error {
	var e *insider.Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// checkError is the error of a connection check whose call failed.
func checkError(ctx context.Context, cfg *Config, err error) error {
	ie := insiderError(err)
	switch insider.KindOf(err) {
	case insider.KindAuth:
		return authError(err)
	case insider.KindRedirect, insider.KindNotInsider:
		return protocol.NewError(protocol.FailureConfig, failureMessage(protocol.FailureConfig, err, cfg.APIBaseURL), err)
	case insider.KindTooLarge, insider.KindRefused, insider.KindUnavailable:
		if ie.Status >= 400 {
			return protocol.NewError(protocol.FailureConfig, fmt.Sprintf(
				"Insider answered HTTP %d to the connection check: check api_base_url (%s) and partner_name", ie.Status, cfg.APIBaseURL), err)
		}
	case insider.KindTemporary:
		if ctx.Err() == nil && ie != nil && ie.Status > 0 {
			return protocol.NewError(protocol.FailureTransient, "Insider is not available right now (HTTP "+fmt.Sprint(ie.Status)+"); try again later", err)
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if f, ok := httpx.Describe(err, "api_base_url"); ok {
		return protocol.NewError(protocol.FailureConfig, fmt.Sprintf("could not reach Insider at api_base_url %s: %s", cfg.APIBaseURL, f), err)
	}
	return protocol.NewError(protocol.FailureConfig, fmt.Sprintf(
		"could not reach Insider at api_base_url %s: check the URL and that this network can reach it", cfg.APIBaseURL), err)
}

// failureMessage says what went wrong with a batch that failed for good, and
// what to do.
func failureMessage(kind protocol.FailureType, err error, baseURL string) string {
	ie := insiderError(err)
	switch insider.KindOf(err) {
	case insider.KindRedirect:
		fix := "set api_base_url to the address of Insider's API (default " + insider.DefaultBaseURL + ")"
		if b := ie.SuggestedBaseURL(); b != "" {
			fix = "set api_base_url to " + b + " if that is Insider's API"
		}
		return fmt.Sprintf("Insider's address %s answered HTTP %d redirecting to %q; upserts are not sent on to another address "+
			"(the request would arrive as a GET that upserts nothing, and the API key would go to another host): %s",
			baseURL, ie.Status, ie.Location, fix)
	case insider.KindAuth:
		return authMessage(err)
	case insider.KindNotInsider:
		return fmt.Sprintf("the address %s answered with something that is not Insider's JSON (an HTML page, an empty body or another shape), "+
			"so nothing it accepted counts as delivered: check that api_base_url is Insider's API (default %s) and that no proxy answers in its place", baseURL, insider.DefaultBaseURL)
	case insider.KindRefusedAll:
		return fmt.Sprintf("Insider refused every user of a batch of %d with HTTP 400, each sent alone, so the cause is in every request rather than in the records", ie.Users)
	}
	if kind == protocol.FailureTransient {
		return transientMessage(err)
	}
	if f, ok := httpx.Describe(err, "api_base_url"); ok {
		return "could not reach Insider: " + f.String()
	}
	return "Insider refused a batch"
}

// transientMessage says why Insider requests kept failing, and what to do.
func transientMessage(err error) string {
	var we *httpx.WaitError
	if errors.As(err, &we) {
		return fmt.Sprintf("Insider asked the connector to wait %s before calling %s again (Retry-After), longer than the %s a request may wait: %s",
			we.Wait.Round(time.Second), we.Endpoint, httpx.WaitLimit, we.Advice())
	}
	if f, ok := httpx.Describe(err, "api_base_url"); ok {
		return "could not reach Insider after every retry: " + f.String()
	}
	return "Insider kept failing (HTTP 429, 5xx or network errors) after every retry"
}

// authError is the user-facing error for a refused partner name or key.
func authError(err error) error {
	return protocol.NewError(protocol.FailureConfig, authMessage(err), err)
}

// authMessage says which config field (and header) to fix when Insider
// refuses the partner name or key.
func authMessage(err error) string {
	var status int
	if ie := insiderError(err); ie != nil {
		status = ie.Status
	}
	switch status {
	case http.StatusBadRequest: // "Partner is invalid."
		return "Insider does not know the partner name (HTTP 400 \"Partner is invalid.\"): set partner_name (sent as X-PARTNER-NAME) " +
			"to your InOne account name, lowercase, as shown under InOne Settings > Account Settings"
	case http.StatusUnauthorized:
		return "Insider rejected the API key (HTTP 401): set api_key (sent as X-REQUEST-TOKEN) to an active Unified Customer Database (UCD) key " +
			"of this partner, generated by an administrator under InOne Settings > API Keys"
	}
	return "Insider rejected the partner name or API key: check that partner_name is your InOne account name " +
		"(lowercase, as shown under InOne Settings > Account Settings), that api_key is a Unified Customer Database (UCD) key " +
		"whose package includes the Upsert User Data API, and that the key's IP allow-list (if any) includes this connector's IPv4 egress addresses"
}
