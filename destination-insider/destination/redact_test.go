package destination

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// TestSecretsInErrorBodiesAreRedactedBeforeTheCut has Insider echo the API key in an error
// body, raw at every offset around the 512-byte cut and in encoded forms: no LOG or TRACE may
// hold the key or a prefix of it. Before, the body was cut first and redacted after, so the cut
// left a prefix ("secret-") that no longer matched the key.
func TestSecretsInErrorBodiesAreRedactedBeforeTheCut(t *testing.T) {
	t.Parallel()
	const key = "secret-key" // baseConfig's api_key
	bodies := map[string]string{
		"base64":       `{"message":"bad token ` + base64.StdEncoding.EncodeToString([]byte(key)) + `"}`,
		"basic header": `{"echo":"Authorization: Basic ` + base64.StdEncoding.EncodeToString([]byte("mybrand:"+key)) + `"}`,
		"url escaped":  `{"url":"/x?token=` + url.QueryEscape(key) + `"}`,
	}
	for off := 500; off < 512; off += 3 { // the key straddles the 512-byte cut
		bodies[fmt.Sprintf("raw at %d", off)] = strings.Repeat("x", off) + key + " rest"
	}
	// 422 fails the batch (the body goes into the TRACE); 400 refuses the one user, whose
	// rejection is logged with the body.
	for _, status := range []int{http.StatusUnprocessableEntity, http.StatusBadRequest} {
		for name, body := range bodies {
			t.Run(fmt.Sprintf("%d %s", status, name), func(t *testing.T) {
				t.Parallel()
				checkRedactedBody(t, status, body, key)
			})
		}
	}
}

func checkRedactedBody(t *testing.T, status int, body, key string) {
	f := newInsider(t, fakeinsider.Options{})
	f.AnswerNext(fakeinsider.EndpointUpsert, 100, fakeinsider.Answer{Status: status, Body: body})
	base := f.URL
	r := runCmd(t, "write", baseConfig(base, nil), []string{contact(1), stateLine("contacts", 1)})
	if failed := r.code != 0; failed != (status != http.StatusBadRequest) {
		t.Fatalf("exit %d after HTTP %d", r.code, status)
	}
	var out strings.Builder
	for _, l := range r.logs {
		out.WriteString(l + "\n")
	}
	for _, tr := range r.traces {
		if e, ok := tr["error"].(map[string]any); ok {
			out.WriteString(e["message"].(string) + "\n" + e["internal_message"].(string) + "\n")
		}
	}
	text := out.String()
	if !strings.Contains(text, "*") { // the marker may itself be cut
		t.Errorf("nothing was redacted; the test does not see the body:\n%s", text)
	}
	for _, leak := range []string{key[:6], base64.StdEncoding.EncodeToString([]byte(key))[:8], url.QueryEscape(key)[:6],
		base64.StdEncoding.EncodeToString([]byte("mybrand:" + key))[12:20]} {
		if strings.Contains(text, leak) {
			t.Errorf("output holds %q:\n%s", leak, text)
		}
	}
}
