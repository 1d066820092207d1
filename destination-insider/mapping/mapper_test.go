package mapping

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// mapperConfig is the config the mapper tests start from.
func mapperConfig(edit func(c *Config)) *Config {
	c := &Config{
		IdentifierMappings: []IdentifierMapping{
			{Identifier: "email", SourceField: "email"},
			{Identifier: "phone_number", SourceField: "phone"},
			{Identifier: "uuid", SourceField: "hs_object_id"},
			{Identifier: "custom", CustomName: "crm_id", SourceField: "crm.id"},
		},
		AttributeMappings: []AttributeMapping{
			{SourceField: "firstname", Attribute: "name"},
			{SourceField: "age", Attribute: "age"},
			{SourceField: "birthday", Attribute: "birthday"},
			{SourceField: "optin", Attribute: "email_optin"},
			{SourceField: "gdpr", Attribute: "gdpr_optin"},
			{SourceField: "lang", Attribute: "language"},
			{SourceField: "lists", Attribute: "static_segment_id"},
			{SourceField: "address.city", Attribute: "city"},
			{SourceField: "stage", Attribute: "lifecycle_stage"},
			{SourceField: "vip", Attribute: "vip"},
			{SourceField: "tags", Attribute: "tags"},
		},
		EventMappings: []EventMapping{{Stream: "event_buy", EventName: "purchase_done", Parameters: []ParameterMapping{
			{SourceField: "properties.qty", Parameter: "quantity"},
			{SourceField: "properties.price", Parameter: "unit_price"},
			{SourceField: "properties.page", Parameter: "url"},
			{SourceField: "properties.coupon", Parameter: "coupon"},
			{SourceField: "contact.email", Parameter: "buyer_email"},
		}}},
		FixedEventParameters: []FixedParameter{{Parameter: "currency", Value: "USD"}, {Parameter: "source", Value: "hubspot"}},
		Phone:                PhoneConfig{DefaultRegion: "US"},
	}
	if edit != nil {
		edit(c)
	}
	c.ApplyDefaults()
	return c
}

