// Package fakehubspot is an in-memory fake of the HubSpot APIs the source connector uses. It
// behaves like the real API as HubSpot's public API reference describes it; where HubSpot's exact
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
//   - GET /oauth/authorize?client_id&redirect_uri&scope&optional_scope&state stands for the
//     consent page on app.hubspot.com and consents at once: 302 to redirect_uri with code and
//     state (error=access_denied after DenyConsent). It answers 400 with a plain-text reason to
//     an unknown client id, a redirect_uri not among the app's redirect URLs, a required scope
//     missing from scope or sent in optional_scope, or a scope the app does not declare
//     (SetOAuthApp; DefaultOAuthApp until then). Optional scopes in SetUnavailableScopes are not
//     granted. Not logged or counted, no faults (it is not the API host).
//   - POST /oauth/2026-03/token with grant_type=authorization_code (client_id, client_secret,
//     code, redirect_uri of the consent): a code works once, for 10 minutes by Clock ->
//     {access_token, refresh_token (Options.RefreshToken), expires_in, token_type, token_use,
//     hub_id, scopes}; errors invalid_client BAD_CLIENT_ID|BAD_CLIENT_SECRET, invalid_grant
//     BAD_AUTH_CODE|BAD_REDIRECT_URI.
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
//   - POST /crm/objects/<v>/contacts/batch/read[?archived=true] {properties, idProperty,
//     inputs:[{id}]}: more than 100 inputs -> 400; some missing -> 207 with "numErrors":1 and one
//     OBJECT_NOT_FOUND error listing the ids in context.ids; all found -> 200
//     {"status":"COMPLETE",...}. archived=true reads archived contacts only (a merged-away id
//     resolves to nothing there: guessed).
//   - GET /account-info/<v>/details (2026-03 and 2027-03-beta, the documented versions; legacy
//     /account-info/v3/details) -> {portalId (Options.PortalID), accountType, timeZone,
//     companyCurrency, additionalCurrencies, utcOffset, utcOffsetMilliseconds, uiDomain,
//     dataHostingLocation}, for OAuth user and private-app tokens (an app token gets 401,
//     guessed). EndpointAccount.
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
// The model follows HubSpot's usage guidelines
// (https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines) and search
// reference (limits per tier: BurstMax; the bench sets it per rate_limits.account_tier). What HubSpot documents: searches are limited to 5 per second
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
//   - searches do not count against the daily limit (HubSpot does not say either way), and the
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
// # Lists
//
// Contact lists (segments) and HubSpot's dated Lists API, as its 2026-03 reference documents it
// (https://developers.hubspot.com/docs/api-reference/latest/crm/lists/guide.md). The calls count
// against the ten-secondly and daily limits like every non-search call (endpoints
// EndpointListsSearch, EndpointListsGet, EndpointListsMemberships, EndpointListsJoinOrder, for
// faults and counts), also answer on the legacy /crm/v3/lists/... paths (counted in LegacyCalls),
// and answer 403 MISSING_SCOPES naming crm.lists.read while DenyListsScope(true).
//
//   - POST /crm/lists/<v>/search {query, processingTypes, listIds, objectTypeId, offset, count,
//     additionalProperties, sort} -> {lists, hasMore, offset (the next one), total}. count 20 by
//     default, at most 500; deleted lists are left out. Each list: listId (a digit string),
//     listVersion, name, objectTypeId, processingStatus, processingType, createdAt, updatedAt,
//     filtersUpdatedAt, additionalProperties {hs_list_size, hs_last_record_added_at,
//     hs_last_record_removed_at (epoch ms strings), hs_list_reference_count; unset ones left out}.
//   - GET /crm/lists/<v>/{listId}[?includeFilters=true] -> {list}; a deleted list has deletedAt
//     (until purged after ListRetention); an unknown id is 404 OBJECT_NOT_FOUND.
//   - GET /crm/lists/<v>/{listId}/memberships?limit&after and .../memberships/join-order:
//     {results: [{recordId, membershipTimestamp}], paging.next.after (an opaque token), total}.
//     limit 100 by default, at most 250; ascending record id (join order: ascending
//     membershipTimestamp); a deleted or unknown list is 404.
//
// Lists change only through the helpers (what a user or workflow does) and, for DYNAMIC lists,
// through contact changes: CreateList(ListSpec) (id, error); AddListMembers / RemoveListMembers
// (id, at, recordIDs...) for MANUAL and SNAPSHOT lists; RenameList(id, name, at);
// SetListFilter(id, conditions, at) for DYNAMIC lists; DeleteList(id, at); RestoreList(id, at);
// inspection with List(id), Lists(), ListMembers(id). A zero at means Clock. A DYNAMIC list is
// re-evaluated against every contact change (UpdateContact, AddContacts, churn ...): the contact
// joins or leaves stamped with its lastmodifieddate (never earlier than the previous look at the
// lists); deleted contacts leave every contact list, merged-away ones too (the merged contact takes
// their MANUAL and SNAPSHOT memberships, and DYNAMIC lists evaluate it). Options.Lists
// (ListOptions) sets what HubSpot does not document: EvaluationLag (background processing delay,
// processingStatus PROCESSING meanwhile; SetListEvaluationLag changes it), BackgroundKeepsStamps
// (re-evaluations leave hs_list_size, the record stamps and updatedAt unchanged) and
// MergeDropsManualMemberships. Each guess is marked where it is coded (lists_*.go).
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
// # Property history, clears and identity changes
//
// Every value change is recorded with its time and source (UpdateContact, churn and AddContacts
// replacing a contact included; a contact's first values count as an IMPORT at its createdate).
// Reads take HubSpot's propertiesWithHistory:
//
//   - POST .../contacts/batch/read {"properties": [...], "propertiesWithHistory": ["email"],
//     "inputs": [...]}: with a non-empty propertiesWithHistory, more than 50 inputs -> 400
//     VALIDATION_ERROR "The maximum number of inputs supported in a batch request for property
//     histories is 50. Please reduce the number of items and try again" (HubSpot's answer, quoted in
//     https://github.com/activepieces/activepieces/pull/9359);
//   - GET .../contacts/{id}?propertiesWithHistory=email,phone, and the list endpoint (whose page
//     is then capped at 50: guessed, HubSpot only says history "will reduce" it).
//
// Each object then has "propertiesWithHistory": {"email": [{"value", "timestamp", "sourceType",
// "sourceId", "sourceLabel", "updatedByUserId"}, ...]}, newest first (the order peers see; the
// reference does not state it), optional members left out when empty; a known property never set
// has [] and an unknown one is left out (guessed). A cleared property is "" in properties and in
// its history, as HubSpot documents clearing (set it to "") and returns it; never-set properties
// stay null. Search filters treat "" as unset, and a clear moves lastmodifieddate, so windows see it.
//
//	ChangeEmail(id, at, email) error     // refused when another live contact has the email
//	ChangePhone(id, at, v); ChangeMobilePhone(id, at, v)
//	ClearProperties(id, at, names...)    // HubSpot's clear: the value becomes ""
//	UpdateContactFrom(id, at, Source{Type, ID, Label, UserID}, props)
//	PropertyHistory(id, name) []PropertyVersion  // newest first, as the API answers
//
// A merged contact keeps, per property, the history of the contact whose value won (guessed).
//
// # Permanent deletions and restores
//
//	PermanentlyDeleteContact(id, at) error // GDPR delete: live or archived, gone from search, list,
//	                                       // archived list, GET (404) and batch read (207 error),
//	                                       // with its history; ids merged into it stop resolving;
//	                                       // an id merged away is refused (the error names its
//	                                       // contact). HubSpot's email blocklist is not modelled.
//	RestoreContact(id, at) error           // archived -> live under its id; leaves the archived
//	                                       // list; lastmodifieddate = at (guessed); refused when a
//	                                       // live contact has its email (guessed, emails are unique)
//
// Merged then deleted: the survivor is archived (archived list shows it with
// hs_merged_object_ids) and its merged-away ids answer 404 like it. Merged then erased: nothing of
// any of the ids is left.
//
// # Webhooks journal
//
// HubSpot's pull API for object changes
// (https://developers.hubspot.com/docs/api-reference/latest/webhooks-journal/guide). Options.Journal
// (JournalOptions) sets Versions (2026-03 and 2027-03-beta, the documented ones; 2026-09 answers
// 404), Retention (72 h by Clock), URLTTL (15 min, guessed), AppScopes (JournalScopes and
// crm.objects.contacts.read), AppID, and the guessed behaviours LegacyApp, HidePermanentDeletes,
// DeleteOnMerge and Buffered (below).
//
//   - POST /oauth/2026-03/token (and /oauth/v1/token) form grant_type=client_credentials,
//     client_id, client_secret, scope (space-separated) -> {access_token, expires_in,
//     token_type, scopes}, no refresh token; bad client id or secret as for refreshes, a scope
//     outside AppScopes -> 400 invalid_scope / BAD_SCOPES (guessed), LegacyApp -> 400
//     unsupported_grant_type (guessed). The app token works on the journal endpoints only (the
//     CRM endpoints answer it 401 as an unknown token, guessed); OAuth user and private-app tokens
//     get 403 MISSING_SCOPES from the journal (guessed: HubSpot documents the token kind, not the
//     answer). Each endpoint needs its scope: developer.webhooks_journal.read for reads,
//     .subscriptions.read for GET subscriptions, .subscriptions.write to create or delete.
//   - POST /webhooks-journal/subscriptions/<v> {subscriptionType: "OBJECT", portalId,
//     objectTypeId: "0-1", actions, objectIds, properties} -> 200 Subscription; one per portal
//     and object type, updated when posted again (HubSpot: "Create or update"; the key is
//     guessed). Actions CREATE UPDATE DELETE MERGE RESTORE (and HubSpot's others, accepted but
//     never recorded); GDPR_DELETE only on 2027-03-beta; 400 VALIDATION_ERROR for a missing or
//     foreign portalId, another type or object type, no or unknown actions. The token must
//     carry crm.objects.contacts.read (guessed reading of the guide). objectIds and properties,
//     when given, narrow what is recorded (guessed). GET lists {"results": [...]}; DELETE
//     .../{id} and .../portals/{portalId} -> 204.
//   - GET /webhooks-journal/journal-local/<v>/earliest | latest | offset/{offset}/next (and the
//     global /webhooks-journal/journal/<v>/..., the same entries; installPortalId other than
//     PortalID reads an empty journal) -> {url, expiresAt, currentOffset}, or 204 with no body
//     when there is no entry; next on an offset past the retention or never issued -> 404
//     OBJECT_NOT_FOUND (documented). batch/earliest/{count} and batch/latest/{count} (1..100)
//     -> {status: "COMPLETE", results: [...], requestedAt, startedAt, completedAt}; POST
//     batch/read {inputs: [offsets]} -> the same, 207 with numErrors and errors for offsets that
//     cannot be read (status guessed).
//   - GET url (served by the fake, no authentication) -> {offset, journalEvents: [{type:
//     "OBJECT", portalId, occurredAt, objectTypeId: "0-1", objectId, action, propertyChanges,
//     mergedObjectIds}], publishedAt} (shapes as a public client verified them live). Guessed,
//     S3-like: an Authorization header -> 400, a tampered URL -> 403 SignatureDoesNotMatch, after
//     expiresAt -> 403 "Request has expired", an entry past the retention -> 404; XML bodies.
//
// Only changes made while a subscription exists are journaled, each as its own entry at once
// (Buffered: recorded events wait for PublishJournal, which writes them as one entry). Offsets are
// UUID-shaped opaque strings that sort in journal order. Recorded: CREATE (AddContacts of a new
// contact, propertyChanges its values), UPDATE (changed values only; "" sent as null, guessed;
// a touch without a value change records nothing), DELETE (archive), RESTORE, MERGE (objectId the
// survivor, mergedObjectIds the ids merged away; DeleteOnMerge adds a DELETE per merged-away id,
// as classic webhooks do). A permanent deletion records GDPR_DELETE under a subscription with
// that action, else DELETE, indistinguishable from an archive (guessed: whether and how the
// 2026-03 journal records privacy deletions is not documented); HidePermanentDeletes records
// nothing instead.
//
//	IssueAppToken(scopes...) string; AppTokensIssued(); ExpireAppTokens()
//	Subscriptions() []Subscription; JournalEvents() []JournalEvent; PublishJournal()
//
// Journal calls count against the ten-secondly limit like other calls (guessed); downloads do not.
// Endpoints for faults and the log: EndpointJournalSubscriptions, EndpointJournal,
// EndpointJournalFile; the app token's log kind is AuthApp.
//
// # Scale
//
// Contacts are kept sorted by id in parallel slices; a search scans the id range its filters
// allow once and caches the ordered match list per query until the data changes, so paging a
// query over 1,000,000 contacts costs O(page) per page (see the benchmarks in bench_test.go).
package fakehubspot
