package profiles

import (
	"context"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
)

// Upsert sends the upsert b; its users that are to be upserted only when Insider already has a
// profile for them (all under update_only, else those of b's indices in only) are looked up
// first (fresh: again, whatever the run learnt before), and left out when Insider has none.
// unknown holds the indices in b of the users left out; the rejections of res are indexed as in
// b. The caller settles b's records.
func (o *Ops) Upsert(ctx context.Context, b *insider.Batch, only map[int]bool, fresh bool) (res *insider.Result, unknown map[int]bool, err error) {
	if o.known == nil || (!o.all && len(only) == 0) {
		res, err = o.client.UpsertBatch(ctx, b)
		return res, nil, err
	}
	if o.all {
		only = nil
	}
	known, err := o.known.lookup(ctx, b, only, fresh)
	if err != nil {
		return &insider.Result{}, nil, err
	}
	kept := o.newBatch()
	kept.Reset(b.SkipHook())
	var index []int // kept user -> user of b
	unknown = map[int]bool{}
	for i, ok := range known {
		if !ok {
			unknown[i] = true
			continue
		}
		index = append(index, i)
		kept.Add(b.User(i))
	}
	if kept.Len() == 0 {
		return &insider.Result{}, unknown, nil
	}
	res, err = o.client.UpsertBatch(ctx, kept)
	for j := range res.Rejected {
		res.Rejected[j].Index = index[res.Rejected[j].Index]
	}
	return res, unknown, err
}

// upsertOne upserts one user alone; rejected holds Insider's messages when it refused the user.
// Under update_only a user Insider has no profile for is not upserted (unknown); it is looked up
// afresh, as the calls before the upsert may have just given it a profile.
func (o *Ops) upsertOne(ctx context.Context, user []byte) (rejected []string, unknown bool, err error) {
	b := o.newBatch()
	b.Add(user)
	res, skipped, err := o.Upsert(ctx, b, nil, true)
	o.report.CountCall(res.Stats)
	switch {
	case err != nil:
		return nil, false, err
	case skipped[0]:
		return nil, true, nil
	case len(res.Rejected) > 0:
		return res.Rejected[0].Messages, false, nil
	}
	return nil, false, nil
}
