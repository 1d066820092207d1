// Package redact removes secrets from text: the values themselves and the encoded forms in
// which they show up in error bodies, URLs and logs (URL escapes, JSON escapes, base64 as in a
// Basic authorization header). It knows nothing of Airbyte or of any API.
package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Marker replaces every secret in output.
const Marker = "**********"

// MinLen keeps very short values (a "1", a "true") from being treated as secrets, which would
// shred every message without protecting anything.
const MinLen = 4

// Redactor removes secrets from text. It is safe for concurrent use; secrets may be added at any
// time (an OAuth access token obtained mid-run). A nil *Redactor redacts nothing.
type Redactor struct {
	mu       sync.RWMutex
	forms    []string // every form of every secret, longest first
	replacer *strings.Replacer
}

// New returns a Redactor that knows the given secrets.
func New(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		r.Add(s)
	}
	return r
}

// Add makes r redact s and its encoded forms. Values shorter than MinLen are ignored.
func (r *Redactor) Add(s string) {
	s = strings.TrimSpace(s)
	if r == nil || len(s) < MinLen {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range forms(s) {
		if len(v) >= MinLen && !slices.Contains(r.forms, v) {
			r.forms = append(r.forms, v)
		}
	}
	// Longest first, so a secret containing another is replaced whole.
	sort.SliceStable(r.forms, func(i, j int) bool { return len(r.forms[i]) > len(r.forms[j]) })
	pairs := make([]string, 0, 2*len(r.forms))
	for _, v := range r.forms {
		pairs = append(pairs, v, Marker)
	}
	r.replacer = strings.NewReplacer(pairs...)
}

// forms returns s as it may appear in text: raw, URL-escaped, JSON-escaped, and base64-encoded
// on its own or inside a longer encoded value.
func forms(s string) []string {
	out := []string{s, url.QueryEscape(s), url.PathEscape(s)}
	for _, html := range []bool{true, false} {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		if enc.Encode(s) == nil {
			j := strings.TrimSuffix(b.String(), "\n")
			j = j[1 : len(j)-1]
			out = append(out, j, strings.ReplaceAll(j, "/", `\/`))
		}
	}
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		out = append(out, base64Cores(enc, s)...)
	}
	return out
}

// base64Cores returns, for each of the three alignments s can have inside a longer base64
// value (such as "Basic " + base64(id + ":" + secret)), the characters that encode only bytes
// of s: whatever comes before or after s, they are there.
func base64Cores(enc *base64.Encoding, s string) []string {
	var out []string
	for k := 0; k < 3; k++ {
		src := append(make([]byte, k), s...)
		e := enc.EncodeToString(src)
		from := (8*k + 5) / 6      // first character made of s's bits only
		to := 8 * (k + len(s)) / 6 // characters wholly inside s's bits
		if to-from >= MinLen {
			out = append(out, e[from:to])
		}
	}
	return out
}

// Redact returns s with every known secret replaced by Marker.
func (r *Redactor) Redact(s string) string {
	if r == nil || s == "" {
		return s
	}
	r.mu.RLock()
	rep := r.replacer
	r.mu.RUnlock()
	if rep == nil {
		return s
	}
	return rep.Replace(s)
}

// Excerpt returns the start of b, at most n bytes of it, for an error message: secrets are
// redacted in the whole of b first, then the text is cut (on a character boundary, marked with
// "…"). b itself may have been cut off by the caller, so a secret's prefix at its very end is
// redacted too. Leading and trailing white space is dropped.
func (r *Redactor) Excerpt(b []byte, n int) string {
	s := r.Redact(string(bytes.TrimSpace(b)))
	s = r.redactTail(s)
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// redactTail replaces the longest trailing prefix (MinLen bytes or more) of any secret form.
func (r *Redactor) redactTail(s string) string {
	if r == nil {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	longest := 0
	for _, v := range r.forms {
		for l := len(v) - 1; l >= max(MinLen, longest+1); l-- {
			if strings.HasSuffix(s, v[:l]) {
				longest = l
				break
			}
		}
	}
	if longest == 0 {
		return s
	}
	return s[:len(s)-longest] + Marker
}
