package protocol_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

// fieldsSpec declares nested objects, a oneOf, an array of objects and a free-form map.
const fieldsSpec = `{
  "type": "object",
  "properties": {
    "start_date": {"type": "string"},
    "page_size": {"type": "integer"},
    "credentials": {"type": "object", "oneOf": [
      {"type": "object", "properties": {
        "credentials_title": {"const": "OAuth Credentials"},
        "client_id": {"type": "string"},
        "client_secret": {"type": "string", "airbyte_secret": true}}},
      {"type": "object", "properties": {
        "credentials_title": {"const": "Private App Credentials"},
        "access_token": {"type": "string", "airbyte_secret": true}}}]},
    "identifier_mappings": {"type": "array", "items": {"type": "object", "properties": {
      "identifier": {"type": "string"}, "source_field": {"type": "string"}}}},
    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    "extra": {"type": "object"}
  }
}`

func TestUnknownFields(t *testing.T) {
	for _, tc := range []struct {
		name, config string
		want         []string
	}{
		{"none", `{"start_date":"x","credentials":{"credentials_title":"OAuth Credentials","client_id":"a"}}`, nil},
		{"misspelled", `{"start_dat":"2024-01-01T00:00:00Z"}`, []string{"unknown field start_dat: did you mean start_date?"}},
		{"transposed and cased", `{"Strat_Date":"x","page-size":1}`, []string{
			"unknown field Strat_Date: did you mean start_date?", "unknown field page-size: did you mean page_size?"}},
		{"nested", `{"credentials":{"credentials_title":"OAuth Credentials","client_ids":"a"}}`,
			[]string{"unknown field credentials.client_ids: did you mean credentials.client_id?"}},
		{"the chosen option only", `{"credentials":{"credentials_title":"OAuth Credentials","access_token":"a"}}`,
			[]string{"unknown field credentials.access_token: not a field of the option this config chose for credentials; it is ignored"}},
		{"in an array", `{"identifier_mappings":[{"identifier":"email","sorce_field":"email"}]}`,
			[]string{"unknown field identifier_mappings[0].sorce_field: did you mean identifier_mappings[0].source_field?"}},
		{"singular", `{"identifier_mapping":[]}`, []string{"unknown field identifier_mapping: did you mean identifier_mappings?"}},
		{"declared elsewhere", `{"client_id":"a"}`, []string{"unknown field client_id: did you mean credentials.client_id?"}},
		{"nothing close", `{"colour":"blue"}`, []string{"unknown field colour: not a field of this connector; it is ignored"}},
		{"free-form maps are not looked into", `{"labels":{"anything":"x"},"extra":{"whatever":1}}`, nil},
		{"not an object", `[1]`, nil},
		{"not JSON", `{`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := protocol.UnknownFields(json.RawMessage(fieldsSpec), json.RawMessage(tc.config))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("UnknownFields (-want +got):\n%s", diff)
			}
		})
	}
}

// TestUnknownFieldsNeverHoldValues: whatever the keys and values, a message names keys only.
func TestUnknownFieldsNeverHoldValues(t *testing.T) {
	cfg := `{"credentials":{"credentials_title":"OAuth Credentials","client_secret":"` + secret + `","client_secrt":"` + secret +
		`"},"refresh_tokn":"` + secret + `","nested":{"deep":"` + secret + `"}}`
	msgs := protocol.UnknownFields(json.RawMessage(fieldsSpec), json.RawMessage(cfg))
	if len(msgs) != 3 {
		t.Fatalf("messages %q, want 3", msgs)
	}
	for _, m := range msgs {
		if strings.Contains(m, secret) {
			t.Fatalf("message %q holds a value", m)
		}
	}
}

func FuzzUnknownFields(f *testing.F) {
	f.Add(`{"start_dat":1,"credentials":{"client_ids":[{"x":null}]}}`)
	f.Add(`{"identifier_mappings":[{"a":1},2,[3]]}`)
	f.Fuzz(func(t *testing.T, cfg string) {
		for _, m := range protocol.UnknownFields(json.RawMessage(fieldsSpec), json.RawMessage(cfg)) {
			if !strings.HasPrefix(m, "unknown field ") {
				t.Fatalf("message %q", m)
			}
		}
	})
}

// TestRunWarnsOfUnknownFields: every command that reads a config names its unknown keys in a
// WARN; check does so before its one CONNECTION_STATUS, and a check that fails on a missing
// field names the misspelled key beside it. No message holds a value.
func TestRunWarnsOfUnknownFields(t *testing.T) {
	const want = "unknown field credentials.acces_token: did you mean credentials.access_token?"
	config := `{"credentials":{"credentials_title":"Private App Credentials","access_token":"` + secret +
		`","acces_token":"` + secret + `"}}`
	read := func(context.Context, *protocol.InputState, *protocol.SourceOutput) error { return nil }
	check := func(context.Context) error { return nil }
	for _, args := range [][]string{
		{"check"}, {"discover"}, {"read", "--catalog", ""},
	} {
		t.Run(args[0], func(t *testing.T) {
			if args[0] == "read" {
				args[2] = catalogFile(t)
			}
			args = append(args, "--config", writeFile(t, "c.json", config))
			code, msgs, raw := runSource(t, &fakeSource{check: check, read: read}, args...)
			if code != 0 {
				t.Fatalf("exit %d:\n%s", code, raw)
			}
			if strings.Contains(raw, secret) {
				t.Fatalf("output holds a secret:\n%s", raw)
			}
			warnAt, statusAt, statuses := -1, -1, 0
			for i, m := range msgs {
				if m.Type == protocol.TypeLog && m.Log.Level == protocol.LogWarn && strings.Contains(m.Log.Message, want) {
					warnAt = i
				}
				if m.Type == protocol.TypeConnectionStatus {
					statusAt = i
					statuses++
				}
			}
			if warnAt < 0 {
				t.Fatalf("no WARN %q in:\n%s", want, raw)
			}
			if args[0] == "check" && (statuses != 1 || statusAt < warnAt ||
				msgs[statusAt].ConnectionStatus.Status != protocol.StatusSucceeded) {
				t.Fatalf("want the WARN then one SUCCEEDED:\n%s", raw)
			}
		})
	}
	t.Run("failed check", func(t *testing.T) {
		cfg := writeFile(t, "c.json", `{"credentials":{"credentials_title":"Private App Credentials","acces_token":"`+secret+`"}}`)
		code, msgs, raw := runSource(t, &fakeSource{check: check}, "check", "--config", cfg)
		st := protocoltest.OfType(msgs, protocol.TypeConnectionStatus)
		if code != 0 || len(st) != 1 || st[0].ConnectionStatus.Status != protocol.StatusFailed ||
			!strings.Contains(st[0].ConnectionStatus.Message, "credentials.access_token: missing") ||
			!strings.Contains(st[0].ConnectionStatus.Message, want) || strings.Contains(raw, secret) {
			t.Fatalf("exit %d, want one FAILED naming the missing field and the misspelled one:\n%s", code, raw)
		}
	})
}
