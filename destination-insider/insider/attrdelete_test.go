package insider

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestAttributeDeleteJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		d    AttributeDelete
		want string
	}{
		{"whole", AttributeDelete{Identifiers: []byte(`{"uuid":"1"}`), Whole: []string{"name", "static_segment_id"}},
			`{"identifiers":{"uuid":"1"},"whole":["name","list_id"]}`},
		{"custom whole", AttributeDelete{Identifiers: []byte(`{"uuid":"1"}`), CustomWhole: []string{"lifecycle_stage", "plan"}},
			`{"identifiers":{"uuid":"1"},"custom":{"whole":["lifecycle_stage","plan"]}}`},
		{"everything", AttributeDelete{Identifiers: []byte(`{"email":"a@b.co"}`), Whole: []string{"city"},
			Partial:       map[string][]json.RawMessage{"static_segment_id": {json.RawMessage(`7`)}},
			CustomWhole:   []string{"plan"},
			CustomPartial: map[string][]json.RawMessage{"lists": {json.RawMessage(`"B"`)}, "hubspot_lists": {json.RawMessage(`"A"`), json.RawMessage(`"Q\"x"`)}}},
			`{"identifiers":{"email":"a@b.co"},"whole":["city"],"partial":{"list_id":[7]},"custom":{"whole":["plan"],"partial":{"hubspot_lists":["A","Q\"x"],"lists":["B"]}}}`},
		{"custom partial only", AttributeDelete{Identifiers: []byte(`{"uuid":"1"}`), CustomPartial: map[string][]json.RawMessage{"l": {json.RawMessage(`"x"`)}}},
			`{"identifiers":{"uuid":"1"},"custom":{"partial":{"l":["x"]}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(tc.d.AppendJSON(nil))
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			if !json.Valid([]byte(got)) {
				t.Errorf("%s is not JSON", got)
			}
		})
	}
	if !(&AttributeDelete{Identifiers: []byte(`{}`)}).Empty() {
		t.Error("a delete of nothing is not Empty")
	}
}

func TestAttributeDeletesBody(t *testing.T) {
	t.Parallel()
	d := NewAttributeDeletes()
	if string(d.Body()) != `{"users":[]}` {
		t.Errorf("empty body %s", d.Body())
	}
	d.Add([]byte(`{"identifiers":{"uuid":"1"},"whole":["name"]}`))
	d.Add([]byte(`{"identifiers":{"uuid":"2"},"whole":["city"]}`))
	if want := `{"users":[{"identifiers":{"uuid":"1"},"whole":["name"]},{"identifiers":{"uuid":"2"},"whole":["city"]}]}`; string(d.Body()) != want || d.Size() != len(want) {
		t.Errorf("body %s (size %d), want %s", d.Body(), d.Size(), want)
	}
	if got := string(d.part(1, 2).Body()); got != `{"users":[{"identifiers":{"uuid":"2"},"whole":["city"]}]}` {
		t.Errorf("part %s", got)
	}
	d.Reset()
	if d.Len() != 0 || string(d.Body()) != `{"users":[]}` {
		t.Errorf("after Reset: %d users, body %s", d.Len(), d.Body())
	}
}

func clientFor(t *testing.T, s *scripted) *Client {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c := New(Config{BaseURL: srv.URL, PartnerName: "MyBrand", APIKey: "key-123", HTTPClient: srv.Client(), MaxAttempts: 3,
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func TestDeleteAttributesAnswers(t *testing.T) {
	t.Parallel()
	three := func() *AttributeDeletes {
		d := NewAttributeDeletes()
		for _, id := range []string{"1", "2", "3"} {
			d.Add([]byte(`{"identifiers":{"uuid":"` + id + `"},"whole":["name"]}`))
		}
		return d
	}
	for _, tc := range []struct {
		name     string
		answers  [][2]any
		rejected []int
		kind     Kind // of the error; KindOther with wantErr false: none
		wantErr  bool
		requests int
	}{
		{name: "empty object", answers: [][2]any{{200, `{}`}}, requests: 1},
		{name: "counts", answers: [][2]any{{200, `{"data":{"successful":{"count":3},"fail":{}}}`}}, requests: 1},
		{name: "a user Insider has not", answers: [][2]any{{200, `{"data":{"successful":{"count":2},"fail":{"count":1,"errors":{"users.1.identifiers.exists":["no such user for these identifiers: no data"]}}}}`}},
			rejected: []int{1}, requests: 1},
		{name: "retried on 429", answers: [][2]any{{429, `{"error":"rejected: too many requests"}`}, {200, `{}`}}, requests: 2},
		{name: "too large splits", answers: [][2]any{{400, `{"error":"request body is bigger than maximum allowed size 5,000,000 bytes"}`}, {200, `{}`}, {200, `{}`}}, requests: 3},
		{name: "not Insider's answer", answers: [][2]any{{200, `<html>`}, {200, `{"ok":true}`}, {200, `[]`}}, wantErr: true, kind: KindNotInsider, requests: 3},
		{name: "auth", answers: [][2]any{{403, `{"success":false,"message":"Access Denied."}`}}, wantErr: true, kind: KindAuth, requests: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := &scripted{answers: tc.answers}
			res, err := clientFor(t, s).DeleteAttributes(context.Background(), three())
			if (err != nil) != tc.wantErr || (err != nil && KindOf(err) != tc.kind) {
				t.Fatalf("err %v (kind %d), want error %v of kind %d", err, KindOf(err), tc.wantErr, tc.kind)
			}
			var got []int
			for _, r := range res.Rejected {
				got = append(got, r.Index)
			}
			if len(got) != len(tc.rejected) || (len(got) > 0 && got[0] != tc.rejected[0]) || res.Requests != tc.requests {
				t.Errorf("rejected %v after %d requests, want %v after %d", got, res.Requests, tc.rejected, tc.requests)
			}
			for _, g := range s.got {
				if !strings.HasPrefix(g, "POST "+AttributeDeletePath+` {"users":[`) {
					t.Errorf("sent %s", g)
				}
			}
		})
	}
}

func TestReadIdentifiersAndDeleteIdentifier(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := &scripted{answers: [][2]any{
		{200, `{"attributes":{"email":"a@b.co","phone_number":"+15550001111"}}`},
		{200, `{"attributes":{"em":"c@d.co"}}`},
		{404, `{"error":"no such user for these identifiers: no data"}`},
		{200, `{}`},
		{400, `{"error":"you cannot delete the sole identifier specified for a user: bad request"}`},
	}}
	u := NewUserOps(clientFor(t, s), OpLimits{})
	h, o, _, err := u.ReadIdentifiers(ctx, []byte(`{"uuid":"1"}`))
	if err != nil || o != Done || h != (Held{Email: "a@b.co", Phone: "+15550001111"}) {
		t.Errorf("read 1: %+v %d %v", h, o, err)
	}
	if h, _, _, _ := u.ReadIdentifiers(ctx, []byte(`{"uuid":"2"}`)); h.Email != "c@d.co" {
		t.Errorf("read 2 (short names): %+v", h)
	}
	if _, o, _, err := u.ReadIdentifiers(ctx, []byte(`{"uuid":"3"}`)); o != NoSuchUser || err != nil {
		t.Errorf("read 3: outcome %d err %v, want no such user", o, err)
	}
	if o, _, err := u.DeleteIdentifier(ctx, []byte(`{"phone_number":"+15550001111"}`)); o != Done || err != nil {
		t.Errorf("delete identifier: %d %v", o, err)
	}
	if o, _, err := u.DeleteIdentifier(ctx, []byte(`{"email":"a@b.co"}`)); o != Refused || !userRefused(err) {
		t.Errorf("delete sole identifier: %d %v, want a refusal", o, err)
	}
	want := []string{
		`POST /api/user/v1/profile {"identifiers":{"uuid":"1"},"attributes":["email","phone_number"]}`,
		`POST /api/user/v1/profile {"identifiers":{"uuid":"2"},"attributes":["email","phone_number"]}`,
		`POST /api/user/v1/profile {"identifiers":{"uuid":"3"},"attributes":["email","phone_number"]}`,
		`DELETE /api/user/v1/identity {"identifiers":{"phone_number":"+15550001111"}}`,
		`DELETE /api/user/v1/identity {"identifiers":{"email":"a@b.co"}}`,
	}
	if strings.Join(s.got, "\n") != strings.Join(want, "\n") {
		t.Errorf("sent\n%s\nwant\n%s", strings.Join(s.got, "\n"), strings.Join(want, "\n"))
	}
}
