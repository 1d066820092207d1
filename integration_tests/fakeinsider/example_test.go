package fakeinsider_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// One upsert with a valid and an invalid user, then a look at the stored profile.
func Example() {
	srv := fakeinsider.New(fakeinsider.Options{PartnerName: "mybrand", APIKey: "k"})
	defer srv.Close()
	body := `{"users":[{"identifiers":{"email":"a@b.com"},"attributes":{"name":"Ann"}},` +
		`{"identifiers":{"phone_number":"12345"},"attributes":{"name":"Bob"}}]}`
	req, _ := http.NewRequest("POST", srv.URL+"/api/user/v1/upsert", strings.NewReader(body))
	req.Header.Set("X-PARTNER-NAME", "mybrand")
	req.Header.Set("X-REQUEST-TOKEN", "k")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	fmt.Println(res.StatusCode, string(out))
	p, _ := srv.FindByEmail("a@b.com")
	fmt.Println(p.Attributes["name"], srv.UsersRejected())
	// Output:
	// 200 {"data":{"successful":{"count":1},"fail":{"count":1,"errors":{"users.1.identifiers.*.regexp(^\\+[1-9]\\d{6,14}$)":["user has an invalid phone number: 12345"]}}}}
	// Ann 1
}
