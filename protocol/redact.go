package protocol

import (
	"context"

	"github.com/insider-hubspot/connectors/internal/redact"
)

// Redactor removes secrets from text, with their URL, JSON and base64 forms. It is safe for
// concurrent use; secrets may be added at any time (an OAuth access token obtained mid-run).
type Redactor = redact.Redactor

// NewRedactor returns a Redactor that knows the given secrets.
func NewRedactor(secrets ...string) *Redactor { return redact.New(secrets...) }

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
