package destination

import (
	"context"
	"fmt"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/protocol"
)

// deletion_mode and merge_mode values.
const (
	DeletionIgnore        = "ignore"
	DeletionDeleteProfile = "delete_profile"
	DeletionAnonymize     = "anonymize"
	MergeIgnore           = "ignore"
	MergeUpdateIdentity   = "update_identity"
)

func (c *Config) validateDeleteModes() []string {
	var p []string
	switch c.DeletionMode {
	case DeletionIgnore, DeletionDeleteProfile, DeletionAnonymize:
	default:
		p = append(p, fmt.Sprintf("deletion_mode %q is not one of ignore, delete_profile, anonymize", c.DeletionMode))
	}
	switch c.MergeMode {
	case MergeIgnore:
	case MergeUpdateIdentity:
		if !c.MapsRecordID() {
			p = append(p, "merge_mode update_identity needs a uuid or custom identifier mapped from hs_object_id or id "+
				"(the contact id that a merge changes): add one to identifier_mappings or set merge_mode to ignore")
		}
	default:
		p = append(p, fmt.Sprintf("merge_mode %q is not one of ignore, update_identity", c.MergeMode))
	}
	return p
}

// deletes is what one write needs for archived and merged contacts records: the one-user API
// calls, and the lane that runs those calls in record order per contact.
type deletes struct {
	enabled  bool // some mode sends calls: track upserted keys for ordering
	merges   bool
	ops      *insider.UserOps // nil in a dry run
	lane     *opLane
	sent     map[string]struct{} // contact keys upserted since the last barrier
	overflow bool                // sent was cleared when full: the next call waits for every upsert
	shown    map[string]int      // dry-run lines logged per kind
	logged   bool                // the ignore-mode skip was logged
}

// maxTrackedKeys bounds the memory of the upserted-keys set; past it the next call waits for
// every upsert in flight instead.
const maxTrackedKeys = 1 << 17

func newDeletes(w *writer, cfg *Config) *deletes {
	d := &deletes{lane: newOpLane(opConcurrency), sent: map[string]struct{}{}, shown: map[string]int{},
		merges:  cfg.MergeMode == MergeUpdateIdentity,
		enabled: cfg.MergeMode == MergeUpdateIdentity || cfg.DeletionMode != DeletionIgnore}
	if w.client != nil && d.enabled {
		d.ops = insider.NewUserOps(w.client, insider.DefaultOpLimits())
	}
	return d
}

// contactOp handles a contacts record that is archived, or merged when merge_mode asks for it.
// handled is false for every other record, which goes on to the upsert.
func (w *writer) contactOp(ctx context.Context, r mapping.Record, res *mapping.Result, ref protocol.RecordRef) (handled bool, err error) {
	if r.Archived() {
		return true, w.archivedRecord(ctx, r, ref)
	}
	if !w.dm.merges || res.User == nil {
		return false, nil
	}
	return w.mergedRecord(ctx, r, res, ref)
}

// archivedRecord skips an archived contact (deletion_mode ignore) or deletes or anonymizes its
// Insider profile, found by its mapped identifiers.
func (w *writer) archivedRecord(ctx context.Context, r mapping.Record, ref protocol.RecordRef) error {
	d := w.dm
	if w.cfg.DeletionMode == DeletionIgnore {
		w.count.reject(ReasonArchived)
		if !d.logged {
			d.logged = true
			w.log.Info().Str("stream", mapping.ContactsStream).Msg("archived (deleted) contacts are skipped and counted as rejected with reason archived: deletion_mode is ignore")
		}
		return w.stopOnTrackerErr(w.states.Reject(ref))
	}
	id := w.mapper.Identity(r)
	key, ids := id.Key, id.IDs
	if ids == nil {
		if id.FailRun {
			w.fail([]protocol.RecordRef{ref})
			w.stop(protocol.NewError(protocol.FailureConfig, fmt.Sprintf(
				"archived record %s of stream contacts has an invalid identifier (%s) and invalid_identifier_policy is fail_run: fix the record or choose skip_identifier or skip_record",
				key, id.Detail), nil))
			return nil
		}
		return w.reject(ref, mapping.ContactsStream, key, id.Reason, id.Detail)
	}
	if w.dry != nil {
		w.dry.op(w, w.cfg.DeletionMode, key, ids)
		return nil
	}
	if err := w.settle(ctx, []string{key}); err != nil {
		return err
	}
	return d.lane.submit(ctx, []string{key}, func() { w.runArchived(ctx, ids, key, ref) })
}

// runArchived makes the delete or anonymize call of one archived contact and reports the
// record's outcome: done is a commit, no such user a rejection, a failure holds it back.
func (w *writer) runArchived(ctx context.Context, ids []byte, key string, ref protocol.RecordRef) {
	if w.refusedCredentials() {
		w.fail([]protocol.RecordRef{ref})
		return
	}
	call, what := w.dm.ops.Delete, "delete"
	if w.cfg.DeletionMode == DeletionAnonymize {
		call, what = w.dm.ops.Anonymize, "anonymize"
	}
	out, st, err := call(ctx, ids)
	w.countCall(st)
	switch {
	case err != nil && insider.IsUserRefused(err):
		_ = w.reject(ref, mapping.ContactsStream, key, ReasonInsider, maskMessages([]string{err.Error()}))
	case err != nil:
		w.callFailed(ctx, []protocol.RecordRef{ref}, what, err)
	case out == insider.NoSuchUser:
		_ = w.reject(ref, mapping.ContactsStream, key, ReasonNoSuchUser, "Insider has no profile with the contact's identifiers")
	default:
		w.count.add(func(s *Summary) {
			if what == "delete" {
				s.Deleted++
			} else {
				s.Anonymized++
			}
		})
		_ = w.stopOnTrackerErr(w.states.Commit(ref))
	}
}

// countCall counts the requests and retries of one Insider call.
func (w *writer) countCall(st insider.Stats) {
	w.count.add(func(s *Summary) { s.Requests += int64(st.Requests); s.Retries += int64(st.Retries) })
}

func (w *writer) refusedCredentials() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stopSending
}
