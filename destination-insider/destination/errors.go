package destination

import (
	"context"
	"errors"
	"fmt"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/internal/httpx"
	"github.com/insider-hubspot/connectors/protocol"
)

// This file tells Insider's errors of a connection check as user messages; those of a run are
// settle's (settle.FailureMessage).

// checkError is the error of a connection check whose call failed.
func checkError(ctx context.Context, cfg *Config, err error) error {
	var ie *insider.Error
	errors.As(err, &ie)
	switch insider.KindOf(err) {
	case insider.KindAuth:
		return authError(err)
	case insider.KindRedirect, insider.KindNotInsider:
		return protocol.NewError(protocol.FailureConfig, settle.FailureMessage(protocol.FailureConfig, err, cfg.APIBaseURL), err)
	case insider.KindTooLarge, insider.KindRefused, insider.KindUnavailable:
		if ie.Status >= 400 {
			return protocol.NewError(protocol.FailureConfig, fmt.Sprintf(
				"Insider answered HTTP %d to the connection check: check api_base_url (%s) and partner_name", ie.Status, cfg.APIBaseURL), err)
		}
	case insider.KindTemporary:
		if ctx.Err() == nil && ie != nil && ie.Status > 0 {
			return protocol.NewError(protocol.FailureTransient, "Insider is not available right now (HTTP "+fmt.Sprint(ie.Status)+"); try again later", err)
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if f, ok := httpx.Describe(err, "api_base_url"); ok {
		return protocol.NewError(protocol.FailureConfig, fmt.Sprintf("could not reach Insider at api_base_url %s: %s", cfg.APIBaseURL, f), err)
	}
	return protocol.NewError(protocol.FailureConfig, fmt.Sprintf(
		"could not reach Insider at api_base_url %s: check the URL and that this network can reach it", cfg.APIBaseURL), err)
}

// authError is the user-facing error for a refused partner name or key.
func authError(err error) error {
	return protocol.NewError(protocol.FailureConfig, settle.AuthMessage(err), err)
}
