package fakeinsider_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// BenchmarkUpsert1000 sends full batches of 1,000 new users with one event each.
func BenchmarkUpsert1000(b *testing.B) {
	s := fakeinsider.NewUnstarted(fakeinsider.Options{})
	h := s.HTTPServer().Config.Handler
	bodies := make([][]byte, 20)
	for k := range bodies {
		us := make([]map[string]any, 1000)
		for i := range us {
			us[i] = map[string]any{"identifiers": map[string]any{"email": fmt.Sprintf("u%d.%d@example.com", k, i)},
				"attributes": map[string]any{"name": "N", "custom": map[string]any{"lifecycle_stage": "lead"}},
				"events":     []any{map[string]any{"event_name": "newsletter_signup", "timestamp": "2025-01-01T00:00:00Z"}}}
		}
		bodies[k], _ = json.Marshal(map[string]any{"users": us})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("POST", "/api/user/v1/upsert", bytes.NewReader(bodies[i%len(bodies)]))
		req.Header.Set("X-PARTNER-NAME", "testpartner")
		req.Header.Set("X-REQUEST-TOKEN", "test-api-key")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}
