package fakehubspot_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// fakeClock is a settable clock for the fake.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func start(t *testing.T, o fakehubspot.Options) (*fakehubspot.Server, *fakeClock) {
	t.Helper()
	clk := newClock()
	if o.Clock == nil {
		o.Clock = clk.Now
	}
	s := fakehubspot.New(o)
	t.Cleanup(s.Close)
	return s, clk
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// errorBody decodes r as a HubSpot error answer.
func (r resp) errorBody(t *testing.T) errBody {
	t.Helper()
	var e errBody
	r.json(t, &e)
	return e
}

func do(t *testing.T, s *fakehubspot.Server, method, path, token string, body any) resp {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp{res.StatusCode, res.Header, b}
}

func postForm(t *testing.T, s *fakehubspot.Server, form url.Values) resp {
	t.Helper()
	res, err := http.Post(s.URL+"/oauth/2026-03/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, b}
}

const pat = "pat-na1-test-token"

// paging is the paging member of a HubSpot list or search answer.
type paging struct {
	Next struct {
		After string `json:"after"`
	} `json:"next"`
}

// search posts a contacts search as the private app and decodes its page; any status but 200
// fails the test.
func search(t *testing.T, s *fakehubspot.Server, body any) searchPage {
	t.Helper()
	r := do(t, s, "POST", "/crm/v3/objects/contacts/search", pat, body)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var p searchPage
	r.json(t, &p)
	return p
}

type searchPage struct {
	Total   int `json:"total"`
	Results []struct {
		ID         string             `json:"id"`
		Properties map[string]*string `json:"properties"`
		CreatedAt  string             `json:"createdAt"`
		UpdatedAt  string             `json:"updatedAt"`
		Archived   bool               `json:"archived"`
	} `json:"results"`
	Paging *paging `json:"paging"`
}

type errBody struct {
	Status      string `json:"status"`
	Message     string `json:"message"`
	Category    string `json:"category"`
	PolicyName  string `json:"policyName"`
	ErrorType   string `json:"errorType"`
	Correlation string `json:"correlationId"`
	// RFC 6749 fields of token endpoint errors.
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

func window(lo, hi time.Time) map[string]any {
	return map[string]any{"filterGroups": []any{map[string]any{"filters": []any{
		map[string]any{"propertyName": "lastmodifieddate", "operator": "GTE", "value": ms(lo)},
		map[string]any{"propertyName": "lastmodifieddate", "operator": "LTE", "value": ms(hi)},
	}}}}
}

func ms(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// contactsAt adds n contacts with consecutive ids from 1 and lastmodifieddate base+i seconds.
func contactsAt(s *fakehubspot.Server, n int, base time.Time) {
	cs := make([]fakehubspot.Contact, n)
	for i := range cs {
		cs[i] = fakehubspot.Contact{ID: int64(i + 1), CreatedAt: base.Add(-time.Hour), UpdatedAt: base.Add(time.Duration(i) * time.Second),
			Properties: map[string]string{"email": "c" + itoa(int64(i+1)) + "@example.com", "firstname": "N" + itoa(int64(i+1))}}
	}
	s.AddContacts(cs...)
}