func TestMapper(t *testing.T) {
	t.Parallel()
	f := false
	tests := []struct {
		name   string
		edit   func(c *Config)
		stream string // default contacts
		data   string
		want   string // the user as JSON; "" when rejected
		reason string
		failed bool
	}{
		{
			name: "defaults at the top, others under custom",
			data: `{"id":"1","email":" Ann@Example.COM ","hs_object_id":101,"firstname":"Ann","stage":"lead","optin":"true","vip":"false","tags":["a","b"]}`,
			want: `{"identifiers":{"email":"ann@example.com","uuid":"101"},"attributes":{"name":"Ann","email_optin":true,
				"custom":{"lifecycle_stage":"lead","vip":false,"tags":["a","b"]}},"not_append":true}`,
		},
		{
			name: "fixed attributes, default and custom",
			edit: func(c *Config) {
				c.FixedAttributes = []FixedAttribute{{Attribute: "crm_source", Value: "hubspot"}, {Attribute: "country", Value: "TR"}, {Attribute: "sms_optin", Value: "true"}}
			},
			data: `{"hs_object_id":"7","stage":"lead"}`,
			want: `{"identifiers":{"uuid":"7"},"attributes":{"country":"TR","sms_optin":true,"custom":{"lifecycle_stage":"lead","crm_source":"hubspot"}},"not_append":true}`,
		},
		{
			name: "type coercion of default attributes",
			data: `{"hs_object_id":"7","age":"42","birthday":"1990-03-12","lang":"en-US","lists":"3;5","address":{"city":"Izmir"},"gdpr":"yes"}`,
			want: `{"identifiers":{"uuid":"7"},"attributes":{"age":42,"birthday":"1990-03-12T00:00:00Z","gdpr_optin":true,"language":"en_US",
				"static_segment_id":[3,5],"city":"Izmir"},"not_append":true}`,
		},
		{
			name: "birthday with offset and fraction becomes UTC seconds with Z",
			data: `{"hs_object_id":"7","birthday":"1990-03-12T01:02:03.999+02:00"}`,
			want: `{"identifiers":{"uuid":"7"},"attributes":{"birthday":"1990-03-11T23:02:03Z"},"not_append":true}`,
		},
		{
			name: "birthday from epoch milliseconds",
			data: `{"hs_object_id":"7","birthday":637200000000}`,
			want: `{"identifiers":{"uuid":"7"},"attributes":{"birthday":"1990-03-12T00:00:00Z"},"not_append":true}`,
		},
		{
			name: "values that cannot be converted are left out",
			data: `{"hs_object_id":"7","age":"forty","birthday":"someday","optin":"maybe","firstname":"Al"}`,
			want: `{"identifiers":{"uuid":"7"},"attributes":{"name":"Al"},"not_append":true}`,
		},
		{
			name: "nulls, empty and blank strings are omitted; gdpr_optin is never defaulted",
			data: `{"hs_object_id":"7","firstname":null,"stage":"","vip":"   ","age":null,"optin":false}`,
			want: `{"identifiers":{"uuid":"7"},"attributes":{"email_optin":false},"not_append":true}`,
		},
		{
			name: "boolean_format string",
			edit: func(c *Config) { c.BooleanFormat = BooleanFormatString },
			data: `{"hs_object_id":"7","vip":true,"stage":"FALSE","optin":"true"}`,
			want: `{"identifiers":{"uuid":"7"},"attributes":{"email_optin":true,"custom":{"lifecycle_stage":"false","vip":"true"}},"not_append":true}`,
		},
		{
			name: "escaped keys and strings",
			data: `{"hs_object_id":"7","first\u006eame":"A\"n\u00e9"}`,
			want: `{"identifiers":{"uuid":"7"},"attributes":{"name":"A\"né"},"not_append":true}`,
		},
		{name: "US national phone", data: `{"phone":"(415) 555-0123","firstname":"A"}`,
			want: `{"identifiers":{"phone_number":"+14155550123"},"attributes":{"name":"A"},"not_append":true}`},
		{name: "GB national phone", edit: func(c *Config) { c.Phone.DefaultRegion = "GB" }, data: `{"phone":"020 7946 0958","firstname":"A"}`,
			want: `{"identifiers":{"phone_number":"+442079460958"},"attributes":{"name":"A"},"not_append":true}`},
		{name: "TR national phone", edit: func(c *Config) { c.Phone.DefaultRegion = "TR" }, data: `{"phone":"0532 123 45 67","firstname":"A"}`,
			want: `{"identifiers":{"phone_number":"+905321234567"},"attributes":{"name":"A"},"not_append":true}`},
		{name: "international phone ignores the default region", data: `{"phone":"+44 20 7946-0958","firstname":"A"}`,
			want: `{"identifiers":{"phone_number":"+442079460958"},"attributes":{"name":"A"},"not_append":true}`},
		{name: "00 prefix with DE region", edit: func(c *Config) { c.Phone.DefaultRegion = "DE" }, data: `{"phone":"0049 30 1234567","firstname":"A"}`,
			want: `{"identifiers":{"phone_number":"+49301234567"},"attributes":{"name":"A"},"not_append":true}`},
		{name: "numeric phone", data: `{"phone":14155550123,"firstname":"A"}`,
			want: `{"identifiers":{"phone_number":"+14155550123"},"attributes":{"name":"A"},"not_append":true}`},
		{name: "national phone without a region is invalid", edit: func(c *Config) { c.Phone.DefaultRegion = "" },
			data: `{"phone":"(415) 555-0123","firstname":"A"}`, reason: ReasonInvalidIdentifier},
		{name: "normalize off keeps only E.164", edit: func(c *Config) { c.Phone.Normalize = &f },
			data: `{"phone":"(415) 555-0123","firstname":"A"}`, reason: ReasonInvalidIdentifier},
		{name: "normalize off accepts E.164", edit: func(c *Config) { c.Phone.Normalize = &f },
			data: `{"phone":"+905321234567","firstname":"A"}`,
			want: `{"identifiers":{"phone_number":"+905321234567"},"attributes":{"name":"A"},"not_append":true}`},
		{name: "too short phone", data: `{"phone":"12345","firstname":"A"}`, reason: ReasonInvalidIdentifier},
		{name: "placeholder phone that parses but is no number", data: `{"phone":"000-000","firstname":"A"}`, reason: ReasonInvalidIdentifier},
		{name: "all-zero national number", data: `{"phone":"(000) 000-0000","firstname":"A"}`, reason: ReasonInvalidIdentifier},
		{name: "custom identifier from a dotted path", data: `{"crm":{"id":"C-9"},"firstname":"A"}`,
			want: `{"identifiers":{"custom":{"crm_id":"C-9"}},"attributes":{"name":"A"},"not_append":true}`},
		{
			name: "skip_identifier drops the bad one and keeps the rest",
			data: `{"email":"not-an-email","hs_object_id":"undefined","phone":"+14155550123","firstname":"A"}`,
			want: `{"identifiers":{"phone_number":"+14155550123"},"attributes":{"name":"A"},"not_append":true}`,
		},
		{name: "skip_identifier with nothing left", data: `{"email":"a@b","firstname":"A"}`, reason: ReasonInvalidIdentifier},
		{name: "skip_record", edit: func(c *Config) { c.InvalidIdentifierPolicy = PolicySkipRecord },
			data: `{"email":"a@b","hs_object_id":"9","firstname":"A"}`, reason: ReasonInvalidIdentifier},
		{name: "fail_run", edit: func(c *Config) { c.InvalidIdentifierPolicy = PolicyFailRun },
			data: `{"email":"ok@b.co","hs_object_id":"null","firstname":"A"}`, reason: ReasonInvalidIdentifier, failed: true},
		{name: "placeholders are invalid", data: `{"email":"NULL","hs_object_id":"undefined","firstname":"A"}`, reason: ReasonInvalidIdentifier},
		{name: "null identifiers are absent", data: `{"email":null,"hs_object_id":"  ","firstname":"A"}`, reason: ReasonNoIdentifier},
		{name: "no attributes", data: `{"hs_object_id":"7","firstname":""}`, reason: ReasonNoAttributes},
		{name: "not an object", data: `[1,2]`, reason: ReasonNotObject},
		{
			name: "event with default, custom and fixed parameters", stream: "event_buy",
			data: `{"id":"e1","occurredAt":"2026-01-02T03:04:05.678+01:00","properties":{"qty":"3","price":9.5,"page":"https://x","coupon":"X1"},
				"contact":{"email":"B@x.io","hs_object_id":55}}`,
			want: `{"identifiers":{"email":"b@x.io","uuid":"55"},"events":[{"event_name":"purchase_done","timestamp":"2026-01-02T02:04:05.678Z",
				"event_params":{"quantity":3,"unit_price":9.5,"url":"https://x","currency":"USD","custom":{"coupon":"X1","buyer_email":"B@x.io","source":"hubspot"}}}],"not_append":true}`,
		},
		{
			name: "event with only fixed parameters", stream: "event_buy",
			data: `{"id":"e1","occurredAt":"2026-01-02T03:04:05Z","contact":{"hs_object_id":"55"}}`,
			want: `{"identifiers":{"uuid":"55"},"events":[{"event_name":"purchase_done","timestamp":"2026-01-02T03:04:05Z",
				"event_params":{"currency":"USD","custom":{"source":"hubspot"}}}],"not_append":true}`,
		},
		{name: "event without timestamp", stream: "event_buy", data: `{"id":"e1","contact":{"hs_object_id":"55"}}`, reason: ReasonInvalidTimestamp},
		{name: "event identifiers come from contact only", stream: "event_buy", data: `{"id":"e1","occurredAt":"2026-01-02T03:04:05Z","hs_object_id":"55"}`, reason: ReasonNoIdentifier},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := mapperConfig(tc.edit)
			if problems := cfg.Problems(); len(problems) > 0 {
				t.Fatalf("test config invalid: %v", problems)
			}
			m := newMapper(cfg, nil)
			stream := tc.stream
			if stream == "" {
				stream = ContactsStream
			}
			res := mapData(m, stream, []byte(tc.data), nil)
			if res.Reason != tc.reason || res.FailRun != tc.failed {
				t.Fatalf("reason %q (fail_run %v), want %q (%v); detail %q", res.Reason, res.FailRun, tc.reason, tc.failed, res.Detail)
			}
			checkUser(t, res.User, tc.want)
		})
	}
}

