package hubspot

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// DailyReserve is the share of the account's daily limit the client never spends, whatever the
// call (search, list, batch read, events): it is left to the account's other apps and to
// HubSpot's own tools until the limit resets at midnight in the account's time zone. The client
// knows the daily count only from X-HubSpot-RateLimit-Daily-Remaining, which HubSpot sends to
// private apps alone; an OAuth app never sees it and meets the limit as a 429 DAILY answer.
//
// A request that would eat into the reserve is not sent: it fails at once with a
// *DailyReserveError, which the caller treats like HubSpot's 429 DAILY (stop, keep what was
// delivered, resume in a later run). The count the answers report lags behind the requests
// still in flight, so those are subtracted first: at most the requests left above the reserve
// are ever sent, and the account's count never reaches 0 through this client.
const DailyReserve = 0.02

// DailyReserveError is a request the client did not send because the account's daily limit is
// down to DailyReserve.
type DailyReserveError struct {
	Method, Path string
	Left         int // requests left, as the answers report them, minus those in flight
	Limit        int // the account's daily limit
	Reserve      int // the requests the client leaves unspent
}

func (e *DailyReserveError) Error() string {
	return fmt.Sprintf("not sent: HubSpot's daily API limit is down to %d of %d requests, and the connector leaves the last %d (%g%%) to other apps",
		max(e.Left, 0), e.Limit, e.Reserve, 100*DailyReserve)
}

// dailyReserve is the reserve of a daily limit in requests (at least one).
func dailyReserve(limit int) int { return max(int(math.Ceil(DailyReserve*float64(limit))), 1) }

// admitDaily counts req as in flight, or refuses it when the daily limit (when known) is down to
// the reserve. done must be called once the answer (or the failure) is in.
func (t *classLimit) admitDaily(req *http.Request) (done func(), err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.dailyMax > 0 {
		left, reserve := t.dailyLeft-t.inflight, dailyReserve(t.dailyMax)
		if left <= reserve {
			return nil, &DailyReserveError{Method: req.Method, Path: req.URL.Path, Left: left, Limit: t.dailyMax, Reserve: reserve}
		}
	}
	t.inflight++
	return func() {
		t.mu.Lock()
		t.inflight--
		t.mu.Unlock()
	}, nil
}

// Answers to concurrent requests arrive in any order, so a later one may say more requests are
// left than an earlier one did. Only a lower count is believed, unless dailyRecount has passed
// since the count last went down: then a higher one is the limit's daily reset.
const dailyRecount = time.Minute

// observeDaily notes the daily pair, which HubSpot sends to private apps only.
func (t *classLimit) observeDaily(h http.Header) {
	maxN, err1 := strconv.Atoi(h.Get("X-HubSpot-RateLimit-Daily"))
	left, err2 := strconv.Atoi(h.Get("X-HubSpot-RateLimit-Daily-Remaining"))
	if err1 != nil || err2 != nil || maxN <= 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	switch {
	case maxN != t.dailyMax || left < t.dailyLeft:
		t.dailyMax, t.dailyLeft, t.dailyLow = maxN, left, now
	case left > t.dailyLeft && now.Sub(t.dailyLow) >= dailyRecount:
		t.dailyLeft, t.dailyLow = left, now
	}
}

// DailyRemaining returns what the answers say of the account's daily limit: the requests left
// (the fewest any recent answer reported) and the limit, with known false when no answer carried
// the daily headers (OAuth apps never get them).
func (c *Client) DailyRemaining() (left, limit int, known bool) {
	t := c.limiter
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.dailyLeft, t.dailyMax, t.dailyMax > 0
}
