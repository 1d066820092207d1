package source

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/insider-hubspot/connectors/internal/httpx"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/lists"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// resumeHint ends the message of a failure that a later run gets past.
const resumeHint = "; the next run resumes from the last checkpoint"

// classify turns an error from the HubSpot client into a *protocol.Error whose message says what
// HubSpot answered and what to do. The original error, with HubSpot's correlationId, is kept as
// the internal part. Errors that are already classified pass through.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return protocol.NewError(protocol.FailureTransient, "the run was stopped before it finished"+resumeHint, err)
	}
	var ae *hubspot.AuthError
	if errors.As(err, &ae) {
		return protocol.NewError(protocol.FailureConfig, authMessage(ae), err)
	}
	var ve *hubspot.VersionError
	if errors.As(err, &ve) {
		return protocol.NewError(protocol.FailureConfig, fmt.Sprintf("HubSpot does not serve api_version %q "+
			"(HTTP 404 for %s %s): set api_version to a version HubSpot supports, such as %s (the default when "+
			"it is left out); HubSpot releases one every March and September and supports each for 18 months",
			ve.Version, ve.Err.Method, ve.Err.Path, hubspot.DefaultAPIVersion), err)
	}
	var de *hubspot.DailyReserveError
	if errors.As(err, &de) {
		return protocol.NewError(protocol.FailureTransient, fmt.Sprintf(
			"HubSpot's daily API limit is nearly used up (%d of %d requests left): the connector leaves the last %d to the "+
				"account's other apps, so it stopped after saving a checkpoint of everything it delivered; the limit resets at "+
				"midnight in the account's time zone, and the next run resumes from the checkpoint",
			max(de.Left, 0), de.Limit, de.Reserve), err)
	}
	var we *httpx.WaitError
	if errors.As(err, &we) {
		return protocol.NewError(protocol.FailureTransient, fmt.Sprintf(
			"HubSpot asked the connector to wait %s before calling %s again (Retry-After), longer than the %s a request may wait: %s; "+
				"if this happens often, other apps may be using up the account's API limit",
			we.Wait.Round(time.Second), we.Endpoint, httpx.WaitLimit, we.Advice())+resumeHint, err)
	}
	var ie *hubspot.InconsistentPageError
	if errors.As(err, &ie) {
		return protocol.NewError(protocol.FailureTransient, fmt.Sprintf(
			"HubSpot's search answered %d times with an empty page while saying more results follow (total %d), "+
				"so its index was not consistent; the stream stopped there instead of skipping the rest and kept its saved position",
			ie.Attempts, ie.Total)+resumeHint, err)
	}
	var he *hubspot.APIError
	if errors.As(err, &he) {
		return classifyAPI(he, err)
	}
	if f, ok := httpx.Describe(err, "api_base_url"); ok {
		kind := protocol.FailureTransient
		if f.Lasting {
			kind = protocol.FailureConfig
		}
		return protocol.NewError(kind, "could not reach HubSpot: "+f.String()+resumeHint, err)
	}
	if hubspot.IsNetworkError(err) {
		return protocol.NewError(protocol.FailureTransient, "could not reach HubSpot (check api_base_url and the network): "+err.Error()+resumeHint, err)
	}
	return protocol.NewError(protocol.FailureSystem, err.Error(), nil)
}

// authMessage says what to fix when the token endpoint refused.
func authMessage(ae *hubspot.AuthError) string {
	answer := ae.Summary()
	switch ae.Reason() {
	case hubspot.AuthBadClient:
		return "HubSpot refused the OAuth client (" + answer + "): check credentials.client_id and " +
			"credentials.client_secret against the app's Auth settings in HubSpot"
	case hubspot.AuthBadRefreshToken:
		return "HubSpot refused the refresh token (" + answer + "): it was revoked, the app was uninstalled, or it " +
			"belongs to another app; re-authorize the connection to get a new credentials.refresh_token"
	case hubspot.AuthNoEndpoint:
		return "no OAuth token endpoint answers at " + ae.URL + " (" + answer + "): check credentials.token_url, " +
			"or leave it out to use <api_base_url>" + hubspot.TokenPath
	}
	return "HubSpot refused the OAuth credentials (" + answer + "): re-authorize the connection, or check " +
		"credentials.client_id and credentials.client_secret"
}

func classifyAPI(he *hubspot.APIError, err error) error {
	s := he.Summary()
	switch code := he.StatusCode; {
	case code == http.StatusUnauthorized:
		return protocol.NewError(protocol.FailureConfig,
			"HubSpot rejected the access token ("+s+"): re-authorize the connection or replace the access token", err)
	case code == http.StatusForbidden && strings.HasPrefix(he.Path, "/events/"):
		return protocol.NewError(protocol.FailureConfig,
			"HubSpot denied access to custom behavioral events ("+s+"): they need an Enterprise tier and the "+
				"behavioral_events.event_definitions.read_write scope; grant it and re-authorize, or remove the event streams", err)
	case code == http.StatusForbidden && strings.Contains(he.Path, "/crm/lists/"):
		return protocol.NewError(protocol.FailureConfig,
			"HubSpot denied access to lists ("+s+"): grant the app the "+lists.Scope+" scope (or crm.segments.read) and "+
				"re-authorize, or remove the "+stream.Lists+" stream", err)
	case code == http.StatusForbidden:
		return protocol.NewError(protocol.FailureConfig,
			"HubSpot denied access ("+s+"): grant the app the crm.objects.contacts.read scope and re-authorize, and check that the account's tier includes this API", err)
	case he.IsDailyLimit():
		return protocol.NewError(protocol.FailureTransient,
			"HubSpot's daily API limit is used up ("+s+"); it resets at midnight in the account's time zone"+resumeHint, err)
	case code == http.StatusTooManyRequests:
		return protocol.NewError(protocol.FailureTransient, "HubSpot kept rate-limiting the connector ("+s+")"+resumeHint, err)
	case code >= 500 || code == http.StatusLocked:
		return protocol.NewError(protocol.FailureTransient, "HubSpot is unavailable ("+s+")"+resumeHint, err)
	}
	return protocol.NewError(protocol.FailureSystem, "HubSpot refused a request ("+s+")", err)
}
