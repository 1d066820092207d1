package insider

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseUpsertResponse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		n       int
		want    []Rejection
		wantErr bool
	}{
		{name: "empty body is not Insider's answer", body: ``, n: 1, wantErr: true},
		{name: "all accepted", body: `{"data":{"successful":{"count":2},"fail":{}}}`, n: 2},
		{name: "all accepted, empty fail left out", body: `{"data":{"successful":{"count":2}}}`, n: 2},
		{name: "not JSON is not Insider's answer", body: `OK`, n: 1, wantErr: true},
		{name: "HTML is not Insider's answer", body: `<html><body>Just a moment...</body></html>`, n: 1, wantErr: true},
		{name: "JSON of another shape is not Insider's answer", body: `{"ok":true}`, n: 1, wantErr: true},
		{name: "data that is not an object", body: `{"data":"accepted"}`, n: 1, wantErr: true},
		{
			name: "several keys for one user are merged",
			body: `{"data":{"fail":{"count":1,"errors":{"users.1.a":["x"],"users.1.b":["y","z"]}}}}`, n: 2,
			want: []Rejection{{Index: 1, Messages: []string{"a: x", "b: y", "b: z"}}},
		},
		{name: "index out of range", body: `{"data":{"fail":{"count":1,"errors":{"users.5.a":["x"]}}}}`, n: 2, wantErr: true},
		{name: "count without errors", body: `{"data":{"fail":{"count":1}}}`, n: 2, wantErr: true},
		{name: "negative index", body: `{"data":{"fail":{"errors":{"users.-1.a":["x"]}}}}`, n: 2, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseUpsertResponse([]byte(tc.body), tc.n)
			var e *Error
			if tc.wantErr != (err != nil) || (err != nil && (!errors.As(err, &e) || e.Kind != KindUnmatched && e.Kind != KindNotInsider)) {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("rejections (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParseUpsertResponse(f *testing.F) {
	f.Add(`{"data":{"successful":{"count":1},"fail":{"count":1,"errors":{"users.0.identifiers.*.regexp(x)":["bad"]}}}}`, 2)
	f.Add(`{"data":{"fail":{"errors":{"users.99999999999999999999.a":["x"]}}}}`, 1)
	f.Fuzz(func(t *testing.T, body string, n int) {
		if n < 0 || n > MaxUsers {
			return
		}
		rej, err := parseUpsertResponse([]byte(body), n)
		for _, r := range rej {
			if r.Index < 0 || r.Index >= n {
				t.Fatalf("index %d out of range %d (err %v)", r.Index, n, err)
			}
		}
	})
}
