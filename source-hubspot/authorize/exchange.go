package authorize

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/insider-hubspot/connectors/internal/redact"
)

// maxTokenAnswer bounds the token endpoint's answer that is read.
const maxTokenAnswer = 1 << 20

// tokenAnswer is the token endpoint's answer to an authorization code: the tokens, the portal
// and the granted scopes (hub_id and scopes are optional in HubSpot's 2026-03 schema), or the
// RFC 6749 error fields with HubSpot's legacy status and message.
type tokenAnswer struct {
	AccessToken      string          `json:"access_token"`
	RefreshToken     string          `json:"refresh_token"`
	HubID            json.RawMessage `json:"hub_id"`
	Scopes           json.RawMessage `json:"scopes"`
	Error            string          `json:"error"`
	ErrorDescription string          `json:"error_description"`
	Status           string          `json:"status"`
	Message          string          `json:"message"`
}

// exchanger trades an authorization code for tokens at HubSpot's token endpoint.
type exchanger struct {
	client   *http.Client
	tokenURL string
	clientID string
	secret   string
	redirect string
	red      *redact.Redactor
	// fix says where the client secret came from, for the message when HubSpot refuses it.
	fix string
}

// exchange posts the authorization-code grant with every parameter in the form body (HubSpot
// takes none in the query) and returns the tokens or an error that says what to do.
func (e *exchanger) exchange(ctx context.Context, code string) (tokenAnswer, error) {
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"client_id":     {e.clientID},
		"client_secret": {e.secret},
		"redirect_uri":  {e.redirect},
		"code":          {code},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return tokenAnswer{}, fmt.Errorf("build the token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	res, err := e.client.Do(req)
	if err != nil {
		return tokenAnswer{}, fmt.Errorf("call HubSpot's token endpoint: %w", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxTokenAnswer))
	if err != nil {
		return tokenAnswer{}, fmt.Errorf("read the token endpoint's answer (HTTP %d): %w", res.StatusCode, err)
	}
	var ans tokenAnswer
	jsonErr := json.Unmarshal(body, &ans)
	e.red.Add(ans.AccessToken)
	e.red.Add(ans.RefreshToken)
	if res.StatusCode == http.StatusOK && jsonErr == nil && ans.RefreshToken != "" {
		return ans, nil
	}
	return tokenAnswer{}, e.refusal(res.StatusCode, ans, body)
}

// refusal explains a token endpoint answer that holds no refresh token.
func (e *exchanger) refusal(status int, ans tokenAnswer, body []byte) error {
	detail := strings.TrimSpace(strings.Join([]string{ans.Error, ans.Status}, " "))
	msg := ans.ErrorDescription
	if msg == "" {
		msg = ans.Message
	}
	what := fmt.Sprintf("HTTP %d", status)
	if detail != "" {
		what += " " + detail
	}
	if msg != "" {
		what += ": " + msg
	}
	switch {
	case status == http.StatusOK:
		return fmt.Errorf("HubSpot's token endpoint answered without a refresh token (%s)", e.red.Excerpt(body, 200))
	case ans.Error == "invalid_client" || ans.Status == "BAD_CLIENT_ID" || ans.Status == "BAD_CLIENT_SECRET":
		return fmt.Errorf("HubSpot refused the app's client ID or secret (%s): copy both again from the Auth tab of your HubSpot app (%s), then run the command again", what, e.fix)
	case status == http.StatusTooManyRequests || status >= 500:
		return fmt.Errorf("HubSpot's token endpoint is unavailable (%s): nothing was written; run the command again in a few minutes", what)
	case ans.Error == "invalid_grant":
		return fmt.Errorf("HubSpot refused the authorization code (%s): it expired or was used already, or the redirect URL differs from the consent's; run the command again", what)
	case ans.Error != "" || ans.Message != "":
		return fmt.Errorf("HubSpot refused the authorization-code grant (%s)", what)
	case status == http.StatusNotFound:
		return fmt.Errorf("the token endpoint %s does not exist (HTTP 404): check --api-base-url or --token-url", e.red.Redact(e.tokenURL))
	}
	return fmt.Errorf("HubSpot's token endpoint answered HTTP %d: %s", status, e.red.Excerpt(body, 200))
}

// granted returns the scopes of a token answer: an array of strings or one space-separated
// string (HubSpot's schema names the field without fixing its type), nil when absent.
func (a tokenAnswer) granted() []string {
	var list []string
	if json.Unmarshal(a.Scopes, &list) == nil {
		return list
	}
	var s string
	if json.Unmarshal(a.Scopes, &s) == nil {
		return strings.Fields(s)
	}
	return nil
}

// hubID returns the portal id of a token answer, "" when absent.
func (a tokenAnswer) hubID() string {
	return strings.Trim(string(a.HubID), `"`)
}
