// Package fakeinsider is an in-memory fake of Insider One's Unified Customer Database API that
// behaves like the real one as described in shared/research/insider.md.
//
// Start one per test (it listens on 127.0.0.1, port 0):
//
//	srv := fakeinsider.New(fakeinsider.Options{})   // partner "testpartner", key "test-api-key"
//	defer srv.Close()
//	// destination config: api_base_url = srv.URL, partner_name / api_key as above
//
// # Endpoints
//
// POST /api/user/v1/upsert needs X-PARTNER-NAME equal to Options.PartnerName (lowercase, exact)
// and X-REQUEST-TOKEN equal to Options.APIKey, else 403 {"success":false,"message":"Access
// Denied. ..."}. A body over MaxBodyBytes (5,000,000) is 400 {"error":"request body is bigger
// than maximum allowed size 5,000,000 bytes"}; no users is 400 {"error":"users must be defined:
// bad request"}; more than MaxUsers (1,000) users is 400 {"error":"..."}. Otherwise the answer is
// 200 {"data":{"successful":{"count":n}|{},"fail":{"count":m,"errors":{...}}|{}}} where errors
// are keyed users.<i>.<path>.<rule> exactly as Insider's samples for: email format, E.164 phone,
// uuid not a string, unknown identifier key, no identifiers/insider_id, invalid event name
// (uppercase rejected), purchase/cart_page_view required params; and, with keys inferred in the
// same style: no attributes and no events, empty attributes, missing event_name/timestamp,
// non-RFC 3339 timestamp, birthday not ending in Z, invalid attributes.email/phone_number.
// A user with any error is rejected whole; valid users of the same request are stored.
//
// POST /api/user/v3/metadata/columns {"table":"contacts"|"events"} (the connector check) needs
// the same headers and lists default attributes plus custom attributes seen (c_ prefix), or the
// event names and params seen.
//
// POST /api/user/v1/delete {"identifiers":{...}} deletes every profile holding one of the
// identifiers and answers 200 {} (also when none matched). POST /api/user/v1/anonymize
// {"identifiers":{...}} clears the profile's attributes and its email and phone identifiers
// (keeping the last identifier) and sets Anonymized; an unknown user is 404 {"error":"no such
// user for these identifiers: no data"}. PATCH /api/user/v1/identity {"old_identifier":{t:v},
// "new_identifier":{t:w}} replaces the identifier on the profile holding v: 404 as above when
// none does, 400 "new identifier already has a user assigned to it", "identifier values are the
// same", "there must be exactly 1 entry in old_identifier and new_identifier" (also for two
// different types). Missing identifiers are 400. Rate limits are not modelled. See deletes.go
// for which of these answers are documented and which are guessed.
//
// # Profiles
//
// Accepted users are merged into profiles by any shared identifier (email, phone_number, uuid,
// custom identifiers, insider_id); users joining two profiles unify them. Existing identifier
// values are never changed. Attributes: scalars overwrite, arrays append new values unless the
// user object has "not_append": true or "append": false (append wins when both are sent; a
// top-level not_append is ignored, as only the per-user placement is documented); custom
// attributes under "custom" follow the same rules; null values are ignored. Events are appended
// and de-duplicated: same event_name, same instant (timestamps compared as times) and same
// event_params are stored once.
//
// # Inspection
//
//	Profiles() []Profile; ProfileCount(); FindByEmail / FindByPhone / FindByUUID(v);
//	FindByCustom(name, v); DumpJSON(w); ResetProfiles()
//	Requests() []Request (time, endpoint, status, users, succeeded, failed, skip_hook, body size,
//	  body for the last MaxLoggedBodies); LastBodies(n); RequestCount(ep); UsersReceived();
//	UsersAccepted(); UsersRejected(); StatusCount(code); Count4xx(); Count5xx(); SkipHooks();
//	ResetStats()
//
// # Faults (EndpointUpsert, EndpointColumns, EndpointDelete, EndpointAnonymize, EndpointIdentity or EndpointAny)
//
//	SetLatency(ep, d)                 // uses Options.Sleep; keep it out of unit tests
//	RateLimitNext(ep, n, retryAfter)  // 429 {"error":"rejected: too many requests"} + Retry-After
//	FailNext(ep, n, status)           // e.g. 500/502/503/504 with Insider's unknown-error body
//	DropNext(ep, n)                   // connection closed mid-response
//	FailIdentifier(value)             // every upsert containing that identifier value: 500
//	FailIdentifierWith(value, status) // the same with another status (400: refused whole)
//	RefuseUserBytes(b)                // every upsert holding a user whose JSON contains b: 400
//	AnswerNext(ep, n, answer)         // answers not Insider's: AnswerHTML, AnswerEmpty,
//	                                  // AnswerOtherJSON, Redirect(status, location)
//	ClearFaults()
//
// A body that is not valid UTF-8 or holds a lone UTF-16 surrogate escape is refused whole with a
// 400 [inferred: the strict reading of Insider's JSON parser].
//
// Faults are served before header checks; a request refused by a fault stores nothing.
package fakeinsider
