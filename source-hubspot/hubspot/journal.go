package hubspot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/insider-hubspot/connectors/internal/httpx"
	"github.com/insider-hubspot/connectors/internal/urlpolicy"
)

// HubSpot's webhooks journal (https://developers.hubspot.com/docs/api-reference/latest/webhooks-journal/guide):
// a pull API that records, for the subscriptions an app made, what happened to CRM objects over
// the past three days. Reads answer where to download one entry ({url, expiresAt,
// currentOffset}, or 204 when there is none); the entry is a JSON file at a pre-signed URL,
// fetched without an Authorization header. Every call takes an app token from the
// client-credentials grant, not the connection's OAuth or private-app token.

// DefaultJournalVersion is the journal's dated version when none is given: HubSpot documents
// the journal on 2026-03 and 2027-03-beta (which adds the GDPR_DELETE action), not on 2026-09.
const DefaultJournalVersion = "2026-03"

// JournalConfig configures a Journal.
type JournalConfig struct {
	// ClientID and ClientSecret are the developer-platform app's client credentials.
	ClientID, ClientSecret string
	// Version is the dated version of the journal and subscription paths, default
	// DefaultJournalVersion.
	Version string
}

// Journal reads one portal's webhooks journal and manages its subscription. It shares the
// Client's retry, rate limits and daily reserve; its calls carry the app token. Safe for
// concurrent use.
type Journal struct {
	c       *Client
	http    *http.Client // app token over the client's retry and limit layers
	files   *http.Client // pre-signed downloads: retry only, no token, no budget
	tokens  *appTokenSource
	version string
	subs    string // subscriptions path
	local   string // local journal path
}

// Journal returns the journal client for the app with cfg's client credentials.
func (c *Client) Journal(cfg JournalConfig) *Journal {
	v := cfg.Version
	if v == "" {
		v = DefaultJournalVersion
	}
	c.red.Add(cfg.ClientSecret)
	tokens := newAppTokenSource(c.tokenURL, cfg.ClientID, cfg.ClientSecret, &http.Client{Transport: c.retried}, c.now, c.onToken)
	esc := url.PathEscape(v)
	return &Journal{
		c:       c,
		http:    &http.Client{Transport: &authTransport{next: c.retried, host: c.base.Host, tokens: tokens}},
		files:   &http.Client{Transport: c.files},
		tokens:  tokens,
		version: v,
		subs:    "/webhooks-journal/subscriptions/" + esc,
		local:   "/webhooks-journal/journal-local/" + esc,
	}
}

// Version is the journal's dated version.
func (j *Journal) Version() string { return j.version }

// GrantedScopes obtains an app token (when none is current) and returns the scopes HubSpot
// granted with it, nil when its answer did not list them.
func (j *Journal) GrantedScopes(ctx context.Context) ([]string, error) {
	if _, err := j.tokens.Token(ctx); err != nil {
		return nil, err
	}
	return j.tokens.granted(), nil
}

// Subscription is a journal subscription as HubSpot answers it.
type Subscription struct {
	ID               json.Number `json:"id,omitempty"`
	SubscriptionType string      `json:"subscriptionType"`
	PortalID         int64       `json:"portalId"`
	ObjectTypeID     string      `json:"objectTypeId"`
	Actions          []string    `json:"actions"`
	ObjectIDs        []int64     `json:"objectIds,omitempty"`
	Properties       []string    `json:"properties,omitempty"`
}

// Subscriptions lists the app's subscriptions (GET /webhooks-journal/subscriptions/<v>).
func (j *Journal) Subscriptions(ctx context.Context) ([]Subscription, error) {
	var out struct {
		Results []Subscription `json:"results"`
	}
	if err := j.c.callWith(ctx, j.http, http.MethodGet, j.subs, nil, nil, &out); err != nil {
		return nil, j.notServed(err)
	}
	return out.Results, nil
}

// subscriptionUpsert is the body of a subscription's create or update: HubSpot's
// ObjectSubscriptionUpsertRequest requires objectIds and properties, empty meaning every object
// and every property.
type subscriptionUpsert struct {
	SubscriptionType string   `json:"subscriptionType"`
	PortalID         int64    `json:"portalId"`
	ObjectTypeID     string   `json:"objectTypeId"`
	Actions          []string `json:"actions"`
	ObjectIDs        []int64  `json:"objectIds"`
	Properties       []string `json:"properties"`
}

