// Package httpx holds the HTTP resilience rules both connectors' clients share: how a
// Retry-After header is read, how long one request may wait to be retried (WaitLimit), a
// cancellable sleep, and a description of transport failures a person can act on. It knows
// nothing of Airbyte, HubSpot or Insider.
//
// It is the seed of one resilience layer for both clients: today each client keeps its own
// retry loop and calls these helpers, so that the rules themselves exist once.
package httpx
