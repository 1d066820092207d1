package fakehubspot_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// A MANUAL and a DYNAMIC contact list, read the way a reader of HubSpot's Lists API does: a list
// search, then each list's memberships page by page.
func Example_lists() {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	srv := fakehubspot.New(fakehubspot.Options{Clock: func() time.Time { return at }})
	defer srv.Close()
	srv.AddContacts(
		fakehubspot.Contact{ID: 101, Properties: map[string]string{"lifecyclestage": "customer"}},
		fakehubspot.Contact{ID: 102, Properties: map[string]string{"lifecyclestage": "lead"}},
	)
	news, err := srv.CreateList(fakehubspot.ListSpec{Name: "Newsletter", Members: []int64{101, 102}})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := srv.CreateList(fakehubspot.ListSpec{Name: "Customers", ProcessingType: fakehubspot.ListDynamic,
		Filter: []fakehubspot.ListCondition{{Property: "lifecyclestage", Value: "customer"}}}); err != nil {
		fmt.Println(err)
		return
	}
	// Contact 102 becomes a customer an hour later: the DYNAMIC list gains it, stamped then.
	if err := srv.UpdateContact(102, at.Add(time.Hour), map[string]string{"lifecyclestage": "customer"}); err != nil {
		fmt.Println(err)
		return
	}

	call := func(method, path, body string) []byte {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer pat-na1-test-token")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return b
	}
	fmt.Println(string(call("POST", "/crm/lists/2026-03/search", `{"objectTypeId":"0-1","count":500,"offset":0}`)))

	after := ""
	for {
		var page struct {
			Results []struct{ RecordID, MembershipTimestamp string }
			Paging  *struct{ Next struct{ After string } }
			Total   int
		}
		if err := json.Unmarshal(call("GET", "/crm/lists/2026-03/"+news+"/memberships?limit=1"+after, ""), &page); err != nil {
			fmt.Println(err)
			return
		}
		for _, m := range page.Results {
			fmt.Println(m.RecordID, m.MembershipTimestamp, "of", page.Total)
		}
		if page.Paging == nil {
			break
		}
		after = "&after=" + page.Paging.Next.After // an opaque token, not a record id
	}
	// Output:
	// {"lists":[{"listId":"1","listVersion":1,"name":"Newsletter","objectTypeId":"0-1","processingStatus":"COMPLETE","processingType":"MANUAL","createdAt":"2026-03-01T09:00:00.000Z","updatedAt":"2026-03-01T09:00:00.000Z","filtersUpdatedAt":"2026-03-01T09:00:00.000Z","additionalProperties":{"hs_last_record_added_at":"1772355600000","hs_list_reference_count":"0","hs_list_size":"2"}},{"listId":"2","listVersion":1,"name":"Customers","objectTypeId":"0-1","processingStatus":"COMPLETE","processingType":"DYNAMIC","createdAt":"2026-03-01T09:00:00.000Z","updatedAt":"2026-03-01T10:00:00.000Z","filtersUpdatedAt":"2026-03-01T09:00:00.000Z","additionalProperties":{"hs_last_record_added_at":"1772359200000","hs_list_reference_count":"0","hs_list_size":"2"}}],"hasMore":false,"offset":2,"total":2}
	// 101 2026-03-01T09:00:00.000Z of 2
	// 102 2026-03-01T09:00:00.000Z of 2
}
