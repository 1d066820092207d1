package hubspot

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Page size maxima HubSpot enforces.
const (
	MaxSearchLimit = 200 // search page
	MaxListLimit   = 100 // list page
	MaxBatchRead   = 100 // batch read inputs
)

// SearchCap is the most results HubSpot returns for one search query, however it is paged: a
// query whose total is larger must be split (narrower filters) to reach the rest.
const SearchCap = 10000

// Filter is one search filter; filters of a request are AND-ed.
type Filter struct {
	PropertyName string `json:"propertyName"`
	Operator     string `json:"operator"`
	Value        string `json:"value"`
}

// SearchRequest is one page of a contacts search: the first Limit results, sorted by SortBy
// (ascending unless Descending is set). It has no offset on purpose: HubSpot evaluates every page
// against the live index, so an offset shifts when contacts change between pages. Page by
// filtering on the sort key instead (hs_object_id GT the last id delivered).
type SearchRequest struct {
	Filters    []Filter
	SortBy     string
	Descending bool
	Properties []string
	Limit      int
}

// searchBody is HubSpot's PublicObjectSearchRequest, with every member its published schema
// requires (after, filterGroups, limit, properties, sorts), each of the type it requires: a
// request without a filter has no filter group (a group's filters must be an array), one
// without a sort an empty sorts array.
type searchBody struct {
	FilterGroups []filterGroup `json:"filterGroups"`
	Sorts        []sortRule    `json:"sorts"`
	Properties   []string      `json:"properties"`
	Limit        int           `json:"limit"`
	After        string        `json:"after"`
}

// firstPage is the after of every search: the client pages by filtering on the sort key, never
// by offset (see SearchRequest).
const firstPage = "0"

type filterGroup struct {
	Filters []Filter `json:"filters"`
}

type sortRule struct {
	PropertyName string `json:"propertyName"`
	Direction    string `json:"direction"`
}

// SearchContacts runs one page of POST /crm/objects/<version>/contacts/search. A page with no
// result that says more follow is asked for again, and fails as an *InconsistentPageError when
// HubSpot keeps answering so (searchPage).
func (c *Client) SearchContacts(ctx context.Context, r SearchRequest) (*Page, error) {
	body := searchBody{
		FilterGroups: []filterGroup{},
		Sorts:        []sortRule{},
		Properties:   r.Properties,
		Limit:        min(max(r.Limit, 1), MaxSearchLimit),
		After:        firstPage,
	}
	if len(r.Filters) > 0 {
		body.FilterGroups = append(body.FilterGroups, filterGroup{Filters: r.Filters})
	}
	if body.Properties == nil {
		body.Properties = []string{}
	}
	if r.SortBy != "" {
		dir := "ASCENDING"
		if r.Descending {
			dir = "DESCENDING"
		}
		body.Sorts = []sortRule{{PropertyName: r.SortBy, Direction: dir}}
	}
	return c.searchPage(ctx, body)
}

// contactsPage reads a page of a contacts collection endpoint (search or list), whose 404
// means the version is not served.
func (c *Client) contactsPage(ctx context.Context, method, path string, q url.Values, body any) (*Page, error) {
	p, err := c.callPage(ctx, method, path, q, body)
	if err != nil {
		return nil, c.notServed(err)
	}
	c.crmServed.Store(true)
	return p, nil
}

// ListRequest is one page of the contacts list endpoint, ordered by id.
type ListRequest struct {
	Properties []string
	Limit      int
	// After is the opaque paging token of the previous page ("" for the first page).
	After string
	// Archived lists only archived (deleted) contacts, each with its archivedAt; HubSpot keeps
	// them for 90 days.
	Archived bool
}

// ListContacts reads one page of GET /crm/objects/<version>/contacts (no result cap, no total).
// Its properties travel in the URL: see ListFits.
func (c *Client) ListContacts(ctx context.Context, r ListRequest) (*Page, error) {
	return c.contactsPage(ctx, http.MethodGet, c.paths.contacts, listQuery(r), nil)
}

