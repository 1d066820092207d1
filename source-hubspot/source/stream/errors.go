package stream

import (
	"errors"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// ConfigError is a config error with the message msg, which names the problem and its fix.
func ConfigError(msg string) error {
	return protocol.NewError(protocol.FailureConfig, msg, nil)
}

// IsStatus reports whether err is a HubSpot answer with one of the given statuses.
// A *hubspot.VersionError is not one: its 404 says nothing about the data.
func IsStatus(err error, codes ...int) bool {
	var he *hubspot.APIError
	var ve *hubspot.VersionError
	if errors.As(err, &ve) || !errors.As(err, &he) {
		return false
	}
	for _, c := range codes {
		if he.StatusCode == c {
			return true
		}
	}
	return false
}

// IsDailyLimit reports whether err is HubSpot's daily request limit, or a request the client did
// not send because that limit is down to its reserve (hubspot.DailyReserve). Every later call of
// the run would meet the same answer.
func IsDailyLimit(err error) bool {
	var he *hubspot.APIError
	var de *hubspot.DailyReserveError
	return errors.As(err, &he) && he.IsDailyLimit() || errors.As(err, &de)
}
