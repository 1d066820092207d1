package hubspot

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"golang.org/x/oauth2"
)

func TestCheckAPIVersion(t *testing.T) {
	for v, ok := range map[string]bool{
		"2026-09": true, "2026-03": true, "2027-03-beta": true, "2026-13": false, "2026-9": false,
		"v3": false, "2026-09-BETA": false, "": false, "2026-09/../v1": false, " 2026-09": false,
	} {
		if err := CheckAPIVersion(v); (err == nil) != ok {
			t.Errorf("CheckAPIVersion(%q) = %v", v, err)
		}
	}
}

// versionServer serves the list endpoint of one version and answers every other path 404, with
// the body of a missing object: for another version it plays a HubSpot that does not serve it,
// for get and batch read a contact that does not exist.
type versionServer struct {
	served string
	mu     sync.Mutex
	paths  []string
}

func (s *versionServer) handler(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.paths = append(s.paths, r.Method+" "+r.URL.Path)
	s.mu.Unlock()
	notFound := func() {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"status":"error","message":"resource not found","category":"OBJECT_NOT_FOUND","correlationId":"c-404"}`))
	}
	switch {
	case !strings.Contains(r.URL.Path, "/"+s.served+"/") && !strings.HasSuffix(r.URL.Path, "/"+s.served):
		notFound()
	case r.URL.Path == "/crm/objects/"+s.served+"/contacts":
		_, _ = w.Write([]byte(`{"results":[{"id":"1","properties":{}}]}`))
	default: // get, batch read: the contact does not exist
		notFound()
	}
}

func (s *versionServer) calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.paths...)
}

func versionClient(t *testing.T, served, version string) (*Client, *versionServer) {
	vs := &versionServer{served: served}
	c, _ := testClient(t, vs.handler, static)
	c.paths = newPaths(version)
	return c, vs
}

// TestVersionNotServed turns a 404 from a path of an unserved version into a VersionError on
// every endpoint, while a missing contact of a served version stays a plain 404.
func TestVersionNotServed(t *testing.T) {
	ctx := context.Background()
	calls := map[string]func(c *Client) error{
		"list": func(c *Client) error { _, err := c.ListContacts(ctx, ListRequest{Limit: 1}); return err },
		"search": func(c *Client) error {
			_, err := c.SearchContacts(ctx, SearchRequest{Limit: 1})
			return err
		},
		"properties":  func(c *Client) error { _, err := c.ContactProperties(ctx); return err },
		"definitions": func(c *Client) error { _, err := c.EventDefinitions(ctx); return err },
		"events": func(c *Client) error {
			_, err := c.Events(ctx, EventsRequest{EventType: "pe1_x", Limit: 1})
			return err
		},
		"get": func(c *Client) error { _, err := c.GetContact(ctx, "7", "", nil); return err },
		"batch read": func(c *Client) error {
			_, err := c.BatchReadContacts(ctx, []string{"7"}, nil)
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			c, _ := versionClient(t, "2026-09", "2031-03")
			var ve *VersionError
			if err := call(c); !errors.As(err, &ve) || ve.Version != "2031-03" || ve.Err.StatusCode != 404 {
				t.Fatalf("err = %v, want a VersionError for 2031-03", err)
			}
			if !strings.Contains(ve.Error(), `"2031-03"`) {
				t.Errorf("message %q does not name the version", ve.Error())
			}
		})
	}
	t.Run("missing contact of a served version", func(t *testing.T) {
		c, vs := versionClient(t, "2026-09", "2026-09")
		_, err := c.GetContact(ctx, "7", "", nil)
		var ae *APIError
		var ve *VersionError
		if errors.As(err, &ve) || !errors.As(err, &ae) || ae.StatusCode != 404 {
			t.Fatalf("err = %v, want a plain 404", err)
		}
		objs, err := c.BatchReadContacts(ctx, []string{"7"}, nil)
		if err != nil || len(objs) != 0 {
			t.Fatalf("batch read of missing contacts = %v, %v; want none", objs, err)
		}
		// One list call told the two apart, and its answer is remembered.
		// (GetContact reads through batch read, so that its properties travel in the body.)
		want := []string{"POST /crm/objects/2026-09/contacts/batch/read", "GET /crm/objects/2026-09/contacts",
			"POST /crm/objects/2026-09/contacts/batch/read"}
		if got := vs.calls(); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("calls %q, want %q", got, want)
		}
	})
}

// FuzzTokenError: any token endpoint answer becomes an *AuthError (4xx) or an *APIError (429,
// 5xx) without panicking, and the error text carries only the parsed fields, never the raw body.
func FuzzTokenError(f *testing.F) {
	f.Add(400, `{"error":"invalid_grant","error_description":"revoked","status":"BAD_REFRESH_TOKEN","message":"m"}`)
	f.Add(401, `{"error":"invalid_client"}`)
	f.Add(404, `<html>`)
	f.Add(503, `{"message":5}`)
	f.Add(400, `{"status":"error","message":"x","error":["a"]}`)
	f.Fuzz(func(t *testing.T, status int, body string) {
		if status < 400 || status > 599 {
			return
		}
		re := &oauth2.RetrieveError{Response: &http.Response{StatusCode: status}, Body: []byte(body)}
		err := tokenError(re, "https://api.hubapi.com"+TokenPath)
		var ae *AuthError
		var he *APIError
		switch {
		case errors.As(err, &ae):
			if status >= 500 || status == 429 {
				t.Fatalf("status %d gave an AuthError", status)
			}
			_ = ae.Reason()
			if len(body) > 40 && strings.Contains(ae.Error(), body) {
				t.Fatalf("error text quotes the raw body: %q", ae.Error())
			}
		case errors.As(err, &he):
			if status < 500 && status != 429 {
				t.Fatalf("status %d gave an APIError", status)
			}
		default:
			t.Fatalf("status %d: %T %v", status, err, err)
		}
	})
}
