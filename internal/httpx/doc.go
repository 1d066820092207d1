// Package httpx is the HTTP resilience layer both connectors' clients share: the retry
// RoundTripper (Retry, with a per-client Policy), the backoff it waits by (Backoff), how a
// Retry-After header is read (ParseRetryAfter), how long one request may wait to be retried
// (WaitLimit), a cancellable sleep, body draining and replay, and a description of transport
// failures a person can act on. It knows nothing of Airbyte, HubSpot or Insider.
package httpx
