package fakehubspot

import (
	"net/http"
	"slices"
)

// EndpointAccount is GET /account-info/<v>/details, for faults and counts.
const EndpointAccount Endpoint = "account_details"

// accountVersions are the versions HubSpot documents the account information API on
// (https://developers.hubspot.com/docs/api-reference/latest/account/account-information/guide):
// 2026-03 and 2027-03-beta. It documents no 2026-09 one, so the fake answers that like any
// unknown path (404).
var accountVersions = []string{"2026-03", "2027-03-beta"}

// accountDetails is HubSpot's account details answer; every member is required in its reference.
type accountDetails struct {
	PortalID              int64    `json:"portalId"`
	AccountType           string   `json:"accountType"`
	TimeZone              string   `json:"timeZone"`
	CompanyCurrency       string   `json:"companyCurrency"`
	AdditionalCurrencies  []string `json:"additionalCurrencies"`
	UTCOffset             string   `json:"utcOffset"`
	UTCOffsetMilliseconds int64    `json:"utcOffsetMilliseconds"`
	UIDomain              string   `json:"uiDomain"`
	DataHostingLocation   string   `json:"dataHostingLocation"`
}

// accountRoutes registers GET /account-info/<v>/details (and the legacy /account-info/v3/details,
// counted in LegacyCalls): the account of the token, {portalId, accountType, timeZone, ...}. OAuth
// user tokens and private-app tokens (service keys) read it, as HubSpot documents for the oauth
// scope; an app token from the client-credentials grant has no account and gets 401 (guessed).
// The values other than portalId are the fake's.
func (s *Server) accountRoutes(mux *http.ServeMux) {
	mux.Handle("GET /account-info/{version}/details", s.wrap(EndpointAccount, false, func(w http.ResponseWriter, r *http.Request) {
		if !slices.Contains(accountVersions, r.PathValue("version")) {
			s.handleUnknown(w, r)
			return
		}
		s.handleAccountDetails(w, r)
	}))
	mux.Handle("GET /account-info/v3/details", s.wrap(EndpointAccount, true, s.handleAccountDetails))
}

func (s *Server) handleAccountDetails(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, accountDetails{PortalID: s.opts.PortalID, AccountType: "STANDARD", TimeZone: "US/Eastern",
		CompanyCurrency: "USD", AdditionalCurrencies: []string{}, UTCOffset: "-05:00", UTCOffsetMilliseconds: -5 * 3600 * 1000,
		UIDomain: "app.hubspot.com", DataHostingLocation: "na1"})
}
