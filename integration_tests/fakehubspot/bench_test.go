package fakehubspot_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

var (
	bigOnce sync.Once
	big     *fakehubspot.Server
	bigIDs  []int64
)

// bigHandler is the handler of a fake holding 1,000,000 generated contacts; the fake is built
// once per test binary run.
func bigHandler(b *testing.B) http.Handler {
	b.Helper()
	bigOnce.Do(func() {
		big = fakehubspot.NewUnstarted(fakehubspot.Options{Clock: func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }})
		datagen.Fill(big, datagen.Options{Seed: 7, Count: 1000000})
		bigIDs = big.ContactIDs()
		runtime.GC()
	})
	return big.HTTPServer().Config.Handler
}

func serve(b *testing.B, h http.Handler, method, path string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+pat)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != 200 {
		b.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body.String())
	}
	return w
}

func allProps() []string {
	var names []string
	for _, p := range fakehubspot.DefaultProperties() {
		names = append(names, p.Name)
	}
	return names
}

// BenchmarkSearchPage1M pages through one query over 1M contacts (200 x 42 properties per page),
// as a sync does after the first page of a window.
func BenchmarkSearchPage1M(b *testing.B) {
	h := bigHandler(b)
	req := map[string]any{"limit": 200, "properties": allProps(),
		"sorts": []any{map[string]any{"propertyName": "hs_object_id", "direction": "ASCENDING"}},
		"filterGroups": []any{map[string]any{"filters": []any{
			map[string]any{"propertyName": "lastmodifieddate", "operator": "GTE", "value": "1704067200000"},
			map[string]any{"propertyName": "lastmodifieddate", "operator": "LTE", "value": "1767225600000"},
			map[string]any{"propertyName": "hs_object_id", "operator": "GT", "value": "0"}}}}}
	bodies := make([][]byte, 50)
	for i := range bodies {
		req["after"] = strconv.Itoa(i * 200)
		bodies[i], _ = json.Marshal(req)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		serve(b, h, "POST", "/crm/v3/objects/contacts/search", bodies[i%len(bodies)])
	}
}

// BenchmarkSearchNewQuery1M runs a different query each time (the id filter moves), so every
// call scans the whole id range: the cost of the first page of a window re-start.
func BenchmarkSearchNewQuery1M(b *testing.B) {
	h := bigHandler(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body, _ := json.Marshal(map[string]any{"limit": 200, "properties": []string{"email"},
			"filterGroups": []any{map[string]any{"filters": []any{
				map[string]any{"propertyName": "lastmodifieddate", "operator": "GTE", "value": "1704067200000"},
				map[string]any{"propertyName": "hs_object_id", "operator": "GT", "value": strconv.FormatInt(bigIDs[i%1000], 10)}}}}})
		serve(b, h, "POST", "/crm/v3/objects/contacts/search", body)
	}
}

// BenchmarkList1M reads list pages of 100 at spread-out cursors.
func BenchmarkList1M(b *testing.B) {
	h := bigHandler(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		after := strconv.FormatInt(bigIDs[(i*7919)%len(bigIDs)], 10)
		serve(b, h, "GET", "/crm/v3/objects/contacts?limit=100&properties=email,phone,firstname&after="+after, nil)
	}
}
