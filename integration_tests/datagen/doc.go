// Package datagen generates realistic, reproducible HubSpot test data for the fakes.
//
// Contacts:
//
//	g := datagen.New(datagen.Options{Seed: 1, Count: 1000})
//	for i := 0; i < 1000; i++ { srv.AddContacts(g.Contact()) }   // streaming, for large N
//	cs := datagen.Contacts(datagen.Options{Seed: 1, Count: 1000}) // or all at once
//
// Each contact has an id above 32 bits (ids grow by 1 to 3 from Options.FirstID), createdate
// and lastmodifieddate inside [Start, End], first/last names (some non-ASCII), company, job
// title, city/state/country of one of five regions (US, GB, DE, TR, FR), lifecycle stage, lead
// status, analytics source, language, opt-in booleans, numbers, dates, datetimes, multi-select
// enumerations, and internal hs_ properties. Emails are valid except for InvalidEmailShare
// (values failing Insider's ^.+@.+\..+$ check) and MissingEmailShare (no email); about 10% of
// valid ones start with a capital letter. The phone property is E.164 or national format of the
// contact's region (NationalPhoneShare), except InvalidPhoneShare values that cannot be
// normalized; mobilephone is always E.164. Every valid number passes libphonenumber validation.
// SharedTimestampCount contacts get exactly SharedTimestamp as lastmodifieddate, to exercise
// search-window ties and the 10,000-result cap. Values follow HubSpot's string forms.
//
// Events:
//
//	evs := datagen.Events(datagen.EventOptions{Seed: 1, ContactIDs: srv.ContactIDs(), Count: 500})
//	srv.AddEvents(evs...)
//
// Event occurrences of the given definitions (default fakehubspot.DefaultEventDefinitions),
// attached to random contacts, with properties typed from each definition and some
// occurrences sharing one occurredAt.
//
// The same options always give the same output (math/rand/v2 PCG seeded from Seed).
package datagen
