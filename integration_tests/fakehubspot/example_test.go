package fakehubspot_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// A fake with two contacts, searched with the private-app token.
func Example() {
	srv := fakehubspot.New(fakehubspot.Options{})
	defer srv.Close()
	at := time.Date(2026, 1, 2, 3, 4, 5, 678e6, time.UTC)
	srv.AddContacts(
		fakehubspot.Contact{ID: 101, CreatedAt: at, UpdatedAt: at, Properties: map[string]string{"email": "a@b.com"}},
		fakehubspot.Contact{ID: 102, CreatedAt: at, UpdatedAt: at.Add(time.Hour)},
	)
	body := `{"filterGroups":[{"filters":[{"propertyName":"lastmodifieddate","operator":"GT","value":"1767323045678"}]}],` +
		`"properties":["email"],"limit":200}`
	req, _ := http.NewRequest("POST", srv.URL+"/crm/v3/objects/contacts/search", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer pat-na1-test-token")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	fmt.Println(res.StatusCode, string(out))
	// Output:
	// 200 {"total":1,"results":[{"id":"102","properties":{"email":null,"hs_object_id":"102","createdate":"2026-01-02T03:04:05.678Z","lastmodifieddate":"2026-01-02T04:04:05.678Z"},"createdAt":"2026-01-02T03:04:05.678Z","updatedAt":"2026-01-02T04:04:05.678Z","archived":false}]}
}