func listQuery(r ListRequest) url.Values {
	q := url.Values{}
	q.Set("limit", strconv.Itoa(min(max(r.Limit, 1), MaxListLimit)))
	if len(r.Properties) > 0 {
		q.Set("properties", strings.Join(r.Properties, ","))
	}
	if r.After != "" {
		q.Set("after", r.After)
	}
	if r.Archived {
		q.Set("archived", "true")
	}
	return q
}

// GetContact reads one contact by record id, or by the unique property idProperty (e.g. email)
// when it is not empty. It asks through batch read, whose properties travel in the JSON body:
// in a GET every name would be in the URL, and a portal with a thousand properties passes
// HubSpot's URL limit. A missing contact is an *APIError with StatusCode 404; a version HubSpot
// does not serve is a *VersionError.
func (c *Client) GetContact(ctx context.Context, id, idProperty string, properties []string) (*Object, error) {
	body := newBatchReadBody([]string{id}, properties, nil)
	body.IDProperty = idProperty
	p, err := c.callPage(ctx, http.MethodPost, c.paths.batchRead, nil, body)
	if err != nil {
		if _, verr := c.objectMissing(ctx, err); verr != nil {
			return nil, verr
		}
		return nil, err
	}
	if len(p.Results) > 0 {
		return &p.Results[0], nil
	}
	// HubSpot answers 207 with an OBJECT_NOT_FOUND error per missing input (or 404 when none is
	// found); either way this one contact does not exist.
	return nil, &APIError{StatusCode: http.StatusNotFound, Method: http.MethodPost, Path: c.paths.batchRead,
		Category: "OBJECT_NOT_FOUND", Message: "no contact " + id}
}

// ListFits reports whether a list request naming these properties stays under MaxURLLength;
// when it does not, read the same contacts through search or batch read, which take
// properties in the body.
func (c *Client) ListFits(properties []string) bool {
	return len(c.endpoint(c.paths.contacts, listQuery(ListRequest{Properties: properties, Limit: MaxListLimit,
		After: "99999999999999999999"}))) <= MaxURLLength
}

type batchReadBody struct {
	Properties            []string  `json:"properties"`
	IDProperty            string    `json:"idProperty,omitempty"`
	PropertiesWithHistory []string  `json:"propertiesWithHistory"`
	Inputs                []idInput `json:"inputs"`
}

type idInput struct {
	ID string `json:"id"`
}

// newBatchReadBody is the body of a batch read of the contacts ids that asks for properties and
// for the history of history (nil: none of either).
func newBatchReadBody(ids, properties, history []string) batchReadBody {
	body := batchReadBody{Properties: properties, PropertiesWithHistory: history, Inputs: make([]idInput, len(ids))}
	if body.Properties == nil {
		body.Properties = []string{}
	}
	if body.PropertiesWithHistory == nil {
		body.PropertiesWithHistory = []string{}
	}
	for i, id := range ids {
		body.Inputs[i].ID = id
	}
	return body
}

// BatchReadContacts reads up to MaxBatchRead contacts by record id in one call. Contacts that do
// not exist are simply absent from the result (HubSpot answers 207 with per-input errors, or 404
// when none exists; a version HubSpot does not serve is a *VersionError).
func (c *Client) BatchReadContacts(ctx context.Context, ids, properties []string) ([]Object, error) {
	return c.batchRead(ctx, ids, properties, nil)
}

// batchRead reads up to MaxBatchRead contacts by record id in one call, with query (archived)
// in the URL. A contact that is not there is absent from the result.
func (c *Client) batchRead(ctx context.Context, ids, properties []string, query url.Values) ([]Object, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > MaxBatchRead {
		return nil, errors.New("batch read takes at most 100 ids")
	}
	p, err := c.callPage(ctx, http.MethodPost, c.paths.batchRead, query, newBatchReadBody(ids, properties, nil))
	if err != nil {
		if missing, err := c.objectMissing(ctx, err); !missing {
			return nil, err
		}
		return nil, nil
	}
	return p.Results, nil
}
