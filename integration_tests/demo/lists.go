package main

import (
	"fmt"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// The demo's HubSpot lists, which the destination keeps in each profile's hubspot_lists: two
// MANUAL lists that overlap and a DYNAMIC one that follows the contacts' lifecycle stage.
const (
	newsletterList = "Newsletter"
	webinarList    = "Webinar attendees"
	customersList  = "Customers"
	// renamedWebinar is the webinar list's name after the demo's changes.
	renamedWebinar = "Webinar attendees 2027"
)

// demoLists are the ids of the lists addLists made.
type demoLists struct {
	newsletter, webinar string
}

// addLists makes the demo's lists: every third contact gets the newsletter, every fifth attended
// the webinar, and the customers list holds the contacts whose lifecyclestage is customer.
func addLists(hs *fakehubspot.Server) (demoLists, error) {
	var news, web []int64
	for i, id := range hs.ContactIDs() {
		if i%3 == 0 {
			news = append(news, id)
		}
		if i%5 == 0 {
			web = append(web, id)
		}
	}
	var l demoLists
	var err error
	if l.newsletter, err = hs.CreateList(fakehubspot.ListSpec{Name: newsletterList, Members: news}); err != nil {
		return l, fmt.Errorf("create list %q in the fake HubSpot: %w", newsletterList, err)
	}
	if l.webinar, err = hs.CreateList(fakehubspot.ListSpec{Name: webinarList, Members: web}); err != nil {
		return l, fmt.Errorf("create list %q in the fake HubSpot: %w", webinarList, err)
	}
	if _, err = hs.CreateList(fakehubspot.ListSpec{Name: customersList, ProcessingType: fakehubspot.ListDynamic,
		Filter: []fakehubspot.ListCondition{{Property: "lifecyclestage", Value: "customer"}}}); err != nil {
		return l, fmt.Errorf("create list %q in the fake HubSpot: %w", customersList, err)
	}
	return l, nil
}

// changeLists changes the lists between the syncs: the newsletter gains the contacts at
// positions 1, 4, 7, ... of the first tenth and loses those at 0, 3, 6, ... of it, and the
// webinar list is renamed. (The contacts changeHubSpot moves to or from lifecyclestage customer
// join or leave the customers list by themselves.) It returns how many memberships changed.
func changeLists(hs *fakehubspot.Server, l demoLists, at time.Time) (int, error) {
	ids := hs.ContactIDs()
	var add, remove []int64
	for i := 0; i < len(ids)/10; i++ {
		switch i % 3 {
		case 0:
			remove = append(remove, ids[i])
		case 1:
			add = append(add, ids[i])
		}
	}
	if err := hs.AddListMembers(l.newsletter, at, add...); err != nil {
		return 0, fmt.Errorf("add members to %q in the fake HubSpot: %w", newsletterList, err)
	}
	if err := hs.RemoveListMembers(l.newsletter, at, remove...); err != nil {
		return 0, fmt.Errorf("remove members from %q in the fake HubSpot: %w", newsletterList, err)
	}
	if err := hs.RenameList(l.webinar, renamedWebinar, at); err != nil {
		return 0, fmt.Errorf("rename %q in the fake HubSpot: %w", webinarList, err)
	}
	return len(add) + len(remove), nil
}
