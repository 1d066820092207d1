package authorize

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"net/http"
	"sync"

	"github.com/insider-hubspot/connectors/internal/redact"
)

// outcome is what the redirect brought: tokens, or why there are none.
type outcome struct {
	tok tokenAnswer
	err error
}

// newState returns a random state value: 32 bytes, URL-safe base64.
func newState() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make a random state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// DeniedError is HubSpot's redirect with an error instead of a code: the user declined, or
// HubSpot refused the install (RFC 6749 section 4.1.2.1).
type DeniedError struct {
	// Code and Description are the redirect's error and error_description.
	Code, Description string
}

// Error says what HubSpot sent and what to do.
func (e *DeniedError) Error() string {
	msg := "HubSpot did not authorize the app (" + e.Code
	if e.Description != "" {
		msg += ": " + e.Description
	}
	msg += ")"
	if e.Code == "access_denied" {
		return msg + ": the install was declined; run the command again and click Connect app"
	}
	return msg + ": check that the app's scopes and redirect URLs are those of source-hubspot/hubspot-app, then run the command again"
}

// callbackHandler serves the redirect URL's path. A request whose state is not this run's is
// answered 400 and otherwise ignored (a stale tab or a forged request: the flow goes on). The
// first request with the right state ends the flow: its error, or the code exchanged for tokens,
// goes to done (buffered, one value), and the browser page says how it went. Every text it
// shows is redacted with red.
func callbackHandler(ctx context.Context, state string, red *redact.Redactor, warn func(string),
	exchange func(ctx context.Context, code string) (tokenAnswer, error), done chan<- outcome) http.Handler {
	var (
		mu       sync.Mutex
		finished bool
	)
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+CallbackPath, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
			warn("ignored a request to the redirect URL with another state (a browser tab of an earlier run, or a forged request); open the URL above")
			page(w, http.StatusBadRequest, "This answer does not belong to the authorization that is running (its state differs). Open the URL the terminal shows.")
			return
		}
		mu.Lock()
		again := finished
		finished = true
		mu.Unlock()
		if again {
			page(w, http.StatusConflict, "This authorization is already handled; the terminal shows the result.")
			return
		}
		red.Add(q.Get("code"))
		var out outcome
		switch {
		case q.Get("error") != "":
			out.err = &DeniedError{Code: q.Get("error"), Description: q.Get("error_description")}
		case q.Get("code") == "":
			out.err = errors.New("HubSpot redirected back without a code or an error; run the command again")
		default:
			out.tok, out.err = exchange(ctx, q.Get("code"))
		}
		if out.err != nil {
			page(w, http.StatusBadRequest, "The authorization failed: "+red.Redact(out.err.Error()))
		} else {
			page(w, http.StatusOK, "HubSpot authorized the app. You can close this tab; the terminal shows where the credentials are.")
		}
		done <- out
	})
	return mux
}

// page answers the browser with a one-paragraph HTML page.
func page(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html><html><head><meta charset=\"utf-8\"><title>source-hubspot authorize</title></head>"+
		"<body><p>%s</p></body></html>\n", html.EscapeString(text))
}
