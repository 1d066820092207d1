package hubspot

import (
	"context"
	"net/url"
)

// BatchReadArchivedContacts reads up to MaxBatchRead archived (deleted, restorable) contacts by
// record id in one call (archived=true: HubSpot then answers archived contacts only). A contact
// that is not in the archive, because it is live or was deleted permanently, is absent.
func (c *Client) BatchReadArchivedContacts(ctx context.Context, ids, properties []string) ([]Object, error) {
	return c.batchRead(ctx, ids, properties, url.Values{"archived": {"true"}})
}
