package journal

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// journalActions are the contact actions the subscription records: deletions (which include
// permanent ones), merges (to follow merged-away ids) and restores.
var journalActions = []string{actionDelete, actionMerge, actionRestore}

// withGDPRDelete reports whether the journal version knows the GDPR_DELETE action (2027-03-beta
// and later).
func withGDPRDelete(version string) bool { return len(version) >= 7 && version[:7] >= "2027-03" }

// open obtains the app token, finds the portal and makes sure the portal's contact
// subscription records what the reader needs, creating or widening it when it does not.
func open(ctx context.Context, r *stream.Run, s Settings, pos State, fresh bool, out Output) (*reader, error) {
	j, portal, err := openClient(ctx, s, r.Client)
	if err != nil {
		return nil, err
	}
	jr := &reader{Run: r, sink: out, j: j, portal: portal, pending: map[string]deletion{}, merges: newMergeMap(),
		delivered: map[string]bool{}, pos: pos, saved: pos}
	created, err := jr.subscribe(ctx)
	if err != nil {
		return nil, err
	}
	if created && !fresh {
		// A journal position from an earlier run, but no subscription any more: nothing was
		// recorded from when it went.
		jr.reportGap(ctx, nil)
	}
	return jr, nil
}

// openClient builds the journal client and reads the portal id, with errors that say what to
// fix.
func openClient(ctx context.Context, pd Settings, c *hubspot.Client) (*hubspot.Journal, int64, error) {
	j := c.Journal(hubspot.JournalConfig{ClientID: pd.ClientID, ClientSecret: pd.ClientSecret, Version: pd.APIVersion})
	if _, err := j.GrantedScopes(ctx); err != nil {
		return nil, 0, journalErr("obtain the app token", err)
	}
	portal, err := c.AccountPortalID(ctx, pd.APIVersion)
	if err != nil {
		return nil, 0, journalErr("read the account's portal id (GET /account-info/"+pd.APIVersion+"/details)", err)
	}
	return j, portal, nil
}

// subscribe makes sure an OBJECT subscription to the portal's contacts records journalActions
// (and GDPR_DELETE where the version has it); it reports whether it had to create one.
func (jr *reader) subscribe(ctx context.Context) (created bool, err error) {
	want := slices.Clone(journalActions)
	if withGDPRDelete(jr.j.Version()) {
		want = append(want, actionGDPRDelete)
	}
	subs, err := jr.j.Subscriptions(ctx)
	if err != nil {
		return false, journalErr("list the journal subscriptions", err)
	}
	var have *hubspot.Subscription
	for i := range subs {
		s := &subs[i]
		if s.PortalID == jr.portal && s.ObjectTypeID == hubspot.ContactObjectTypeID && (s.SubscriptionType == "" || s.SubscriptionType == "OBJECT") {
			have = s
		}
	}
	next := hubspot.Subscription{SubscriptionType: "OBJECT", PortalID: jr.portal, ObjectTypeID: hubspot.ContactObjectTypeID, Actions: want}
	if have != nil {
		missing := false
		next.Actions = slices.Clone(have.Actions)
		for _, a := range want {
			if !slices.Contains(next.Actions, a) {
				next.Actions = append(next.Actions, a)
				missing = true
			}
		}
		if !missing && len(have.ObjectIDs) == 0 {
			return false, nil
		}
		if len(have.ObjectIDs) > 0 {
			zerolog.Ctx(ctx).Warn().Int("object_ids", len(have.ObjectIDs)).
				Msg("the portal's journal subscription to contacts was limited to some contacts; widening it to every contact")
		}
		next.Properties = have.Properties
	}
	if _, err := jr.j.Subscribe(ctx, next); err != nil {
		return false, journalErr("subscribe to the portal's contact deletions", err)
	}
	zerolog.Ctx(ctx).Info().Int64("portal", jr.portal).Strs("actions", next.Actions).Bool("created", have == nil).
		Msg("the webhooks journal subscription to contacts is in place")
	return have == nil, nil
}

