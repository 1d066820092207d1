package source

import (
	"context"
	"net/http"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// getContact reads the one configured contact (sync_target get_contact) on every run, by record
// id or by id_property. A contact that does not exist is a config error naming it. The state is
// passed on unchanged, so switching back to list_contacts continues where it was.
func (r *readRun) getContact(ctx context.Context, cols []stream.Column, in ContactsState) error {
	enc := newContactEncoder(cols)
	t := r.cfg.SyncTarget
	o, err := r.Client.GetContact(ctx, t.ContactID, t.IDProperty, enc.names)
	if stream.IsStatus(err, http.StatusNotFound) {
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
	if err := r.Out.Estimate(stream.Contacts, 1); err != nil {
		return err
	}
	if err := r.Out.Record(stream.Contacts, data); err != nil {
		return err
	}
	return r.Out.State(stream.Contacts, in)
}
