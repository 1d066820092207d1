// Package fakehubspot is an in-memory fake of the HubSpot APIs the source connector uses. It
// behaves like the real API as described in shared/research/hubspot.md; where HubSpot's exact
// answer is not public, the choice made is noted next to the code.
//
// # Starting
//
//	srv := fakehubspot.New(fakehubspot.Options{Clock: clk.Now})   // 127.0.0.1, free port
//	defer srv.Close()
//	srv.AddContacts(datagen.Contacts(datagen.Options{Seed: 1, Count: 500})...)
//	// source config: api_base_url = srv.URL, and either
//	//   OAuth: client_id "test-client-id", client_secret "test-client-secret",
//	//          refresh_token "test-refresh-token"
//	//   private app: access_token "pat-na1-test-token"
//
// Options (all optional): Clock (token expiry, index lag, rate-limit windows), Sleep (latency
// faults), ClientID / ClientSecret / RefreshToken / PrivateAppToken, AccessTokenTTL (30 min),
// PortalID (123456), APIVersions (DefaultAPIVersions: 2026-03, 2026-09, 2027-03-beta), IndexLag (0 = none), RateLimits (false), SearchPerSecond (5), BurstMax /
// BurstWindow (100 / 10 s), DailyMax (250,000), Properties (DefaultProperties()),
// EventDefinitions (DefaultEventDefinitions(PortalID)), MaxLogEntries (100,000).
// NewUnstarted + HTTPServer + Start allow a custom listener (fakeserve binds fixed addresses).
//
// # Endpoints
//
// Each operation answers on its date-based path (below, <v> is one of Options.APIVersions) and
// on its legacy v1/v3 path, which HubSpot stops serving in 2027: /oauth/v1/token,
// /crm/v3/properties/contacts, /crm/v3/objects/contacts[/search|/batch/read|/{id}],
// /events/v3/event-definitions, /events/v3/events. Legacy calls are counted (LegacyCalls,
// LoggedRequest.Legacy). A version not served, like any unknown path, gets 404
// OBJECT_NOT_FOUND (HubSpot's answer is not documented; this body is the fake's guess and is
// deliberately the same as a missing contact's).
//
//   - POST /oauth/2026-03/token (form grant_type=refresh_token, client_id, client_secret,
//     refresh_token; nothing in the query) -> {access_token, refresh_token, expires_in,
//     token_type:"bearer", token_use}; bad values -> 400 {"error":"invalid_client"|
//     "invalid_grant"|"unsupported_grant_type"|"invalid_request","error_description":...,
//     "status":"BAD_CLIENT_ID"|"BAD_CLIENT_SECRET"|"BAD_REFRESH_TOKEN"|"BAD_GRANT_TYPE",
//     "message":...}. Access tokens expire after AccessTokenTTL by Clock. The client
//     credentials must be in the form body (HubSpot documents only that); HTTP Basic alone is
//     refused with BAD_CLIENT_ID, so use oauth2.AuthStyleInParams.
//   - Every other endpoint needs "Authorization: Bearer <token>": missing or unknown -> 401
//     category INVALID_AUTHENTICATION; expired -> 401 EXPIRED_AUTHENTICATION ("The OAuth token
//     used to make this call expired N minute(s) ago.").
//   - GET /crm/properties/<v>/contacts: {"results":[Property...]}, no paging.
//   - POST /crm/objects/<v>/contacts/search: filterGroups (OR of groups, AND of filters; a
//     top-level "filters" is one group), at most 5 groups / 6 filters per group / 18 filters;
//     operators EQ NEQ LT LTE GT GTE BETWEEN IN NOT_IN HAS_PROPERTY NOT_HAS_PROPERTY
//     CONTAINS_TOKEN NOT_CONTAINS_TOKEN; lastmodifieddate and createdate values in epoch ms or
//     ISO 8601, hs_object_id numeric; other properties compared by type (strings
//     case-insensitively, enumerations case-sensitively). One sort (object or bare name; only
//     the first counts; ties by id), default id ascending. "query" (free text, at most 3,000
//     characters) matches firstname, lastname, email, phone, mobilephone, company or
//     hs_email_domain by substring and is AND-ed with the filters. limit 1..200 (default 10, else 400),
//     after = integer offset string; after+limit > 10,000 -> 400 VALIDATION_ERROR, while the
//     page before still offers paging.next.after "10000" as HubSpot does. Response {total (real
//     match count), results:[{id, properties, createdAt, updatedAt, archived}], paging}.
//     Returned properties: the requested ones (default createdate, email, firstname,
//     hs_object_id, lastmodifieddate, lastname) plus hs_object_id, createdate and
//     lastmodifieddate always; unset ones are null; unknown names are left out. Archived
//     contacts never match. With IndexLag, a contact whose lastmodifieddate is later than
//     Clock()-IndexLag is invisible to search (list, get and batch read see it). No rate-limit
//     headers on search answers.
//   - GET /crm/objects/<v>/contacts?limit<=100&after=<id>&properties=a,b&archived=true
//     (archived=true lists only archived contacts; after is the next id, from paging.next.after).
//   - GET /crm/objects/<v>/contacts/{id}?idProperty=email&properties=..: 404 OBJECT_NOT_FOUND.
//   - POST /crm/objects/<v>/contacts/batch/read {properties, idProperty, inputs:[{id}]}: more
//     than 100 inputs -> 400; some missing -> 207 with "numErrors":1 and one OBJECT_NOT_FOUND
//     error listing the ids in context.ids; all found -> 200 {"status":"COMPLETE",...}.
//   - GET /events/custom/<v>/event-definitions?limit&after: {total, results:[{id, name,
//     fullyQualifiedName, labels, properties:[Property...], ...}], paging}.
//   - GET /events/event-occurrences/<v>?eventType&objectType&objectId&occurredAfter&occurredBefore&sort
//     &limit<=100&after: results in occurredAt order (ties by id), opaque after cursor, no total.
//
// A request URI (path and query) longer than MaxURLLength (16 KB) is answered 414 with an HTML
// body before authentication (HubSpot's limit is "about 16 KB"; status and body are guesses).
//
// Values are HubSpot's strings: numbers "42", booleans "true", datetimes
// "2026-01-02T03:04:05.678Z", dates "2026-01-02".
//
// # Rate limits
//
// The model follows research hubspot.md §1.4 and §8 (limits per tier: BurstMax; the bench sets
// it per rate_limits.account_tier). What HubSpot documents: searches are limited to 5 per second
// per account and are exempt from the ten-secondly limit; every other call counts against the
// app's limit per rolling 10 s (100 to 250 by tier) and the account's daily limit (250,000 and
// up); search answers carry no rate-limit headers. What the fake guesses, where HubSpot says
// nothing:
//   - a request counts when it arrives: the limits are checked before SetLatency's delay, and a
//     refused request is answered at once;
//   - the search second is a sliding window ("more than SearchPerSecond searches started within
//     any 1 s"), the strictest reading; HubSpot may use fixed seconds, which such a window never
//     refuses more than;
//   - refused requests do not count against a window;
//   - searches do not count against the daily limit (research: unverified either way), and the
//     daily count resets only on ResetDaily (HubSpot resets it at midnight in the account's time zone).
//
// Non-search answers carry X-HubSpot-RateLimit-Max, -Remaining, -Interval-Milliseconds, and for
// private-app tokens -Daily and -Daily-Remaining (HubSpot omits the daily pair for OAuth). With
// RateLimits on (or SetRateLimits(true)): more than SearchPerSecond searches in a second -> 429
// policyName SECONDLY ("You have reached your secondly limit."); more than BurstMax other calls
// in BurstWindow -> 429 TEN_SECONDLY_ROLLING; more than DailyMax -> 429 DAILY. ExhaustDaily(true)
// forces DAILY 429s even with limits off. Bodies: {status, message, errorType:"RATE_LIMIT",
// correlationId, policyName, requestId}; no Retry-After (HubSpot does not document one).
//
// # Limits per tier
//
// TierLimits(tier) gives the BurstMax and DailyMax of each source rate_limits.account_tier. The
// Professional, Enterprise and API Limit Increase figures are those of HubSpot's changelog
// "Increasing our API limits" (https://developers.hubspot.com/changelog/increasing-our-api-limits:
// Professional 650,000 a day and 190 per 10 s, Enterprise 1,000,000 and 190, the capacity pack
// +1,000,000 a day, up to two packs, and 250 per 10 s, which does not stack); Free/Starter and
// public apps are from HubSpot's usage guidelines
// (https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines). The bench
// starts its realistic fake with them:
//
//	tier            per 10 s  per day     source
//	starter         100       250,000     private app, Free and Starter (usage guidelines)
//	public_app      110       250,000     public OAuth app, per installing account; daily: guessed
//	                                      (HubSpot states none for public apps, and the account's
//	                                      limit applies: the smallest, Free/Starter's, is assumed)
//	professional    190       650,000     private app, Professional (changelog)
//	enterprise      190       1,000,000   private app, Enterprise (changelog)
//	limit_increase  250       1,650,000   with the API Limit Increase pack (changelog: +1,000,000
//	                                      a day per pack); daily: guessed as Professional with one
//	                                      pack
//
// HubSpot sends the daily pair of headers to private apps only; the fake does the same whatever
// the tier, so an OAuth client never sees the daily count.
//
// # Faults (per Endpoint, or EndpointAny for all)
//
//	SetLatency(ep, d)       // delay via Options.Sleep, after the rate limits admitted the request
//	RateLimitNext(ep, n)    // next n answers 429 (SECONDLY on search, else TEN_SECONDLY_ROLLING)
//	FailNext(ep, n, status) // next n answers status (500/502/503/504) with a JSON body
//	DropNext(ep, n)         // next n connections close mid-response
//	AnswerNext(ep, n, a)    // next n answers are a: the caller's status, headers and body
//	EmptySearchPages(nth, count) // the nth search from now and count-1 more (count < 0: all
//	                        // from then on) answer no results with paging.next.after set;
//	                        // EmptySearchPagesServed() counts them
//	FailContact(id, status) // any answer that would include contact id fails; status 0 clears
//	DenyEvents(on)          // both event endpoints 403 MISSING_SCOPES
//	DenyContactsScope(on)   // contacts endpoints 403 MISSING_SCOPES
//	RevokeRefreshToken(on); ExpireAccessTokens(); ClearFaults()
//
// Injected faults are served before authentication, without the latency, and count in the
// request log.
//
// # A busy portal
//
// Search evaluates every page against the live store, as HubSpot evaluates each page against
// its live index: a contact changed between two pages of one query shifts the offsets of the
// later pages. To change contacts while a reader pages:
//
//	SetChurn(Churn{PerPage: 25})  // after each search page, its first 25 contacts get a new
//	                              // firstname and lastmodifieddate = Clock() (At overrides)
//	Churned()                     // modifications made, contacts modified
//	OnSearchPage(func(ids []int64) {...}) // any other change, after each page, before the next
//
// # Data and inspection
//
//	AddContacts(cs...) []int64; UpdateContact(id, at, props) error; TouchContacts(at, ids...);
//	DeleteContact(id, at) error (archives: archivedAt = at, listed with archived=true);
//	MergeContacts(primary, secondary, at) (newID, error) (HubSpot's current merge: a new id,
//	both old ids resolve to it, hs_merged_object_ids lists them); MergeContactsKeepingPrimary
//	(the earlier merge: the primary keeps its id); MergedInto(id);
//	Contact(id); ContactByEmail(e); ContactCount(); ContactIDs()
//	AddEvents(evs...) []string (an occurrence added with a past OccurredAt is visible from
//	then on, as a backdated, batched or retried send that HubSpot shows late);
//	Events(); AddEventDefinitions(defs...); EventDefinitions(); DeleteEventDefinition(fqn);
//	SetProperties(ps); SetIndexLag(d); SetRateLimits(on); ExhaustDaily(on); ResetDaily();
//	IssueAccessToken(); TokensIssued()
//	Count(ep); LegacyCalls(); StatusCount(code); Served429(); MaxSearchAfter(); Requests(); RequestsTo(ep);
//	ResetStats()
//
// # Scale
//
// Contacts are kept sorted by id in parallel slices; a search scans the id range its filters
// allow once and caches the ordered match list per query until the data changes, so paging a
// query over 1,000,000 contacts costs O(page) per page (see the benchmarks in bench_test.go).
package fakehubspot
