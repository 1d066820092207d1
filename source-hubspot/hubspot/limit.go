package hubspot

import (
	"context"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/insider-hubspot/connectors/internal/httpx"
)

// Limits are the client-side request budgets.
type Limits struct {
	// Search is the CRM search budget per second. HubSpot allows 5 per account; the default 4.75
	// stays a little under that, because a budget of exactly 5 meets 429s when requests arrive
	// unevenly. Lower it to leave room for other apps searching the same account; a 429 is
	// honoured either way. rate.Inf disables it.
	Search rate.Limit
	// Other is the budget for every other call per second (default 9: under the 100 per 10 seconds
	// of the smallest private-app tier). rate.Inf disables it.
	Other rate.Limit
	// OtherBurst is the burst for Other (default 10).
	OtherBurst int
}

func (l Limits) withDefaults() Limits {
	if l.Search == 0 {
		l.Search = 4.75
	}
	if l.Other == 0 {
		l.Other = 9
	}
	if l.OtherBurst <= 0 {
		l.OtherBurst = 10
	}
	return l
}

// classLimit waits for the budget of the request's class (search or other) before sending it,
// and slows the "other" class down when HubSpot's X-HubSpot-RateLimit-* headers say the burst
// window is nearly used up (search answers carry no such headers). Safe for concurrent use.
type classLimit struct {
	next   http.RoundTripper
	search *rate.Limiter
	other  *rate.Limiter
	sleep  httpx.SleepFunc
	now    func() time.Time

	mu         sync.Mutex
	pauseUntil time.Time // no "other" request starts before this
	sends      []send    // the last searchWindowCalls search sends, a ring (nil: no guard)
	sendAt     int       // the ring's oldest entry
	sendSeq    uint64    // sends recorded so far
	dailyMax   int       // X-HubSpot-RateLimit-Daily of the last answer that had it (0: unknown)
	dailyLeft  int       // the fewest X-HubSpot-RateLimit-Daily-Remaining answers have said lately
	dailyLow   time.Time // when dailyLeft last went down
	inflight   int       // requests sent whose answer is not in yet (limit_daily.go)
}

// HubSpot's search limit: searchWindowCalls per second. The token bucket spaces search starts
// evenly, but on a busy machine a request released on time can go out late, and the next ones on
// time, so that HubSpot sees six within one second (429 SECONDLY). The guard makes every search
// also wait until the searchWindowCalls-th send before it is searchWindow old.
const (
	searchWindowCalls = 5
	searchWindow      = time.Second + 50*time.Millisecond
)

func newClassLimit(next http.RoundTripper, l Limits, sleep httpx.SleepFunc, now func() time.Time) *classLimit {
	l = l.withDefaults()
	var sends []send
	if l.Search <= searchWindowCalls {
		sends = make([]send, searchWindowCalls)
	}
	return &classLimit{
		sends:  sends,
		next:   next,
		search: rate.NewLimiter(l.Search, 1),
		other:  rate.NewLimiter(l.Other, l.OtherBurst),
		sleep:  sleep,
		now:    now,
	}
}

// isSearch reports whether the request is a CRM search call (its own 5/s budget). List search
// (POST /crm/lists/<version>/search) is not one: the Lists API counts against the general limits.
func isSearch(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/search") &&
		!strings.Contains(r.URL.Path, "/crm/lists/")
}

// RoundTrip waits for budget, then sends the request, unless the account's daily limit is down
// to its reserve (limit_daily.go).
func (t *classLimit) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if isSearch(req) {
		if err := t.search.Wait(ctx); err != nil {
			return nil, err
		}
		wrote, err := t.searchGuard(ctx)
		if err != nil {
			return nil, err
		}
		done, err := t.admitDaily(req)
		if err != nil {
			return nil, err
		}
		defer done()
		trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { wrote() }}
		return t.next.RoundTrip(req.WithContext(httptrace.WithClientTrace(ctx, trace)))
	}
	t.mu.Lock()
	pause := t.pauseUntil.Sub(t.now())
	t.mu.Unlock()
	if pause > 0 {
		if err := t.sleep(ctx, pause); err != nil {
			return nil, err
		}
	}
	if err := t.other.Wait(ctx); err != nil {
		return nil, err
	}
	done, err := t.admitDaily(req)
	if err != nil {
		return nil, err
	}
	defer done()
	resp, err := t.next.RoundTrip(req)
	if err == nil {
		t.observe(resp.Header)
	}
	return resp, err
}

// searchGuard waits until the searchWindowCalls-th last search send is searchWindow old, then
// records this send. It gives up waiting after a few rounds (a frozen test clock never advances).
// wrote moves the recorded send to the moment the request was written to the connection, so that
// a request held up between the limiter and the wire (a busy machine, a connection being dialled)
// still counts from when HubSpot can first see it: the window holds for the writes, not only for
// the releases.
func (t *classLimit) searchGuard(ctx context.Context) (wrote func(), err error) {
	if t.sends == nil {
		return func() {}, nil
	}
	for round := 0; ; round++ {
		t.mu.Lock()
		now := t.now()
		oldest := t.sends[t.sendAt]
		if d := oldest.at.Add(searchWindow).Sub(now); round < 3 && !oldest.at.IsZero() && d > 0 {
			t.mu.Unlock()
			if err := t.sleep(ctx, d); err != nil {
				return nil, err
			}
			continue
		}
		t.sendSeq++
		slot, seq := t.sendAt, t.sendSeq
		t.sends[slot] = send{at: now, seq: seq}
		t.sendAt = (t.sendAt + 1) % len(t.sends)
		t.mu.Unlock()
		return func() {
			t.mu.Lock()
			defer t.mu.Unlock()
			if s := &t.sends[slot]; s.seq == seq {
				if at := t.now(); at.After(s.at) {
					s.at = at
				}
			}
		}, nil
	}
}

// send is one recorded search send: when it was released, then when it was written.
type send struct {
	at  time.Time
	seq uint64 // tells a later send in the same ring slot apart
}

// observe reads the burst-window headers. When fewer than a tenth of the window's requests are
// left, the remaining ones are spread over the window: the next request waits interval/remaining
// (the whole interval when none are left).
func (t *classLimit) observe(h http.Header) {
	t.observeDaily(h)
	maxN, err1 := strconv.Atoi(h.Get("X-HubSpot-RateLimit-Max"))
	left, err2 := strconv.Atoi(h.Get("X-HubSpot-RateLimit-Remaining"))
	if err1 != nil || err2 != nil || maxN <= 0 || left*10 >= maxN {
		return
	}
	interval := 10 * time.Second
	if ms, err := strconv.Atoi(h.Get("X-HubSpot-RateLimit-Interval-Milliseconds")); err == nil && ms > 0 {
		interval = time.Duration(ms) * time.Millisecond
	}
	wait := interval
	if left > 0 {
		wait = interval / time.Duration(left)
	}
	t.mu.Lock()
	if until := t.now().Add(wait); until.After(t.pauseUntil) {
		t.pauseUntil = until
	}
	t.mu.Unlock()
}

// Limits returns the client-side budgets in force (defaults filled in).
func (c *Client) Limits() Limits { return c.limits }
