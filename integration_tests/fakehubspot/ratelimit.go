package fakehubspot

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// limits tracks the search per-second window, the ten-secondly burst window and the daily count.
// Only admitted requests count against a window. When Options.RateLimits is off nothing is
// rejected, but the windows are still tracked so the headers stay realistic.
type limits struct {
	mu        sync.Mutex
	opts      *Options
	enabled   bool
	search    []time.Time
	burst     []time.Time
	dailyUsed int
	exhausted bool
}

func newLimits(o *Options) *limits { return &limits{opts: o, enabled: o.RateLimits} }

// prune drops window entries older than now-window; the slice stays sorted by time.
func prune(ts []time.Time, now time.Time, window time.Duration) []time.Time {
	cut := 0
	for cut < len(ts) && !ts[cut].After(now.Add(-window)) {
		cut++
	}
	if cut == 0 {
		return ts
	}
	return append(ts[:0], ts[cut:]...)
}

// admit applies the limits to one authenticated request. Search answers carry no rate-limit
// headers; other endpoints carry X-HubSpot-RateLimit-* (the daily pair only for private-app
// tokens, as HubSpot omits it for OAuth requests): https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines.
func (l *limits) admit(w http.ResponseWriter, ep Endpoint, auth string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ep == EndpointSearch {
		l.search = prune(l.search, now, time.Second)
		if l.enabled && len(l.search) >= l.opts.SearchPerSecond {
			writeRateLimited(w, PolicySecondly)
			return false
		}
		l.search = capWindow(append(l.search, now), l.opts.SearchPerSecond, l.enabled)
		return true
	}
	l.burst = prune(l.burst, now, l.opts.BurstWindow)
	h := w.Header()
	h.Set("X-HubSpot-RateLimit-Max", strconv.Itoa(l.opts.BurstMax))
	h.Set("X-HubSpot-RateLimit-Interval-Milliseconds", strconv.FormatInt(l.opts.BurstWindow.Milliseconds(), 10))
	dailyLeft := l.opts.DailyMax - l.dailyUsed
	if l.exhausted {
		dailyLeft = 0
	}
	setDaily := func(left int) {
		if auth == AuthPrivateApp {
			h.Set("X-HubSpot-RateLimit-Daily", strconv.Itoa(l.opts.DailyMax))
			h.Set("X-HubSpot-RateLimit-Daily-Remaining", strconv.Itoa(max(left, 0)))
		}
	}
	if dailyLeft <= 0 && (l.enabled || l.exhausted) {
		h.Set("X-HubSpot-RateLimit-Remaining", strconv.Itoa(max(l.opts.BurstMax-len(l.burst), 0)))
		setDaily(0)
		writeRateLimited(w, PolicyDaily)
		return false
	}
	if l.enabled && len(l.burst) >= l.opts.BurstMax {
		h.Set("X-HubSpot-RateLimit-Remaining", "0")
		setDaily(dailyLeft)
		writeRateLimited(w, PolicyTenSecondly)
		return false
	}
	l.burst = capWindow(append(l.burst, now), l.opts.BurstMax, l.enabled)
	l.dailyUsed++
	h.Set("X-HubSpot-RateLimit-Remaining", strconv.Itoa(max(l.opts.BurstMax-len(l.burst), 0)))
	setDaily(dailyLeft - 1)
	return true
}

// capWindow keeps a disabled limiter's window from growing without bound under a frozen test
// clock: beyond max entries only "remaining 0" matters.
func capWindow(ts []time.Time, limit int, enabled bool) []time.Time {
	if enabled || len(ts) <= limit+1 {
		return ts
	}
	return append(ts[:0], ts[len(ts)-limit-1:]...)
}

// SetRateLimits switches 429 answers for the search, ten-secondly and daily limits on or off.
func (s *Server) SetRateLimits(on bool) {
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	s.limits.enabled = on
}

// ExhaustDaily makes every non-search call answer 429 with policyName DAILY (on=true) until
// switched off, whether or not rate limits are enabled.
func (s *Server) ExhaustDaily(on bool) {
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	s.limits.exhausted = on
}

// TierLimit is one account tier's documented general limit per 10 s (BurstMax) and daily limit
// (DailyMax), as doc.go lists them with their sources.
type TierLimit struct {
	BurstMax int
	DailyMax int
}

// TierLimits returns the limits of a source rate_limits.account_tier setting (starter,
// public_app, professional, enterprise, limit_increase); ok is false for any other name.
func TierLimits(tier string) (l TierLimit, ok bool) {
	l, ok = tierLimits[tier]
	return l, ok
}

// tierLimits: see doc.go, "Limits per tier", for where each figure comes from.
var tierLimits = map[string]TierLimit{
	"starter":        {BurstMax: 100, DailyMax: 250000},
	"public_app":     {BurstMax: 110, DailyMax: 250000}, // daily: guessed, the smallest account's
	"professional":   {BurstMax: 190, DailyMax: 650000},
	"enterprise":     {BurstMax: 190, DailyMax: 1000000},
	"limit_increase": {BurstMax: 250, DailyMax: 1650000}, // daily: guessed, Professional + one pack
}

// ResetDaily starts a new day: the daily count goes back to DailyMax (HubSpot resets it at
// midnight in the account's time zone; the fake only when told).
func (s *Server) ResetDaily() {
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	s.limits.dailyUsed = 0
}
