package profiles

import (
	"context"
	"encoding/json"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/insider"
)

// This file holds update_only, and the update operation of a data-activation stream: upserts
// touch only profiles Insider already has. Insider's upsert
// has no such mode (it creates the user it does not know), so before an upsert each of its users
// is looked up with Get User Profiles (POST /api/user/v1/profile,
// https://academy.insiderone.com/docs/get-user-profiles-api): one user a request, one unit of its
// 1,000 a minute when only attributes are asked for. What a lookup learns is kept for the run,
// so a contact with several records in a run is looked up once. Users Insider does not know are
// left out of the upsert and their records skipped (reason not_in_insider). Identity changes,
// attribute clears and deletes never create a profile, so they are not looked up.

// lookupConcurrency is how many lookups of one batch run at once; the rate limit of the
// read-profile API bounds them further.
const lookupConcurrency = 8

// maxKnownUsers bounds the lookups remembered; past it they are forgotten and asked again.
const maxKnownUsers = 1 << 18

// knownUsers answers whether Insider has a profile for the identifiers of a user, and remembers
// the answers. It is safe for concurrent use.
type knownUsers struct {
	ops    *insider.UserOps
	report *settle.Report

	mu    sync.Mutex
	known map[string]bool // encoded identifiers -> Insider has a profile
}

func newKnownUsers(ops *insider.UserOps, r *settle.Report) *knownUsers {
	return &knownUsers{ops: ops, report: r, known: map[string]bool{}}
}

// lookup returns, for each user of b, whether Insider has a profile for its identifiers; users
// with the same identifiers are asked for once, and not at all when the run knows the answer
// (unless fresh). Only the users of only are asked for (nil: all); the others count as known.
// An error is a lookup that failed for good: the batch is to be held back.
func (k *knownUsers) lookup(ctx context.Context, b *insider.Batch, only map[int]bool, fresh bool) ([]bool, error) {
	out := make([]bool, b.Len())
	users := map[string][]int{} // identifiers to ask for -> the users that have them
	var order [][]byte
	for i := range b.Len() {
		ids, ok := userIdentifiers(b.User(i))
		if !ok || (only != nil && !only[i]) {
			out[i] = true // nothing to look up by, or not to be looked up: Insider answers the upsert itself
			continue
		}
		if known, ok := k.remembered(ids); ok && !fresh {
			out[i] = known
			continue
		}
		if users[string(ids)] == nil {
			order = append(order, ids)
		}
		users[string(ids)] = append(users[string(ids)], i)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(lookupConcurrency)
	for _, ids := range order {
		idx := users[string(ids)]
		g.Go(func() error {
			known, err := k.ask(gctx, ids)
			for _, i := range idx {
				out[i] = known
			}
			return err
		})
	}
	return out, g.Wait()
}

// ask looks one user up. A lookup Insider refuses for this user (its identifiers, say) answers
// that it is not known: update_only never upserts a user it could not find.
func (k *knownUsers) ask(ctx context.Context, ids []byte) (bool, error) {
	_, out, st, err := k.ops.ReadIdentifiers(ctx, ids)
	k.report.CountCall(st)
	k.report.Counts.Add(func(s *settle.Summary) { s.ProfileLookups++ })
	switch {
	case err != nil && refusedUser(err):
		k.report.Log.Warn().Err(err).Msg("Insider refused to look a user up (update_only, or a stream's update operation); its records are skipped as not_in_insider")
		return false, nil
	case err != nil:
		return false, err
	}
	known := out == insider.Done
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.known) >= maxKnownUsers {
		clear(k.known)
	}
	k.known[string(ids)] = known
	return known, nil
}

func (k *knownUsers) remembered(ids []byte) (known, ok bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	known, ok = k.known[string(ids)]
	return known, ok
}

// userIdentifiers returns the identifiers object of an encoded user; false when it has none.
func userIdentifiers(user []byte) ([]byte, bool) {
	var u struct {
		Identifiers json.RawMessage `json:"identifiers"`
	}
	if json.Unmarshal(user, &u) != nil || len(u.Identifiers) < 2 || u.Identifiers[0] != '{' {
		return nil, false
	}
	return u.Identifiers, true
}
