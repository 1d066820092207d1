package hubspot

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// EventDefinition is a custom behavioral event definition.
type EventDefinition struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Labels             struct {
		Singular string `json:"singular"`
		Plural   string `json:"plural"`
	} `json:"labels"`
	Description string     `json:"description"`
	Archived    bool       `json:"archived"`
	Properties  []Property `json:"properties"`
}

// EventDefinitions lists every custom behavioral event definition with its properties, following
// paging (GET /events/custom/<version>/event-definitions). A portal without access answers 403
// (an *APIError); a version HubSpot does not serve is a *VersionError.
func (c *Client) EventDefinitions(ctx context.Context) ([]EventDefinition, error) {
	var all []EventDefinition
	after := ""
	for {
		q := url.Values{"includeProperties": {"true"}, "limit": {"100"}}
		if after != "" {
			q.Set("after", after)
		}
		var body struct {
			Results []EventDefinition `json:"results"`
			Paging  *paging           `json:"paging"`
		}
		if err := c.call(ctx, http.MethodGet, c.paths.definitions, q, nil, &body); err != nil {
			return nil, c.notServed(err)
		}
		all = append(all, body.Results...)
		next := body.Paging.nextAfter()
		if next == "" || next == after {
			return all, nil
		}
		after = next
	}
}

// Event is one event occurrence. Properties stays raw (string values) for ScanProperties.
type Event struct {
	ID         string          `json:"id"`
	EventType  string          `json:"eventType"`
	OccurredAt string          `json:"occurredAt"`
	ObjectType string          `json:"objectType"`
	ObjectID   json.RawMessage `json:"objectId"`
	Properties json.RawMessage `json:"properties"`
}

// ObjectIDString returns ObjectID as a string whether HubSpot sent it as a string or a number.
func (e *Event) ObjectIDString() string {
	var s string
	if json.Unmarshal(e.ObjectID, &s) == nil {
		return s
	}
	if _, err := strconv.ParseInt(string(e.ObjectID), 10, 64); err == nil {
		return string(e.ObjectID)
	}
	return ""
}

// EventsRequest selects event occurrences of one type in a time range, oldest first.
type EventsRequest struct {
	EventType  string
	ObjectType string
	// OccurredAfter and OccurredBefore are RFC 3339 instants; empty means unbounded.
	OccurredAfter, OccurredBefore string
	Limit                         int
	After                         string
}

// EventPage is one page of event occurrences.
type EventPage struct {
	Results   []Event
	NextAfter string
}

// MaxEventsLimit is the page size asked of the events endpoint.
const MaxEventsLimit = 100

// Events reads one page of GET /events/event-occurrences/<version>. The paging cursor is opaque
// (HubSpot's is base64 of its own position): it is only ever passed back.
func (c *Client) Events(ctx context.Context, r EventsRequest) (*EventPage, error) {
	q := url.Values{"eventType": {r.EventType}, "sort": {"occurredAt"}}
	if r.ObjectType != "" {
		q.Set("objectType", r.ObjectType)
	}
	if r.OccurredAfter != "" {
		q.Set("occurredAfter", r.OccurredAfter)
	}
	if r.OccurredBefore != "" {
		q.Set("occurredBefore", r.OccurredBefore)
	}
	q.Set("limit", strconv.Itoa(min(max(r.Limit, 1), MaxEventsLimit)))
	if r.After != "" {
		q.Set("after", r.After)
	}
	var body struct {
		Results []Event `json:"results"`
		Paging  *paging `json:"paging"`
	}
	if err := c.call(ctx, http.MethodGet, c.paths.occurrences, q, nil, &body); err != nil {
		return nil, c.notServed(err)
	}
	return &EventPage{Results: body.Results, NextAfter: body.Paging.nextAfter()}, nil
}
