package insider

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestContactColumns(t *testing.T) {
	for _, tc := range []struct {
		name, status, body string
		want               []Column
		wantErr            string
	}{
		{name: "array", body: `[{"key":"email","display_name":"Email","type":"string"},{"key":"c_score","display_name":"Score","type":"number"},{"key":"","type":"string"}]`,
			want: []Column{{Key: "email", DisplayName: "Email", Type: "string"}, {Key: "c_score", DisplayName: "Score", Type: "number"}}},
		{name: "data envelope", body: `{"data":[{"key":"c_vip","display_name":"VIP","type":"boolean"}]}`,
			want: []Column{{Key: "c_vip", DisplayName: "VIP", Type: "boolean"}}},
		{name: "object without data", body: `{"success":true}`, wantErr: "without a data array"},
		{name: "not json", body: `<html>`, wantErr: "not Insider's JSON"},
		{name: "refused", status: "403", body: `{"success":false,"message":"Access Denied."}`, wantErr: "403"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				if r.URL.Path != ColumnsPath || string(b) != `{"table":"contacts"}` {
					t.Errorf("request %s %s", r.URL.Path, b)
				}
				if tc.status == "403" {
					w.WriteHeader(http.StatusForbidden)
				}
				_, _ = io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			c := New(Config{BaseURL: srv.URL, PartnerName: "p", APIKey: "k", HTTPClient: srv.Client(), MaxAttempts: 1})
			got, err := c.ContactColumns(context.Background())
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("columns (-want +got):\n%s", d)
			}
		})
	}
}

func TestColumnCustomName(t *testing.T) {
	for key, want := range map[string]string{"c_lifecycle_stage": "lifecycle_stage", "email": "", "c_": ""} {
		got, ok := Column{Key: key}.CustomName()
		if got != want || ok != (want != "") {
			t.Errorf("CustomName(%q) = %q, %v", key, got, ok)
		}
	}
}
