package protocol

import (
	"context"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// Redactor removes secrets from text. It is safe for concurrent use; secrets may be added at any
// time (an OAuth access token obtained mid-run).
type Redactor struct {
	mu       sync.RWMutex
	secrets  []string
	replacer *strings.Replacer
}

// redacted replaces every secret in output.
const redacted = "**********"

// minSecretLen keeps very short values (a "1", a "true") from being treated as secrets, which
// would shred every message without protecting anything.
const minSecretLen = 4

// NewRedactor returns a Redactor that knows the given secrets.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		r.Add(s)
	}
	return r
}

// Add makes r redact s and its URL-encoded forms.
func (r *Redactor) Add(s string) {
	s = strings.TrimSpace(s)
	if len(s) < minSecretLen {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range []string{s, url.QueryEscape(s), url.PathEscape(s)} {
		if !contains(r.secrets, v) {
			r.secrets = append(r.secrets, v)
		}
	}
	// Longest first, so a secret containing another is replaced whole.
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	pairs := make([]string, 0, 2*len(r.secrets))
	for _, v := range r.secrets {
		pairs = append(pairs, v, redacted)
	}
	r.replacer = strings.NewReplacer(pairs...)
}

// Redact returns s with every known secret replaced.
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

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

type redactorKey struct{}

// withRedactor returns ctx carrying r.
func withRedactor(ctx context.Context, r *Redactor) context.Context {
	return context.WithValue(ctx, redactorKey{}, r)
}

// AddSecret makes the run's output redact secret (for example an OAuth access token obtained
// mid-run). It does nothing when ctx carries no run.
func AddSecret(ctx context.Context, secret string) {
	if r, ok := ctx.Value(redactorKey{}).(*Redactor); ok {
		r.Add(secret)
	}
}

// RedactorFrom returns the run's Redactor, or an empty one.
func RedactorFrom(ctx context.Context) *Redactor {
	if r, ok := ctx.Value(redactorKey{}).(*Redactor); ok {
		return r
	}
	return NewRedactor()
}