// Check is check's part for permanent_deletions: the app token, its journal scopes, the portal
// and the subscriptions API answer. Problems are config errors saying what to fix.
func Check(ctx context.Context, c *hubspot.Client, s Settings) error {
	j, _, err := openClient(ctx, s, c)
	if err != nil {
		return err
	}
	granted, err := j.GrantedScopes(ctx)
	if err != nil {
		return journalErr("obtain the app token", err)
	}
	if granted != nil {
		var missing []string
		for _, s := range hubspot.JournalScopes {
			if !slices.Contains(granted, s) {
				missing = append(missing, s)
			}
		}
		if len(missing) > 0 {
			return protocol.NewError(protocol.FailureConfig, fmt.Sprintf("permanent_deletions: HubSpot granted the app "+
				"token without %s: add %s to the app's scopes (source-hubspot/hubspot-app/src/app/app-hsmeta.json), upload "+
				"the project and install the app again", strings.Join(missing, ", "), strings.Join(missing, ", ")), nil)
		}
	}
	if _, err := j.Subscriptions(ctx); err != nil {
		return journalErr("list the journal subscriptions", err)
	}
	return nil
}

// journalErr turns a failure of the journal's calls into an error that says what to fix.
func journalErr(what string, err error) error {
	var ae *hubspot.AuthError
	if errors.As(err, &ae) {
		answer := ae.Summary()
		var msg string
		switch {
		case ae.Code == "unsupported_grant_type" || ae.Status == "BAD_GRANT_TYPE" || ae.Code == "unauthorized_client":
			msg = "HubSpot refused the client-credentials grant for the app (" + answer + "): the webhooks journal needs " +
				"an app on HubSpot's developer platform (a developer project app); a legacy app, private app or service " +
				"key cannot read it. Set permanent_deletions.client_id and client_secret to such an app's, or turn " +
				"permanent_deletions.enabled off"
		case ae.Code == "invalid_scope" || ae.Status == "BAD_SCOPES":
			msg = "HubSpot refused the journal scopes for the app (" + answer + "): add " +
				strings.Join(hubspot.JournalScopes, ", ") + " to the app's scopes (source-hubspot/hubspot-app/src/app/" +
				"app-hsmeta.json), upload the project and install the app again"
		case ae.Reason() == hubspot.AuthBadClient:
			msg = "HubSpot refused the app's client credentials (" + answer + "): check permanent_deletions.client_id and " +
				"permanent_deletions.client_secret (by default credentials.client_id and client_secret) against the app's Auth tab"
		default:
			msg = "HubSpot refused the app's client credentials (" + answer + "): check permanent_deletions.client_id and client_secret"
		}
		return protocol.NewError(protocol.FailureConfig, "permanent_deletions: "+msg, err)
	}
	var ve *hubspot.VersionError
	if errors.As(err, &ve) {
		return protocol.NewError(protocol.FailureConfig, fmt.Sprintf("permanent_deletions: HubSpot does not serve the "+
			"webhooks journal or account information API in version %q (HTTP 404 for %s %s): set "+
			"permanent_deletions.api_version to %s or 2027-03-beta, or leave it out", ve.Version, ve.Err.Method, ve.Err.Path,
			hubspot.DefaultJournalVersion), err)
	}
	var he *hubspot.APIError
	if errors.As(err, &he) {
		switch {
		case he.StatusCode == http.StatusForbidden && strings.HasPrefix(he.Path, "/account-info/"):
			return protocol.NewError(protocol.FailureConfig, "permanent_deletions: HubSpot denied the account details ("+
				he.Summary()+"), which name the portal to subscribe to: grant the connection's credentials the oauth scope", err)
		case he.StatusCode == http.StatusNotFound && strings.HasPrefix(he.Path, "/account-info/"):
			return journalErr(what, &hubspot.VersionError{Version: versionOf(he.Path), Err: he})
		case he.StatusCode == http.StatusForbidden:
			return protocol.NewError(protocol.FailureConfig, "permanent_deletions: HubSpot denied the app token access to "+
				"the webhooks journal ("+he.Summary()+"): give the app the scopes "+strings.Join(hubspot.JournalScopes, ", ")+
				" and install it again", err)
		}
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	return fmt.Errorf("%s: %w", what, err)
}

// versionOf returns the version segment of an /account-info/<v>/... path.
func versionOf(path string) string {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(parts) > 1 {
		return parts[1]
	}
	return ""
}
