package hubspot

import (
	"context"
	"errors"
	"net/http"
	"net/url"
)

// BatchReadArchivedContacts reads up to MaxBatchRead archived (deleted, restorable) contacts by
// record id in one call (archived=true: HubSpot then answers archived contacts only). A contact
// that is not in the archive, because it is live or was deleted permanently, is absent.
func (c *Client) BatchReadArchivedContacts(ctx context.Context, ids, properties []string) ([]Object, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > MaxBatchRead {
		return nil, errors.New("batch read takes at most 100 ids")
	}
	body := batchReadBody{Properties: properties, PropertiesWithHistory: []string{}, Inputs: make([]idInput, len(ids))}
	if body.Properties == nil {
		body.Properties = []string{}
	}
	for i, id := range ids {
		body.Inputs[i].ID = id
	}
	p, err := c.callPage(ctx, http.MethodPost, c.paths.batchRead, url.Values{"archived": {"true"}}, body)
	if err != nil {
		if missing, err := c.objectMissing(ctx, err); !missing {
			return nil, err
		}
		return nil, nil
	}
	return p.Results, nil
}
