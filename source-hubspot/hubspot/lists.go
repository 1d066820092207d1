package hubspot

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// HubSpot's Lists API (lists are now called segments), on the dated paths
// /crm/lists/<version>/... (https://developers.hubspot.com/docs/api-reference/latest/crm/lists/guide.md).
// Its calls are not CRM searches: they count against the general budget, list search included
// (isSearch). Every read needs the crm.lists.read (or crm.segments.read) scope; without it
// HubSpot answers 403 MISSING_SCOPES.

// ContactObjectTypeID is the objectTypeId of contact lists.
const ContactObjectTypeID = "0-1"

// Page size maxima of the Lists API: "max count is 500" for list search, "the maximum limit is
// 250" for memberships.
const (
	MaxListSearchCount = 500
	MaxMembershipsPage = 250
)

// Additional properties of a list that say when its members last changed. HubSpot sends them
// as strings (the stamps in epoch milliseconds) and leaves out the ones without a value.
const (
	ListSizeProperty        = "hs_list_size"
	ListLastAddedProperty   = "hs_last_record_added_at"
	ListLastRemovedProperty = "hs_last_record_removed_at"
)

// List is a list's definition as list search and GET answer it (members are read apart).
type List struct {
	ListID           string `json:"listId"`
	ListVersion      int64  `json:"listVersion"`
	Name             string `json:"name"`
	ObjectTypeID     string `json:"objectTypeId"`
	ProcessingStatus string `json:"processingStatus"`
	// ProcessingType is MANUAL, DYNAMIC or SNAPSHOT.
	ProcessingType   string `json:"processingType"`
	CreatedAt        string `json:"createdAt"`
	UpdatedAt        string `json:"updatedAt"`
	FiltersUpdatedAt string `json:"filtersUpdatedAt"`
	// DeletedAt is set on a deleted list (GET answers it until HubSpot purges it).
	DeletedAt string `json:"deletedAt"`
	// AdditionalProperties holds hs_list_size and the record stamps, as strings (list search
	// only; a value HubSpot sent as a number is kept as its JSON text).
	AdditionalProperties map[string]FlexString `json:"additionalProperties"`
}

// Additional returns an additional property ("" when HubSpot left it out).
func (l *List) Additional(name string) string { return string(l.AdditionalProperties[name]) }

// ListSearchRequest is one page of list search: Count lists from Offset (the offset the previous
// answer gave), of one object type ("" for every type), each with AdditionalProperties besides
// HubSpot's default ones.
type ListSearchRequest struct {
	ObjectTypeID         string
	Offset               int
	Count                int
	AdditionalProperties []string
}

// ListSearchPage is one page of list search: Offset is where the next page starts.
type ListSearchPage struct {
	Lists   []List `json:"lists"`
	HasMore bool   `json:"hasMore"`
	Offset  int    `json:"offset"`
	Total   int    `json:"total"`
}

// listSearchBody is HubSpot's ListSearchRequest, whose additionalProperties, listIds, offset and
// processingTypes are required: an empty listIds or processingTypes selects every list ("If not
// specified, all lists ... will be included"), an empty additionalProperties adds none.
type listSearchBody struct {
	Query                string   `json:"query"`
	ObjectTypeID         string   `json:"objectTypeId,omitempty"`
	Offset               int      `json:"offset"`
	Count                int      `json:"count"`
	AdditionalProperties []string `json:"additionalProperties"`
	ListIDs              []string `json:"listIds"`
	ProcessingTypes      []string `json:"processingTypes"`
}

// SearchLists reads one page of POST /crm/lists/<version>/search with an empty query (every
// list; HubSpot leaves deleted ones out). A version HubSpot does not serve is a *VersionError;
// a token without the lists scope gets a 403 (*APIError, MissingScopes).
func (c *Client) SearchLists(ctx context.Context, r ListSearchRequest) (*ListSearchPage, error) {
	body := listSearchBody{ObjectTypeID: r.ObjectTypeID, Offset: max(r.Offset, 0),
		Count: min(max(r.Count, 1), MaxListSearchCount), AdditionalProperties: orEmpty(r.AdditionalProperties),
		ListIDs: []string{}, ProcessingTypes: []string{}}
	var page ListSearchPage
	if err := c.call(ctx, http.MethodPost, c.paths.lists+"/search", nil, body, &page); err != nil {
		return nil, c.notServed(err)
	}
	return &page, nil
}

// GetList reads one list (GET /crm/lists/<version>/{listId}), deleted or not: a deleted list has
// DeletedAt. A list HubSpot does not know (never existed, or purged 90 days after its deletion)
// is an *APIError with StatusCode 404. Call it only once a list search of the same version has
// succeeded: a 404 is then about the list, not the version.
func (c *Client) GetList(ctx context.Context, listID string) (*List, error) {
	var body struct {
		List List `json:"list"`
	}
	if err := c.call(ctx, http.MethodGet, c.paths.lists+"/"+url.PathEscape(listID), nil, nil, &body); err != nil {
		return nil, err
	}
	return &body.List, nil
}

// MembershipsRequest is one page of a list's memberships in ascending record id order.
type MembershipsRequest struct {
	ListID string
	Limit  int
	// After is the paging token of the previous page ("" for the first). HubSpot calls it a
	// "paging offset token": it is only ever passed back, never built or read.
	After string
}

// Membership is one member of a list: its record id and when it was added to the list.
type Membership struct {
	RecordID            FlexString `json:"recordId"`
	MembershipTimestamp string     `json:"membershipTimestamp"`
}

// MembershipsPage is one page of memberships. Total is the list's member count HubSpot reports
// (-1 when absent); NextAfter is the token of the next page, "" on the last.
type MembershipsPage struct {
	Results   []Membership
	NextAfter string
	Total     int
}

// ListMemberships reads one page of GET /crm/lists/<version>/{listId}/memberships. A list that
// is deleted or unknown answers 404 (an *APIError); call it after a list search of the same
// version succeeded, as for GetList.
func (c *Client) ListMemberships(ctx context.Context, r MembershipsRequest) (*MembershipsPage, error) {
	q := url.Values{"limit": {strconv.Itoa(min(max(r.Limit, 1), MaxMembershipsPage))}}
	if r.After != "" {
		q.Set("after", r.After)
	}
	var body struct {
		Results []Membership `json:"results"`
		Paging  *paging      `json:"paging"`
		Total   *int         `json:"total"`
	}
	if err := c.call(ctx, http.MethodGet, c.paths.lists+"/"+url.PathEscape(r.ListID)+"/memberships", q, nil, &body); err != nil {
		return nil, err
	}
	p := &MembershipsPage{Results: body.Results, NextAfter: body.Paging.nextAfter(), Total: -1}
	if body.Total != nil {
		p.Total = *body.Total
	}
	return p, nil
}
