package fakehubspot

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
)

// errorBody is HubSpot's error shape (https://developers.hubspot.com/docs/api-reference/error-handling): status, message, correlationId and
// category, with optional errors, context and links.
type errorBody struct {
	Status        string              `json:"status"`
	Message       string              `json:"message"`
	CorrelationID string              `json:"correlationId"`
	Category      string              `json:"category,omitempty"`
	SubCategory   string              `json:"subCategory,omitempty"`
	Errors        []errorDetail       `json:"errors,omitempty"`
	Context       map[string][]string `json:"context,omitempty"`
	Links         map[string]string   `json:"links,omitempty"`
}

type errorDetail struct {
	Message string              `json:"message"`
	Code    string              `json:"code,omitempty"`
	Context map[string][]string `json:"context,omitempty"`
}

// rateLimitBody is the 429 shape (HubSpot's usage guidelines): errorType and policyName, not category.
type rateLimitBody struct {
	Status        string `json:"status"`
	Message       string `json:"message"`
	ErrorType     string `json:"errorType"`
	CorrelationID string `json:"correlationId"`
	PolicyName    string `json:"policyName"`
	RequestID     string `json:"requestId"`
}

// Rate-limit policy names HubSpot puts in 429 bodies.
const (
	PolicySecondly    = "SECONDLY"
	PolicyTenSecondly = "TEN_SECONDLY_ROLLING"
	PolicyDaily       = "DAILY"
)

var correlationSeq atomic.Uint64

// newCorrelationID returns a UUID-shaped id, deterministic per process order.
func newCorrelationID() string {
	n := correlationSeq.Add(1)
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", uint32(n*2654435761), n&0xffff, n&0xfff, (n>>12)&0xfff, n)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, status int, category, message string) {
	writeJSON(w, status, errorBody{Status: "error", Message: message, CorrelationID: newCorrelationID(), Category: category})
}

func writeValidation(w http.ResponseWriter, message string) {
	writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", message)
}

func writeRateLimited(w http.ResponseWriter, policy string) {
	msg := map[string]string{
		PolicySecondly:    "You have reached your secondly limit.",
		PolicyTenSecondly: "You have reached your ten_secondly_rolling limit.",
		PolicyDaily:       "You have reached your daily limit.",
	}[policy]
	writeJSON(w, http.StatusTooManyRequests, rateLimitBody{Status: "error", Message: msg, ErrorType: "RATE_LIMIT",
		CorrelationID: newCorrelationID(), PolicyName: policy, RequestID: newCorrelationID()})
}

// writeMissingScopes answers 403 the way HubSpot does for a token without a required scope.
func writeMissingScopes(w http.ResponseWriter, scope string) {
	writeJSON(w, http.StatusForbidden, errorBody{
		Status: "error",
		Message: "This app hasn't been granted all required scopes to make this call. " +
			"Read more about required scopes here: https://developers.hubspot.com/scopes.",
		CorrelationID: newCorrelationID(),
		Category:      "MISSING_SCOPES",
		Errors: []errorDetail{{Message: "One or more of the following scopes are required.",
			Context: map[string][]string{"requiredGranularScopes": {scope}}}},
		Links: map[string]string{"scopes": "https://developers.hubspot.com/scopes"},
	})
}

// writeServerError answers a 5xx with a HubSpot-style body.
func writeServerError(w http.ResponseWriter, status int) {
	msg := map[int]string{
		http.StatusBadGateway:         "Bad Gateway",
		http.StatusServiceUnavailable: "Service Unavailable",
		http.StatusGatewayTimeout:     "Gateway Timeout",
	}[status]
	if msg == "" {
		msg = "internal error"
	}
	writeError(w, status, "", msg)
}

// MaxURLLength is the longest request URI (path and query) the fake accepts. HubSpot refuses
// URLs over "about 16 KB" (public connectors saw 414 "URI too long", e.g. PostHog/posthog#31617, and
// chunk property lists at 15,000 characters or less). The exact limit is a guess.
const MaxURLLength = 16 * 1024

// writeURITooLong answers 414. Guess: the limit is enforced by HubSpot's edge in front of the
// API, so the body is an HTML page, not HubSpot's JSON error shape (not confirmed).
func writeURITooLong(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusRequestURITooLong)
	_, _ = w.Write([]byte("<html><head><title>414 Request-URI Too Large</title></head><body><center><h1>414 Request-URI Too Large</h1></center></body></html>\n"))
}
