package hubspot_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// A search page is read with SearchContacts; each contact's properties are walked with
// ScanProperties, without building a map.
func Example() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"total":1,"results":[{"id":"101","properties":{"email":"a@b.com","phone":null},
			"createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-02T00:00:00.000Z","archived":false}]}`)
	}))
	defer srv.Close()

	c, err := hubspot.New(hubspot.Config{
		BaseURL:     srv.URL, // loopback, so plain http is allowed
		Credentials: hubspot.Credentials{AccessToken: "pat-na1-example"},
		HTTPClient:  srv.Client(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	page, err := c.SearchContacts(context.Background(), hubspot.SearchRequest{
		Filters:    []hubspot.Filter{{PropertyName: "lastmodifieddate", Operator: "GTE", Value: "1767225600000"}},
		SortBy:     "hs_object_id",
		Properties: []string{"email", "phone"},
		Limit:      200,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("total", page.Total)
	for _, o := range page.Results {
		_ = hubspot.ScanProperties(o.Properties, func(name, value []byte, isNull bool) error {
			fmt.Printf("%s %s=%q null=%v\n", o.ID, name, value, isNull)
			return nil
		})
	}
	// Output:
	// total 1
	// 101 email="a@b.com" null=false
	// 101 phone="" null=true
}
