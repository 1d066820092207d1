package redact

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

const secret = "sk_live/Ab+c<d>&e\"f9xYz" // characters that every encoding escapes differently

func jsonEscaped(s string, html bool) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	_ = enc.Encode(s)
	j := strings.TrimSpace(b.String())
	return j[1 : len(j)-1]
}

// TestRedactEncodedForms checks every form in which a secret shows up in an error body, a URL
// or a header echoed back.
func TestRedactEncodedForms(t *testing.T) {
	t.Parallel()
	r := New(secret)
	basic := base64.StdEncoding.EncodeToString([]byte("client-id:" + secret))
	for name, text := range map[string]string{
		"raw":                "token " + secret + " refused",
		"query escaped":      "GET /x?key=" + url.QueryEscape(secret),
		"path escaped":       "/keys/" + url.PathEscape(secret) + "/info",
		"json escaped":       `{"echo":"` + jsonEscaped(secret, true) + `"}`,
		"json without html":  `{"echo":"` + jsonEscaped(secret, false) + `"}`,
		"json slash escaped": `{"echo":"` + strings.ReplaceAll(jsonEscaped(secret, false), "/", `\/`) + `"}`,
		"base64":             "X-Token: " + base64.StdEncoding.EncodeToString([]byte(secret)),
		"base64 url":         "t=" + base64.URLEncoding.EncodeToString([]byte(secret)),
		"basic auth":         "Authorization: Basic " + basic,
		"bearer in base64":   base64.StdEncoding.EncodeToString([]byte("Bearer " + secret)),
		"two bytes before":   base64.StdEncoding.EncodeToString([]byte("ab" + secret + "tail")),
	} {
		got := r.Redact(text)
		if !strings.Contains(got, Marker) {
			t.Errorf("%s: nothing redacted in %q", name, got)
		}
		for _, leak := range []string{"sk_live", "9xYz", base64.RawStdEncoding.EncodeToString([]byte(secret))[4:12]} {
			if strings.Contains(got, leak) {
				t.Errorf("%s: %q still holds %q", name, got, leak)
			}
		}
	}
}

// TestExcerptRedactsBeforeCutting puts the secret across the cut at every offset: no prefix of
// it may survive, neither when the excerpt is cut nor when the body itself was cut off mid-secret.
func TestExcerptRedactsBeforeCutting(t *testing.T) {
	t.Parallel()
	const key = "0123456789abcdefSECRETKEY"
	r := New(key)
	for pad := 0; pad < 40; pad++ {
		body := strings.Repeat("x", pad) + `{"error":"bad key ` + key + `"}`
		for _, n := range []int{8, 16, 24, 32, 48, 64} {
			got := r.Excerpt([]byte(body), n)
			if strings.Contains(got, key[:MinLen]) {
				t.Errorf("pad %d, n %d: %q holds a prefix of the key", pad, n, got)
			}
		}
		for cut := 1; cut <= len(body); cut++ {
			got := r.Excerpt([]byte(body[:cut]), 1000) // the body was cut off by a reader limit
			if i := strings.Index(body[:cut], key[:MinLen]); i >= 0 && strings.Contains(got, key[:MinLen]) {
				t.Errorf("pad %d, body cut at %d: %q holds a prefix of the key", pad, cut, got)
			}
		}
	}
	if got := r.Excerpt([]byte("  short answer \n"), 100); got != "short answer" {
		t.Errorf("Excerpt = %q", got)
	}
	if got := r.Excerpt([]byte("ééééé"), 3); got != "é…" {
		t.Errorf("Excerpt cut inside a character: %q", got)
	}
}

func TestShortValuesAreNotSecrets(t *testing.T) {
	t.Parallel()
	r := New("1", "abc", "")
	if got := r.Redact("1 abc"); got != "1 abc" {
		t.Errorf("Redact = %q", got)
	}
	var nilR *Redactor
	if got := nilR.Excerpt([]byte("text"), 2); got != "te…" {
		t.Errorf("nil Excerpt = %q", got)
	}
}

func FuzzExcerptNeverLeaks(f *testing.F) {
	f.Add("prefix ", "topsecretvalue", " suffix", 10)
	f.Fuzz(func(t *testing.T, before, sec, after string, n int) {
		sec = strings.TrimSpace(sec)
		if len(sec) < 8 || n < 0 || n > 1<<16 || strings.Contains(before+after, sec[:MinLen]) {
			return
		}
		r := New(sec)
		body := before + sec + after
		for cut := len(before); cut <= len(body); cut++ {
			if got := r.Excerpt([]byte(body[:cut]), n); strings.Contains(got, sec) ||
				(cut-len(before) >= MinLen && strings.Contains(got, sec[:MinLen])) {
				t.Fatalf("Excerpt(%q, %d) = %q leaks the secret", body[:cut], n, got)
			}
		}
	})
}
