package source

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
)

// manyProperties is the default catalog plus n custom properties with long names, and a
// contact value for each.
func manyProperties(n int) ([]fakehubspot.Property, map[string]string) {
	props := fakehubspot.DefaultProperties()
	values := map[string]string{}
	for i := range n {
		name := fmt.Sprintf("custom_property_with_a_rather_long_descriptive_name_%04d", i)
		props = append(props, fakehubspot.Property{Name: name, Label: name, Type: "string", FieldType: "text"})
		values[name] = fmt.Sprintf("v%d", i)
	}
	return props, values
}

// TestEveryRequestFitsHubSpotsURLLimit: with 1,200 long custom properties (about 70 KB of
// names) every read mode works and no request URL passes the fake's 16 KB limit, which answers
// 414 as HubSpot does.
func TestEveryRequestFitsHubSpotsURLLimit(t *testing.T) {
	props, values := manyProperties(1200)
	for _, tc := range []struct {
		name   string
		target map[string]any
		mode   protocol.SyncMode
		want   int
	}{
		{"get_contact by id", map[string]any{"mode": "get_contact", "contact_id": "7"}, protocol.SyncModeIncremental, 1},
		{"get_contact by email", map[string]any{"mode": "get_contact", "contact_id": "c7@example.com", "id_property": "email"},
			protocol.SyncModeIncremental, 1},
		{"incremental", nil, protocol.SyncModeIncremental, 30},
		{"full refresh", nil, protocol.SyncModeFullRefresh, 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, srv := sharedEnv(t, fakehubspot.Options{Properties: props})
			for i := 1; i <= 30; i++ {
				v := map[string]string{"email": fmt.Sprintf("c%d@example.com", i)}
				for k, x := range values {
					v[k] = x
				}
				srv.AddContacts(fakehubspot.Contact{ID: int64(i), UpdatedAt: t0.Add(-time.Hour), Properties: v})
			}
			if tc.target != nil {
				e.cfg["sync_target"] = tc.target
			}
			cat := e.catalog(tc.mode, "contacts")
			res := e.read(cat, nil)
			if res.code != 0 {
				t.Fatalf("exit %d: %v", res.code, res.traceErrors())
			}
			recs := res.records("contacts")
			if len(recs) != tc.want {
				t.Fatalf("%d records, want %d", len(recs), tc.want)
			}
			if got := string(recs[0]); !strings.Contains(got, `"custom_property_with_a_rather_long_descriptive_name_1199":"v1199"`) {
				t.Errorf("record lacks the last custom property: %.300s...", got)
			}
			if n := srv.StatusCount(http.StatusRequestURITooLong); n != 0 {
				t.Errorf("%d requests refused with 414", n)
			}
			for _, r := range srv.Requests() {
				if n := len(r.Path) + 1 + len(r.Query); n > fakehubspot.MaxURLLength {
					t.Errorf("%s %s with a %d-byte URL", r.Method, r.Path, n)
				}
			}
		})
	}
}
