package urlpolicy_test

import (
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/internal/urlpolicy"
)

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://hooks.slack.com/services/x", true},
		{"http://127.0.0.1:8080/x", true},
		{"http://localhost:1/x", true},
		{"http://[::1]:1/x", true},
		{"http://example.com/x", false},
		{"ftp://example.com", false},
		{"not a url", false},
		{"", false},
	} {
		err := urlpolicy.Check("alert_webhook_url", tc.url)
		if (err == nil) != tc.ok {
			t.Errorf("Check(%q) = %v, want ok=%v", tc.url, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "alert_webhook_url") {
			t.Errorf("error %q does not name the field", err)
		}
	}
}