// Subscribe creates or updates a subscription (POST /webhooks-journal/subscriptions/<v>, which
// HubSpot calls "create or update"); s.ID is not sent. Nil ObjectIDs or Properties subscribe to
// every object or property.
func (j *Journal) Subscribe(ctx context.Context, s Subscription) (*Subscription, error) {
	body := subscriptionUpsert{SubscriptionType: s.SubscriptionType, PortalID: s.PortalID, ObjectTypeID: s.ObjectTypeID,
		Actions: orEmpty(s.Actions), ObjectIDs: orEmpty(s.ObjectIDs), Properties: orEmpty(s.Properties)}
	var out Subscription
	if err := j.c.callWith(ctx, j.http, http.MethodPost, j.subs, nil, body, &out); err != nil {
		return nil, j.notServed(err)
	}
	return &out, nil
}

// JournalRef is where one journal entry can be downloaded until ExpiresAt.
type JournalRef struct {
	URL           string `json:"url"`
	ExpiresAt     string `json:"expiresAt"`
	CurrentOffset string `json:"currentOffset"`
}

// OffsetExpiredError is HubSpot's 404 to a read after Offset: the offset is past the journal's
// retention (or was never issued), so entries after it may be gone.
type OffsetExpiredError struct {
	Offset string
	Err    *APIError
}

// Error names the offset.
func (e *OffsetExpiredError) Error() string {
	return fmt.Sprintf("the webhooks journal no longer has offset %s (HTTP 404): it is older than the journal keeps", e.Offset)
}

// Unwrap returns HubSpot's answer.
func (e *OffsetExpiredError) Unwrap() error { return e.Err }

// Earliest returns the oldest entry of portal's local journal, nil when it is empty.
func (j *Journal) Earliest(ctx context.Context, portal int64) (*JournalRef, error) {
	return j.read(ctx, j.local+"/earliest", portal)
}

// Latest returns the newest entry of portal's local journal, nil when it is empty.
func (j *Journal) Latest(ctx context.Context, portal int64) (*JournalRef, error) {
	return j.read(ctx, j.local+"/latest", portal)
}

// Next returns the entry after offset, nil when offset is the newest. An offset HubSpot no
// longer has gives an *OffsetExpiredError.
func (j *Journal) Next(ctx context.Context, portal int64, offset string) (*JournalRef, error) {
	ref, err := j.read(ctx, j.local+"/offset/"+url.PathEscape(offset)+"/next", portal)
	var ae *APIError
	if errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound {
		return nil, &OffsetExpiredError{Offset: offset, Err: ae}
	}
	return ref, err
}

func (j *Journal) read(ctx context.Context, path string, portal int64) (*JournalRef, error) {
	q := url.Values{"installPortalId": {strconv.FormatInt(portal, 10)}}
	var ref *JournalRef
	err := j.c.doWith(ctx, j.http, http.MethodGet, path, q, nil, func(b []byte) error {
		if len(b) == 0 {
			return nil // 204: no such entry
		}
		ref = &JournalRef{}
		if err := json.Unmarshal(b, ref); err != nil {
			return fmt.Errorf("GET %s: decode answer: %w", path, err)
		}
		if ref.URL == "" || ref.CurrentOffset == "" {
			return fmt.Errorf("GET %s: the answer has no url or currentOffset", path)
		}
		return nil
	})
	return ref, err
}

// JournalEvent is one event of a journal entry.
type JournalEvent struct {
	Action       string
	ObjectTypeID string
	ObjectID     string
	OccurredAt   time.Time // zero when HubSpot sent none that reads as a time
	// MergedObjectIDs are, for a MERGE, the ids merged into ObjectID.
	MergedObjectIDs []string
}

// JournalEntry is one downloaded journal entry.
type JournalEntry struct {
	Offset      string
	PublishedAt time.Time
	Events      []JournalEvent
}

