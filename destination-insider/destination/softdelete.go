package destination

import (
	"context"

	"github.com/insider-hubspot/connectors/destination-insider/destination/profiles"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/protocol"
)

// softDelete handles a record of a stream Airbyte's data activation maps onto Insider's user
// object with the soft_delete operation: the profile its matching key finds is deleted with
// Insider's delete-user API, or anonymized when deletion_mode is anonymize. deletion_mode ignore
// (the default) deletes too: it says what to do with HubSpot's archived contacts, while a
// soft_delete stream is a delete the user chose explicitly in the connection's mapping. Insider
// having no such user is nothing to do. A record without a valid value for its matching key is
// rejected.
func (w *writer) softDelete(ctx context.Context, r mapping.Record, ref protocol.RecordRef, stream string) error {
	ids, res := w.mapper.Deletion(r)
	w.countDropped(res.DroppedIDs, 0)
	if ids == nil {
		return w.refuse(ctx, ref, stream, res.Key, res.Reason, res.Detail, res.FailRun)
	}
	return w.send.archive(ctx, &profiles.Archive{Key: res.Key, Anonymize: w.cfg.DeletionMode == DeletionAnonymize, Own: ids, Ref: ref,
		SoftDelete: true, Stream: stream})
}
