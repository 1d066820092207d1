package insider

import (
	"errors"
	"net/http"
	"strings"
)

// Auth is what an authentication refusal points at.
type Auth uint8

// Causes of an authentication refusal.
const (
	AuthNone    Auth = iota // not an authentication refusal
	AuthPartner             // 400 "Partner is invalid.": X-PARTNER-NAME names no account
	AuthKey                 // 401 ("Bad Api Key.", "Partner token authentication failed."): X-REQUEST-TOKEN is refused
	AuthAccess              // 403 Access Denied: the key lacks this API (package, IP allow-list)
)

// partnerInvalid is the message of Insider's answer to an unknown partner
// name: 400 {"success":false,"message":"Partner is invalid."}.
const partnerInvalid = "partner is invalid"

// AuthCause classifies err as one of Insider's authentication refusals.
func AuthCause(err error) Auth {
	var ae *APIError
	if !errors.As(err, &ae) {
		return AuthNone
	}
	switch ae.StatusCode {
	case http.StatusUnauthorized:
		return AuthKey
	case http.StatusForbidden:
		return AuthAccess
	case http.StatusBadRequest:
		if strings.Contains(strings.ToLower(ae.Body), partnerInvalid) {
			return AuthPartner
		}
	}
	return AuthNone
}