// mapData maps the record data of stream with m.
func mapData(m *Mapper, stream string, data []byte, dst []byte) Result {
	return m.Map(m.Scan(m.Stream(stream), data), dst)
}

// checkUser fails unless user is the JSON want, or, when want is "", there
// is no user.
func checkUser(t *testing.T, user []byte, want string) {
	t.Helper()
	if want == "" {
		if user != nil {
			t.Fatalf("rejected record produced a user: %s", user)
		}
		return
	}
	var got, wantV any
	if err := json.Unmarshal(user, &got); err != nil {
		t.Fatalf("user is not JSON: %s: %v", user, err)
	}
	if err := json.Unmarshal([]byte(want), &wantV); err != nil {
		t.Fatalf("bad want: %v", err)
	}
	if diff := cmp.Diff(wantV, got); diff != "" {
		t.Errorf("user (-want +got):\n%s\n%s", diff, user)
	}
}

func TestNormalizeEventName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Newsletter Signup": "newsletter_signup", "pe123_news-letter.v2": "pe123_news-letter.v2",
		"  __Hello__World__ ": "hello__world__", "homepageView": "homepageview", "!!!": "", "ÇAY": "ay",
		"form.submit": "form.submit", "sign-up": "sign-up", "a b": "a_b",
	} {
		if got := NormalizeEventName(in); got != want {
			t.Errorf("NormalizeEventName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestValidEventName: Insider's rule ^[a-z0-9][a-z0-9._-]*$ (upper case is
// refused in practice); a valid name is what the mapper sends, unchanged.
func TestValidEventName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"form.submit": true, "sign-up": true, "newsletter_signup": true, "9lives": true, "a": true,
		"homepageView": false, "_signup": false, ".x": false, "-x": false, "a b": false, "": false, "çay": false,
	} {
		if got := ValidEventName(in); got != want {
			t.Errorf("ValidEventName(%q) = %v, want %v", in, got, want)
		}
	}
	for _, name := range []string{"form.submit", "sign-up"} {
		cfg := mapperConfig(func(c *Config) { c.EventMappings[0].EventName = name })
		m := newMapper(cfg, nil)
		res := mapData(m, "event_buy", []byte(`{"occurredAt":"2026-01-02T03:04:05Z","contact":{"email":"a@b.co"}}`), nil)
		if !strings.Contains(string(res.User), `"event_name":"`+name+`"`) {
			t.Errorf("event %q sent as %s", name, res.User)
		}
	}
}

func FuzzMapper(f *testing.F) {
	for _, s := range []string{
		`{"id":"1","email":"a@b.co","phone":"+14155550123","hs_object_id":5,"firstname":"x","address":{"city":"y"}}`,
		`{"occurredAt":"2026-01-02T03:04:05Z","contact":{"email":"a@b.co"},"properties":{"qty":"3"}}`,
		`{"a":"\u0000\"","b":[{"c":"]}"}],"birthday":1e400,"age":"-0.5e3"}`,
		`{"email":`, `{"x":tru}`, `[`, `"`, ``,
	} {
		f.Add(s, false)
	}
	cfg := mapperConfig(nil)
	f.Fuzz(func(t *testing.T, data string, event bool) {
		m := newMapper(cfg, nil)
		stream := ContactsStream
		if event {
			stream = "event_buy"
		}
		res := mapData(m, stream, []byte(data), nil)
		if res.User == nil && res.Reason == "" {
			t.Fatalf("no user and no reason for %q", data)
		}
		if res.User != nil && json.Valid([]byte(data)) && !json.Valid(res.User) {
			t.Fatalf("valid input %q gave invalid output %s", data, res.User)
		}
	})
}
