package fakeinsider

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Per-minute budgets of Insider's user APIs. Documented in each API's "Limitations" (Insider's
// Postman collection, https://developers.insiderone.com/view/metadata/2sB3dSR9bM): upsert
// 25,000 requests a minute, shared with attribute delete; update identifiers 2,000; delete user
// 10,000; anonymize 500; get user profiles 1,000 quota units. Delete identifiers: the
// collection says 25,000, a third-party copy of Insider's rate-limit page 1,000; the fake takes
// 1,000.
//
// Inferred: the budgets are counted in fixed clock minutes (Options.Clock) per partner, a
// request over budget is answered 429 {"error":"rejected: too many requests"} with Retry-After
// in seconds to the next minute (the header is "sometimes present"), the quota of the profile
// API is refused the same way, and a refused request does not count.

// DefaultRateLimits returns Insider's documented per-minute budgets, for Options.RateLimits.
// EndpointUpsert's budget also covers EndpointAttributeDelete; EndpointProfile's is in quota
// units (see profileCost).
func DefaultRateLimits() map[Endpoint]int {
	return map[Endpoint]int{
		EndpointUpsert: 25000, EndpointIdentity: 2000, EndpointIdentityDelete: 1000,
		EndpointDelete: 10000, EndpointAnonymize: 500, EndpointProfile: 1000,
	}
}

// budgets counts what each budget used in the current minute.
type budgets struct {
	mu     sync.Mutex
	limits map[Endpoint]int
	minute time.Time
	used   map[Endpoint]float64
}

func newBudgets(limits map[Endpoint]int) *budgets {
	return &budgets{limits: limits, used: map[Endpoint]float64{}}
}

// pool is the budget an endpoint draws on.
func pool(ep Endpoint) Endpoint {
	if ep == EndpointAttributeDelete {
		return EndpointUpsert
	}
	return ep
}

// take draws cost units of ep's budget at now. It returns whether the request may go on, the
// units used this minute (this request included when it goes on) and the time to the next
// minute.
func (b *budgets) take(ep Endpoint, cost float64, now time.Time) (ok bool, used float64, wait time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if m := now.Truncate(time.Minute); !m.Equal(b.minute) {
		b.minute, b.used = m, map[Endpoint]float64{}
	}
	ep = pool(ep)
	limit, limited := b.limits[ep]
	wait = b.minute.Add(time.Minute).Sub(now)
	if limited && b.used[ep]+cost > float64(limit) {
		return false, b.used[ep], wait
	}
	b.used[ep] += cost
	return true, b.used[ep], wait
}

// throttle takes cost units of ep's budget; when the budget is spent it answers 429 and returns
// true.
func (s *Server) throttle(w http.ResponseWriter, ep Endpoint, cost float64) bool {
	ok, _, wait := s.budgets.take(ep, cost, s.opts.Clock())
	if ok {
		return false
	}
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	writeJSON(w, http.StatusTooManyRequests, bodyTooMany)
	return true
}