// journalEntryWire is an entry's download as HubSpot serves it: {offset, journalEvents: [{type,
// portalId, occurredAt, objectTypeId, objectId, action, propertyChanges, mergedObjectIds}],
// publishedAt}. Ids and times are read whether they come as numbers or strings.
type journalEntryWire struct {
	Offset        string          `json:"offset"`
	PublishedAt   json.RawMessage `json:"publishedAt"`
	JournalEvents []struct {
		Action          string            `json:"action"`
		ObjectTypeID    string            `json:"objectTypeId"`
		ObjectID        json.RawMessage   `json:"objectId"`
		OccurredAt      json.RawMessage   `json:"occurredAt"`
		MergedObjectIDs []json.RawMessage `json:"mergedObjectIds"`
	} `json:"journalEvents"`
}

// JournalURLExpiredError is a download refused because its pre-signed URL expired: ask for the
// entry again.
type JournalURLExpiredError struct{ Status int }

func (e *JournalURLExpiredError) Error() string {
	return fmt.Sprintf("the journal entry's download link was refused (HTTP %d): it expired", e.Status)
}

// Download fetches the entry ref points to, without an Authorization header (HubSpot: "Request it
// without an Authorization header"). The URL must be https unless its host is a loopback address.
// A refused link (403: expired) gives a *JournalURLExpiredError.
func (j *Journal) Download(ctx context.Context, ref *JournalRef) (*JournalEntry, error) {
	if err := urlpolicy.Check("the journal entry url", ref.URL); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ref.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("journal entry %s: %w", ref.CurrentOffset, err)
	}
	resp, err := j.files.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download journal entry %s: %w", ref.CurrentOffset, unwrapURLError(err))
	}
	defer resp.Body.Close()
	b, err := httpx.ReadBody(resp, 0)
	if err != nil {
		return nil, fmt.Errorf("download journal entry %s: %w", ref.CurrentOffset, &httpx.CutOffError{Err: err})
	}
	switch {
	case resp.StatusCode == http.StatusForbidden:
		return nil, &JournalURLExpiredError{Status: resp.StatusCode}
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, fmt.Errorf("download journal entry %s: HTTP %d: %s", ref.CurrentOffset, resp.StatusCode, j.c.red.Excerpt(b, maxBodyExcerpt))
	}
	var w journalEntryWire
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("journal entry %s: decode: %w", ref.CurrentOffset, err)
	}
	e := &JournalEntry{Offset: w.Offset, PublishedAt: wireTime(w.PublishedAt)}
	if e.Offset == "" {
		e.Offset = ref.CurrentOffset
	}
	for _, ev := range w.JournalEvents {
		out := JournalEvent{Action: ev.Action, ObjectTypeID: ev.ObjectTypeID, ObjectID: wireID(ev.ObjectID),
			OccurredAt: wireTime(ev.OccurredAt)}
		for _, m := range ev.MergedObjectIDs {
			if id := wireID(m); id != "" {
				out.MergedObjectIDs = append(out.MergedObjectIDs, id)
			}
		}
		e.Events = append(e.Events, out)
	}
	return e, nil
}

// wireID reads an id sent as a JSON number or string ("" when it is neither).
func wireID(raw json.RawMessage) string {
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return ""
}

// wireTime reads a time sent as RFC 3339 or as epoch milliseconds (a number or a string); zero
// when it is neither.
func wireTime(raw json.RawMessage) time.Time {
	s := wireID(raw)
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms).UTC()
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC()
	}
	return time.Time{}
}

// notServed turns a 404 of a path that exists whatever the data (subscriptions) into a
// *VersionError naming the journal's version.
func (j *Journal) notServed(err error) error { return versionNotServed(j.version, err) }

// AccountPortalID reads the portal id of the account the connection's token belongs to (GET
// /account-info/<version>/details; HubSpot documents that API on 2026-03 and 2027-03-beta, for the
// oauth scope, OAuth apps and private apps alike).
func (c *Client) AccountPortalID(ctx context.Context, version string) (int64, error) {
	var out struct {
		PortalID int64 `json:"portalId"`
	}
	path := "/account-info/" + url.PathEscape(version) + "/details"
	if err := c.call(ctx, http.MethodGet, path, nil, nil, &out); err != nil {
		return 0, err
	}
	if out.PortalID == 0 {
		return 0, fmt.Errorf("GET %s answered no portalId", path)
	}
	return out.PortalID, nil
}
