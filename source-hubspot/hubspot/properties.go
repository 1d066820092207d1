package hubspot

import (
	"context"
	"net/http"
)

// Property describes one CRM or event property.
type Property struct {
	Name        string `json:"name"`
	Label       string `json:"label"`
	Type        string `json:"type"`
	FieldType   string `json:"fieldType"`
	Description string `json:"description"`
	Hidden      bool   `json:"hidden"`
	Archived    bool   `json:"archived"`
}

// ContactProperties lists the contact properties (GET /crm/properties/<version>/contacts; no
// paging).
func (c *Client) ContactProperties(ctx context.Context) ([]Property, error) {
	var body struct {
		Results []Property `json:"results"`
	}
	if err := c.call(ctx, http.MethodGet, c.paths.properties, nil, nil, &body); err != nil {
		return nil, c.notServed(err)
	}
	return body.Results, nil
}
