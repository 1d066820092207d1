package source

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/protocol"
)

// TestSecretsInErrorBodiesAreRedactedBeforeTheCut has HubSpot echo a secret in a body that is
// not its error JSON, raw around the 200-byte cut and in encoded forms: no LOG or TRACE may
// hold the secret or a prefix of it. Before, the body was cut first and redacted after, so a
// cut-off prefix of the secret survived.
func TestSecretsInErrorBodiesAreRedactedBeforeTheCut(t *testing.T) {
	const secret = "refresh-good" // the config's refresh_token
	bodies := map[string]string{
		"base64":      "<html>token " + base64.StdEncoding.EncodeToString([]byte(secret)) + "</html>",
		"basic auth":  "<html>Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("client:"+secret)) + "</html>",
		"url escaped": "<html>/x?t=" + url.QueryEscape(secret+"&") + "</html>",
	}
	for off := 190; off < 200; off += 3 { // the secret straddles the 200-byte cut
		bodies[fmt.Sprintf("raw at %d", off)] = strings.Repeat("x", off) + secret + " rest"
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			e.fake.addContacts(1, 5, t0.Add(-time.Hour))
			cat := e.catalog(protocol.SyncModeIncremental, "contacts")
			e.fake.failFirst(pathSearch, 1, http.StatusBadRequest, nil, body)
			res := e.read(cat, searchState())
			if res.code == 0 {
				t.Fatal("the read succeeded")
			}
			var out strings.Builder
			for _, m := range res.msgs {
				switch {
				case m.Log != nil:
					out.WriteString(m.Log.Message + "\n")
				case m.Trace != nil && m.Trace.Error != nil:
					out.WriteString(m.Trace.Error.Message + "\n" + m.Trace.Error.InternalMessage + "\n")
				}
			}
			text := out.String()
			if !strings.Contains(text, "*") { // the marker may itself be cut
				t.Errorf("nothing was redacted; the test does not see the body:\n%s", text)
			}
			for _, leak := range []string{secret[:6], base64.StdEncoding.EncodeToString([]byte(secret))[:8],
				base64.StdEncoding.EncodeToString([]byte("client:" + secret))[12:20]} {
				if strings.Contains(text, leak) {
					t.Errorf("output holds %q:\n%s", leak, text)
				}
			}
		})
	}
}
