package hubspot

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/insider-hubspot/connectors/internal/httpx"
)

// Credentials are either a static bearer token (private app or service key) or an OAuth refresh
// token with its client id and secret.
type Credentials struct {
	// AccessToken is a static bearer token; when set the OAuth fields are ignored.
	AccessToken string
	// ClientID, ClientSecret and RefreshToken drive the OAuth refresh-token flow.
	ClientID, ClientSecret, RefreshToken string
}

// OAuth reports whether the credentials use the refresh-token flow.
func (c Credentials) OAuth() bool { return c.AccessToken == "" }

// tokenSource hands out access tokens. Safe for concurrent use.
type tokenSource interface {
	// Token returns a token valid for at least a short while.
	Token(ctx context.Context) (string, error)
	// Rejected tells the source HubSpot answered 401 to tok. It reports whether a fresh token can
	// be tried, and whether tok had already been replaced by another caller's refresh (so trying
	// the current token costs no refresh of this caller's own).
	Rejected(tok string) (retry, replaced bool)
}

// staticToken is a private-app or service-key token: nothing to refresh.
type staticToken string

func (s staticToken) Token(context.Context) (string, error)  { return string(s), nil }
func (s staticToken) Rejected(string) (retry, replaced bool) { return false, false }

// defaultTokenLifetime is used when the token endpoint gives no expires_in (HubSpot: 30 minutes).
const defaultTokenLifetime = 30 * time.Minute

// tokenCache is what a token source that asks a token endpoint keeps: the current token, when to
// renew it (at 80% of its lifetime, measured with the injected clock), and the last token
// HubSpot answered 401 to. Its owner's Token holds mu around current and keep.
type tokenCache struct {
	now     func() time.Time
	onToken func(string)

	mu       sync.Mutex
	access   string
	renewAt  time.Time
	rejected string // the last token HubSpot answered 401 to
}

// current returns the token while it is neither near expiry nor rejected. Caller holds mu.
func (c *tokenCache) current() (string, bool) {
	return c.access, c.access != "" && c.access != c.rejected && c.now().Before(c.renewAt)
}

// keep makes tok the current token. Caller holds mu.
func (c *tokenCache) keep(tok *oauth2.Token) {
	if c.onToken != nil {
		c.onToken(tok.AccessToken)
	}
	life := defaultTokenLifetime
	if !tok.Expiry.IsZero() {
		life = time.Until(tok.Expiry)
	}
	c.access, c.renewAt = tok.AccessToken, c.now().Add(life*4/5)
}

// Rejected marks tok as refused, so the next Token call asks for a new one unless another
// caller already did. A new token can always be asked for.
func (c *tokenCache) Rejected(tok string) (retry, replaced bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.access != tok {
		return true, true
	}
	c.rejected = tok
	return true, false
}

// oauthSource refreshes the access token with the refresh token: before it expires and once
// after a 401 (tokenCache).
type oauthSource struct {
	tokenCache
	conf    *oauth2.Config
	client  *http.Client // for the token endpoint: retry and limit, no auth
	refresh string       // guarded by mu
}

func newOAuthSource(tokenURL string, c Credentials, client *http.Client, now func() time.Time, onToken func(string)) *oauthSource {
	return &oauthSource{
		tokenCache: tokenCache{now: now, onToken: onToken},
		conf: &oauth2.Config{
			ClientID:     c.ClientID,
			ClientSecret: c.ClientSecret,
			Endpoint:     oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams},
		},
		client:  client,
		refresh: c.RefreshToken,
	}
}

// Token returns the current access token, refreshing it when it is near expiry or was rejected.
func (s *oauthSource) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if tok, ok := s.current(); ok {
		return tok, nil
	}
	octx := context.WithValue(ctx, oauth2.HTTPClient, s.client)
	tok, err := s.conf.TokenSource(octx, &oauth2.Token{RefreshToken: s.refresh}).Token()
	if err != nil {
		return "", tokenError(err, s.conf.Endpoint.TokenURL)
	}
	s.keep(tok)
	if tok.RefreshToken != "" {
		s.refresh = tok.RefreshToken
	}
	return s.access, nil
}

// tokenError turns a token endpoint failure into an *AuthError when HubSpot refused the grant or
// no token endpoint answered, into an *APIError for a 429 or 5xx that outlived the retries, and
// keeps other failures (network) as they are. It reads the RFC 6749 error fields (error,
// error_description) and HubSpot's legacy ones (status, message); HubSpot sends both.
func tokenError(err error, tokenURL string) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		return err
	}
	code := re.Response.StatusCode
	var body struct {
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
		Status           string `json:"status"`
		Message          string `json:"message"`
	}
	_ = json.Unmarshal(re.Body, &body)
	if code >= 500 || code == http.StatusTooManyRequests {
		path := TokenPath
		if u, perr := url.Parse(tokenURL); perr == nil {
			path = u.Path
		}
		return &APIError{StatusCode: code, Method: http.MethodPost, Path: path, Message: body.Message}
	}
	ae := &AuthError{StatusCode: code, Code: body.Error, Message: body.ErrorDescription, URL: tokenURL, Err: err}
	if ae.Code == "" {
		ae.Code = re.ErrorCode
	}
	if body.Status != "" && body.Status != "error" {
		ae.Status = body.Status
	}
	if ae.Message == "" {
		ae.Message = body.Message
	}
	// Keep the oauth2 error (which quotes the body) out of user-facing text; Err is internal.
	return ae
}

// authTransport adds the bearer token to requests for host (the base URL's), and to no other:
// a redirect the injected client follows elsewhere goes without it. See transport.go for its
// place in the stack.
type authTransport struct {
	next   http.RoundTripper
	host   string
	tokens tokenSource
}

// maxAuthTries bounds the sends of one request through authTransport: the first, the replay after
// this request's own refresh, and one replay with a token another caller refreshed meanwhile.
const maxAuthTries = 3

// RoundTrip sends req with a bearer token. On a 401 it refreshes once and replays; a 401 to a token
// another caller had already replaced (concurrent readers, a token expiring mid-run) is replayed
// with the current token without counting as this request's refresh.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != t.host {
		return t.next.RoundTrip(req)
	}
	refreshed := false
	for try := 1; ; try++ {
		tok, err := t.tokens.Token(req.Context())
		if err != nil {
			return nil, err
		}
		r, err := httpx.Rewind(req)
		if err != nil {
			return nil, err
		}
		r.Header.Set("Authorization", "Bearer "+tok)
		resp, err := t.next.RoundTrip(r)
		if err != nil || resp.StatusCode != http.StatusUnauthorized || try >= maxAuthTries {
			return resp, err
		}
		retry, replaced := t.tokens.Rejected(tok)
		if !retry || (!replaced && refreshed) {
			return resp, err
		}
		refreshed = refreshed || !replaced
		httpx.Drain(resp)
	}
}
