package hubspot

import (
	"context"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// JournalScopes are the scopes the journal client asks the client-credentials grant for: reading
// the journal, reading and writing subscriptions, and reading contacts, the object type
// subscribed to (https://developers.hubspot.com/docs/api-reference/latest/webhooks-journal/guide,
// "Authentication and scopes").
var JournalScopes = []string{
	"developer.webhooks_journal.read",
	"developer.webhooks_journal.subscriptions.read",
	"developer.webhooks_journal.subscriptions.write",
	"crm.objects.contacts.read",
}

// appTokenSource obtains the app's token with the client-credentials grant at the OAuth token
// endpoint (every parameter in the form body), renews it before it expires, and once after a
// 401 (tokenCache). Safe for concurrent use.
type appTokenSource struct {
	tokenCache
	conf   *clientcredentials.Config
	client *http.Client // for the token endpoint: retry and limit, no auth
	scopes []string     // granted with the last token, nil when the answer did not say; guarded by mu
}

func newAppTokenSource(tokenURL, clientID, clientSecret string, client *http.Client, now func() time.Time, onToken func(string)) *appTokenSource {
	return &appTokenSource{
		tokenCache: tokenCache{now: now, onToken: onToken},
		conf: &clientcredentials.Config{ClientID: clientID, ClientSecret: clientSecret, TokenURL: tokenURL,
			Scopes: JournalScopes, AuthStyle: oauth2.AuthStyleInParams},
		client: client,
	}
}

// Token returns the current app token, asking for a new one when it is near expiry or was
// rejected.
func (s *appTokenSource) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if tok, ok := s.current(); ok {
		return tok, nil
	}
	tok, err := s.conf.Token(context.WithValue(ctx, oauth2.HTTPClient, s.client))
	if err != nil {
		return "", tokenError(err, s.conf.TokenURL)
	}
	s.keep(tok)
	if s.scopes = grantedScopes(tok.Extra("scopes")); s.scopes == nil {
		s.scopes = grantedScopes(tok.Extra("scope"))
	}
	return s.access, nil
}

// granted returns the scopes granted with the current token (nil when the answer did not list
// them).
func (s *appTokenSource) granted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.scopes
}

// grantedScopes reads a token answer's "scopes": a JSON array (HubSpot's answers since
// https://developers.hubspot.com/changelog/additional-details-returned-when-generating-oauth-access-tokens)
// or RFC 6749's space-separated "scope" string.
func grantedScopes(v any) []string {
	switch x := v.(type) {
	case []any:
		out := make([]string, 0, len(x))
		for _, s := range x {
			if str, ok := s.(string); ok {
				out = append(out, str)
			}
		}
		return out
	case string:
		return strings.Fields(x)
	}
	return nil
}
