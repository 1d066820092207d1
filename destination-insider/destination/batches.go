package destination

import "github.com/insider-hubspot/connectors/destination-insider/insider"

// newBatch returns an empty upsert body with the request-level fields of
// cfg: skip_hook and, when set, error_callback_endpoint (the URL Insider
// notifies when an accepted user later fails to unify).
func newBatch(cfg *Config) *insider.Batch {
	b := insider.NewBatch(cfg.SkipHook)
	b.SetErrorCallback(cfg.ErrorCallbackEndpoint)
	return b
}
