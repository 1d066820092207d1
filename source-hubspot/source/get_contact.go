package source

import (
	"context"
	"net/http"

	"github.com/insider-hubspot/connectors/protocol"
)

// getContact reads the one configured contact (sync_target get_contact) on every run, by record
// id or by id_property. A contact that does not exist is a config error naming it. The state is
// passed on unchanged, so switching back to list_contacts continues where it was.
func (r *readRun) getContact(ctx context.Context, cols []column, in ContactsState) error {
	enc := newContactEncoder(cols)
	t := r.cfg.SyncTarget
	o, err := r.client.GetContact(ctx, t.ContactID, t.IDProperty, enc.names)
	if isStatus(err, http.StatusNotFound) {
		by := "record id"
		if t.IDProperty != "" {
			by = t.IDProperty
		}
		return protocol.NewError(protocol.FailureConfig,
			"HubSpot has no contact with "+by+" "+t.ContactID+": check sync_target.contact_id (and id_property)", err)
	}
	if err != nil {
		return err
	}
	data, err := enc.encode(o)
	if err != nil {
		return err
	}
	if err := r.out.Estimate(contactsStream, 1); err != nil {
		return err
	}
	if err := r.out.Record(contactsStream, data); err != nil {
		return err
	}
	return r.out.State(contactsStream, in)
}
