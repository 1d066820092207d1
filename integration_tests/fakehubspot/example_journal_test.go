package fakehubspot_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// A contact erased after the app subscribed to the portal's contacts, read back from the
// webhooks journal: an app token from the client-credentials grant, a subscription, the journal's
// latest entry and its pre-signed download (fetched without an Authorization header).
func Example_journal() {
	at := time.Date(2026, 1, 2, 3, 4, 5, 678e6, time.UTC)
	srv := fakehubspot.New(fakehubspot.Options{Clock: func() time.Time { return at }})
	defer srv.Close()
	srv.AddContacts(fakehubspot.Contact{ID: 101, Properties: map[string]string{"email": "a@b.com"}})

	call := func(method, path, token, body string) []byte {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return []byte(err.Error())
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return b
	}
	scopes := "developer.webhooks_journal.read developer.webhooks_journal.subscriptions.write crm.objects.contacts.read"
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"test-client-id"},
		"client_secret": {"test-client-secret"}, "scope": {scopes}}
	res, err := http.Post(srv.URL+"/oauth/2026-03/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		fmt.Println(err)
		return
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()

	call("POST", "/webhooks-journal/subscriptions/2026-03", tok.AccessToken,
		`{"subscriptionType":"OBJECT","portalId":123456,"objectTypeId":"0-1","actions":["DELETE","MERGE","RESTORE"]}`)
	_ = srv.PermanentlyDeleteContact(101, at)

	var ref struct {
		URL string `json:"url"`
	}
	_ = json.Unmarshal(call("GET", "/webhooks-journal/journal-local/2026-03/latest", tok.AccessToken, ""), &ref)
	fmt.Println(string(call("GET", strings.TrimPrefix(ref.URL, srv.URL), "", "")))
	// Output:
	// {"offset":"00000000-0001-7240-801e-019b7ca98f2e","journalEvents":[{"type":"OBJECT","portalId":123456,"occurredAt":"2026-01-02T03:04:05.678Z","objectTypeId":"0-1","objectId":101,"action":"DELETE"}],"publishedAt":"2026-01-02T03:04:05.678Z"}
}
