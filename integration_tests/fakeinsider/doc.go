// Package fakeinsider is an in-memory fake of Insider One's Unified Customer Database API that
// behaves like the real one as Insider documents it (its Postman collection,
// https://developers.insiderone.com/view/metadata/2sB3dSR9bM, and its academy pages). What the
// documents leave open the fake guesses, and says so in the file that does it.
//
// Start one per test (it listens on 127.0.0.1, port 0):
//
//	srv := fakeinsider.New(fakeinsider.Options{})   // partner "testpartner", key "test-api-key"
//	defer srv.Close()
//	// destination config: api_base_url = srv.URL, partner_name / api_key as above
//
// # Endpoints
//
// Every endpoint needs X-PARTNER-NAME equal to Options.PartnerName (lowercase, exact), else 400
// {"success":false,"message":"Partner is invalid."}, and X-REQUEST-TOKEN equal to Options.APIKey,
// else 401 {"success":false,"message":"Partner token authentication failed."}; DenyAccess makes
// valid credentials get 403 {"success":false,"message":"Access Denied. ..."}.
//
// POST /api/user/v1/upsert: a body over MaxBodyBytes (5,000,000) is 400 {"error":"request body
// is bigger than maximum allowed size 5,000,000 bytes"}; no users is 400 {"error":"users must be
// defined: bad request"}; more than MaxUsers (1,000) users is 400 {"error":"..."} (text guessed).
// Otherwise the answer is 200 {"data":{"successful":{"count":n}|{},"fail":{"count":m,
// "errors":{...}}|{}}} where errors are keyed users.<i>.<path>.<rule> exactly as Insider's
// samples for: email format, E.164 phone, uuid not a string, unknown identifier key, no
// identifiers/insider_id, invalid event name (uppercase rejected), purchase/cart_page_view
// required params (quantity is not required: Insider's own sample omits it); and, with keys inferred
// in the same style: no attributes and no events, empty attributes, missing
// event_name/timestamp, non-RFC 3339 timestamp, birthday not ending in Z, invalid
// attributes.email/phone_number. The top-level error_callback_endpoint is recorded per request.
// A user with any error is rejected whole; valid users of the same request are stored.
//
// Accepted users then pass the account's rules (account.go), which leave values out rather
// than reject the user (a guess: Insider documents the rules, not the outcome) and count them
// (Ignored): custom attributes the account does not declare (Options.CustomAttributes, default
// DefaultCustomAttributes) or whose value is not of the declared type; a country that is not
// ISO 3166-1 alpha-2; email/phone_number/uuid sent under attributes; identifiers outside
// identity resolution (Options.IdentityIdentifiers) become attributes; events older than
// Options.EventRetention (90 days; purchase 730) are not written.
//
// POST /api/user/v3/metadata/columns {"table":"contacts"|"events"} lists default attributes plus
// the declared custom attributes (c_ prefix) with their types, or the event names and params
// seen; Options.NoMetadata makes it 404.
//
// POST /api/user/v1/profile {"identifiers":{...}|"insider_id":...,"attributes":[...],"events":
// {"start_date","end_date","wanted":[{"event_name","params"}]},"quota":bool} (Insider's Get User
// Profiles, the documented way to learn whether a user exists) answers 404 {"error":"no such
// user for these identifiers: no data"} or 200 {"attributes":{the ones asked for that the
// profile has; c_<name> for custom ones},"events":{name:[{params...,"created_date"}]},"quota":
// {"cost","used","total"}}; 400 without attributes and events. See profileapi.go.
//
// POST /api/user/v1/attribute/delete {"users":[{"identifiers":{...}|"insider_id":...,"whole":
// [...],"partial":{attr:[values]},"custom":{"whole":[...],"partial":{...}}}]} removes whole
// attributes and values of array attributes ("list_id" is static_segment_id); identifiers are
// not deleted; at most MaxUsers users and MaxBodyBytes bytes. The answer is upsert's 200 shape
// with per-user errors (an unknown user: users.<i>.identifiers.exists ["no such user for these
// identifiers: no data"]; nothing is created), or 200 {} with Options.EmptyAttributeDeleteAnswer
// when no user failed. See attrdelete.go.
//
// POST /api/user/v1/delete {"identifiers":{...}} (or {"insider_id":...}) deletes every profile
// holding one of the identifiers (a worst-case guess) and answers 200 {} (also when none
// matched). POST /api/user/v1/anonymize {"identifiers":{...}} removes the profile's email and
// phone identifiers (keeping the last identifier) and its PII attributes (the defaults the API
// page lists, plus Options.PIIAttributes) and sets Anonymized; an unknown user is 404
// {"error":"no such user for these identifiers: no data"}. PATCH /api/user/v1/identity
// {"old_identifier":{t:v},"new_identifier":{t:w}} replaces the identifier on the profile holding
// v: 400 "there must be exactly 1 entry for both new and old identifiers: bad request" (also for
// two different types), 400 "identifier values are the same: bad request", 400 "no valid
// identifier: bad request" for a type outside Options.IdentityIdentifiers, 404 "no such user
// ..." when no profile holds v, 400 "new identifier already has a user assigned to it: bad
// request", else 200 {}. DELETE /api/user/v1/identity {"identifiers":{t:v}} removes one
// identifier: 400 "you cannot delete the sole identifier specified for a user: bad request".
// Missing identifiers are 400. See deletes.go and rekey.go for which answers are documented and
// which are guessed.
//
// Options.RateLimits (nil: none; DefaultRateLimits: Insider's) sets per-minute budgets: upsert
// and attribute delete share one; a request past its budget is 429 {"error":"rejected: too many
// requests"} with Retry-After. See budget.go.
//
// # Profiles
//
// Only identifier types in identity resolution (Options.IdentityIdentifiers, default all)
// identify users; the others become attributes. An upsert's identifiers are taken in priority
// order (Options.IdentifierPriority, default uuid, custom, email, phone_number), and each is
// kept when the profiles the kept ones lead to can hold it: a profile holds at most one value of
// each type (the value limit, modelled as 1). So an upsert never changes an existing identifier:
// a uuid arriving with a new email keeps the profile's old email and the new one is dropped; a
// new uuid arriving with an email another profile holds gets a profile of its own without it;
// identifiers of several profiles that fit together unify them into the one the highest-priority
// identifier found (latest attribute values win). Dropped identifiers are counted in Ignored as
// identifier_over_limit. See identity.go for what is documented and what is inferred.
// Attributes: scalars overwrite, arrays append new values unless the user object has
// "not_append": true or "append": false (append wins when both are sent; a top-level not_append
// is ignored, as only the per-user placement is documented); custom attributes under "custom"
// follow the same rules; null values are ignored. Events are appended and de-duplicated: same
// event_name, same instant (timestamps compared as times) and same event_params are stored once.
//
// # Inspection
//
//	Profiles() []Profile; ProfileCount(); Find(type, v); FindByEmail / FindByPhone /
//	  FindByUUID(v); FindByCustom(name, v); DumpJSON(w); ResetProfiles()
//	ViewsBy(type) (map[value]View, []View)  // every profile keyed by its identifier of a type
//	  (View: identifiers by type, default and custom attributes, events), and those without one
//	HeldValues(type); CheckNotHeld(type, v)  // which identifier values profiles hold
//	Profile.View(), IdentifierMap(), Defaults(), Custom(), CustomStrings(name); Identifiers.List(),
//	  Get(type)                              // identifier types: email, phone_number, uuid, custom.<name>
//	Requests() []Request (time, endpoint, status, users, succeeded, failed, skip_hook, body size,
//	  body for the last MaxLoggedBodies); LastBodies(n); ReceivedBodies() (every upsert body as
//	  it arrived, also those a fault or check refused); RequestCount(ep); UsersReceived();
//	UsersAccepted(); UsersRejected(); StatusCount(code); Count4xx(); Count5xx(); SkipHooks();
//	ResetStats()
//
// # Faults
//
// Faults take an endpoint: EndpointUpsert, EndpointColumns, EndpointProfile,
// EndpointAttributeDelete, EndpointDelete, EndpointAnonymize, EndpointIdentity,
// EndpointIdentityDelete or EndpointAny.
//
//	SetLatency(ep, d)                 // uses Options.Sleep; keep it out of unit tests
//	RateLimitNext(ep, n, retryAfter)  // 429 {"error":"rejected: too many requests"} + Retry-After
//	FailNext(ep, n, status)           // e.g. 500/502/503/504 with Insider's unknown-error body
//	DropNext(ep, n)                   // connection closed mid-response
//	FailIdentifier(value)             // every upsert containing that identifier value: 500
//	FailIdentifierWith(value, status) // the same with another status (400: refused whole)
//	RefuseUserBytes(b)                // every upsert holding a user whose JSON contains b: 400
//	RejectUserBytes(b, key, message)  // such a user rejected in data.fail as users.<i>.<key>
//	                                  // (users.<i>.events.<j>.<key> when b is in event j)
//	AnswerNext(ep, n, answer)         // answers not Insider's: AnswerHTML, AnswerEmpty,
//	                                  // AnswerOtherJSON, Redirect(status, location)
//	ClearFaults()
//
// A body that is not valid UTF-8 or holds a lone UTF-16 surrogate escape is refused whole with a
// 400 [inferred: the strict reading of Insider's JSON parser].
//
// Faults are served before header checks; a request refused by a fault stores nothing.
package fakeinsider
