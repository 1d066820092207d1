package hubspot

import (
	"context"
	"fmt"
	"net/http"
)

// MaxHistoryBatch is the most inputs HubSpot takes in a batch read that asks for property
// history ("The maximum number of inputs supported in a batch request for property histories
// is 50").
const MaxHistoryBatch = 50

// PropertyVersion is one entry of a property's history: the value it was set to ("" when it was
// cleared) and when.
type PropertyVersion struct {
	Value     string `json:"value"`
	Timestamp string `json:"timestamp"`
}

// ContactHistory is the history of some properties of one contact, as HubSpot answers it
// (newest first, as peers read it; HubSpot's reference does not state the order).
type ContactHistory struct {
	ID      string                       `json:"id"`
	History map[string][]PropertyVersion `json:"propertiesWithHistory"`
}

// ContactHistories reads the history of properties for up to MaxHistoryBatch contacts by record
// id with one batch read (propertiesWithHistory). Contacts that do not exist are absent from the
// result, as for BatchReadContacts.
func (c *Client) ContactHistories(ctx context.Context, ids, properties []string) ([]ContactHistory, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > MaxHistoryBatch {
		return nil, fmt.Errorf("a batch read with property history takes at most %d ids, not %d", MaxHistoryBatch, len(ids))
	}
	var out struct {
		Results []ContactHistory `json:"results"`
	}
	body := newBatchReadBody(ids, nil, properties)
	if err := c.call(ctx, http.MethodPost, c.paths.batchRead, nil, body, &out); err != nil {
		if missing, err := c.objectMissing(ctx, err); !missing {
			return nil, err
		}
		return nil, nil
	}
	return out.Results, nil
}
