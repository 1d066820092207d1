package httpx

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/internal/httpx/httpxtest"
)

// TestDescribeRealFailures provokes each transport failure for real and checks that Describe
// names its cause, says what to do, and classes it as lasting or not.
func TestDescribeRealFailures(t *testing.T) {
	t.Parallel()
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer tlsSrv.Close()
	plain := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer plain.Close()

	trusting := tlsSrv.Client() // trusts the test server's certificate
	type failure struct {
		name    string
		client  *http.Client
		url     string
		cause   string
		lasting bool
	}
	cases := []failure{
		{"certificate for another host", trusting, strings.Replace(tlsSrv.URL, "127.0.0.1", "localhost", 1), "not valid for the host localhost", true},
		{"plain http on an https url", &http.Client{}, strings.Replace(plain.URL, "http:", "https:", 1), "did not answer with TLS", true},
	}
	for _, ep := range httpxtest.FailingEndpoints(t) {
		c := &http.Client{}
		if ep.Name == "timeout" {
			c.Timeout = 50 * time.Millisecond
		}
		cases = append(cases, failure{ep.Name, c, ep.URL, ep.Cause, ep.Lasting})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, tc.url, nil)
			resp, err := tc.client.Do(req)
			if err == nil {
				resp.Body.Close()
				t.Fatal("the request succeeded")
			}
			f, ok := Describe(err, "api_base_url")
			if !ok {
				t.Fatalf("Describe(%v) found no transport failure", err)
			}
			if !strings.Contains(f.Cause, tc.cause) {
				t.Errorf("cause %q, want it to contain %q (error %v)", f.Cause, tc.cause, err)
			}
			if !strings.Contains(f.Fix, "api_base_url") && !strings.Contains(f.Fix, "retries") {
				t.Errorf("fix %q names neither the field nor a retry", f.Fix)
			}
			if f.Lasting != tc.lasting {
				t.Errorf("lasting = %v, want %v", f.Lasting, tc.lasting)
			}
		})
	}
}

func TestDescribeIgnoresOtherErrors(t *testing.T) {
	t.Parallel()
	for _, err := range []error{nil, context.Canceled, errors.New("decode answer: bad json")} {
		if f, ok := Describe(err, "api_base_url"); ok {
			t.Errorf("Describe(%v) = %+v, want none", err, f)
		}
	}
}
