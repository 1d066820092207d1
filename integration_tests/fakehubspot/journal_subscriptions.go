package fakehubspot

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Subscription is a webhooks-journal subscription as the subscriptions API answers it
// (https://developers.hubspot.com/docs/api-reference/latest/webhooks-journal/subscriptions/get-subscriptions).
type Subscription struct {
	ID               int64     `json:"id"`
	AppID            int64     `json:"appId"`
	SubscriptionType string    `json:"subscriptionType"`
	PortalID         int64     `json:"portalId"`
	ObjectTypeID     string    `json:"objectTypeId"`
	Actions          []string  `json:"actions"`
	ObjectIDs        []int64   `json:"objectIds"`
	Properties       []string  `json:"properties"`
	CreatedAt        time.Time `json:"createdAt"`
	UpdatedAt        time.Time `json:"updatedAt"`
}

// ContactObjectTypeID is HubSpot's object type id of contacts.
const ContactObjectTypeID = "0-1"

// subscriptionActions are the actions the 2026-03 create-subscription reference lists;
// 2027-03-beta adds GDPR_DELETE.
var subscriptionActions = []string{ActionCreate, ActionUpdate, ActionDelete, ActionMerge, ActionRestore,
	"ASSOCIATION_ADDED", "ASSOCIATION_REMOVED", "SNAPSHOT", "APP_INSTALL", "APP_UNINSTALL", "ADDED_TO_LIST",
	"REMOVED_FROM_LIST"}

const betaVersion = "2027-03-beta"

func (sub *Subscription) has(action string) bool { return slices.Contains(sub.Actions, action) }

// covers reports whether the subscription's objectIds (none: every contact) take in the change.
func (sub *Subscription) covers(c storeChange) bool {
	if len(sub.ObjectIDs) == 0 {
		return true
	}
	if slices.Contains(sub.ObjectIDs, c.id) {
		return true
	}
	for _, id := range c.merged {
		if slices.Contains(sub.ObjectIDs, id) {
			return true
		}
	}
	return false
}

// filter keeps the properties the subscription names (none named: every property). Guessed:
// HubSpot documents the properties member without saying how it filters events.
func (sub *Subscription) filter(props map[string]string) map[string]string {
	if len(props) == 0 {
		return nil
	}
	out := map[string]string{}
	for k, v := range props {
		if len(sub.Properties) == 0 || slices.Contains(sub.Properties, k) {
			out[k] = v
		}
	}
	return out
}

// contactSubscription returns the portal's OBJECT subscription to contacts, if any. Caller
// holds mu.
func (j *journal) contactSubscription() *Subscription {
	for k := range j.subs {
		if sub := &j.subs[k]; sub.PortalID == j.portalID && sub.ObjectTypeID == ContactObjectTypeID {
			return sub
		}
	}
	return nil
}

// Subscriptions returns the journal subscriptions, in creation order.
func (s *Server) Subscriptions() []Subscription {
	s.jr.mu.Lock()
	defer s.jr.mu.Unlock()
	return slices.Clone(s.jr.subs)
}

// handleSubscriptions serves GET /webhooks-journal/subscriptions/<v>: {"results": [...]}, all
// at once (the reference: "without pagination").
func (s *Server) handleSubscriptions(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"results": orEmpty(s.Subscriptions())})
}

type subscriptionRequest struct {
	SubscriptionType string   `json:"subscriptionType"`
	PortalID         int64    `json:"portalId"`
	ObjectTypeID     string   `json:"objectTypeId"`
	Actions          []string `json:"actions"`
	ObjectIDs        []int64  `json:"objectIds"`
	Properties       []string `json:"properties"`
}

// handleCreateSubscription serves POST /webhooks-journal/subscriptions/<v>, which HubSpot calls
// "Create or update a subscription": the fake keeps one subscription per portal, type and object
// type and replaces its actions, objectIds and properties when asked again (which fields make a
// subscription the same is guessed). It answers 200 with the subscription. Refused with 400
// VALIDATION_ERROR: a missing or foreign portalId (the app is installed in Options.PortalID
// only), a type other than OBJECT or an object type other than contacts (the fake has nothing
// else), no actions, an unknown action, and GDPR_DELETE outside 2027-03-beta. The token must also
// carry crm.objects.contacts.read (403 MISSING_SCOPES; the guide asks for the object type's scope
// without saying where it is checked).
func (s *Server) handleCreateSubscription(w http.ResponseWriter, r *http.Request) {
	var req subscriptionRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeValidation(w, "Invalid input JSON: "+err.Error())
		return
	}
	if req.SubscriptionType == "" {
		req.SubscriptionType = "OBJECT"
	}
	if msg := s.jr.validate(&req, r.PathValue("version")); msg != "" {
		writeValidation(w, msg)
		return
	}
	if !s.jr.tokenHas(bearer(r), "crm.objects.contacts.read") {
		writeMissingScopes(w, "crm.objects.contacts.read")
		return
	}
	writeJSON(w, http.StatusOK, s.jr.upsert(req))
}

// validate returns why req cannot be a subscription on version, or "".
func (j *journal) validate(req *subscriptionRequest, version string) string {
	actions := subscriptionActions
	if version == betaVersion {
		actions = append(slices.Clone(actions), ActionGDPRDelete)
	}
	switch {
	case req.SubscriptionType != "OBJECT":
		return fmt.Sprintf("subscriptionType %q: the fake serves OBJECT subscriptions only", req.SubscriptionType)
	case req.PortalID == 0:
		return "portalId is required"
	case req.PortalID != j.portalID:
		return fmt.Sprintf("The app is not installed in portal %d", req.PortalID)
	case req.ObjectTypeID != ContactObjectTypeID:
		return fmt.Sprintf("objectTypeId %q: the fake serves contacts (%s) only", req.ObjectTypeID, ContactObjectTypeID)
	case len(req.Actions) == 0:
		return "actions must name at least one action"
	}
	for _, a := range req.Actions {
		if !slices.Contains(actions, a) {
			return fmt.Sprintf("Unknown action %q for version %s; valid actions: %v", a, version, actions)
		}
	}
	return ""
}

// upsert creates or updates the subscription req describes.
func (j *journal) upsert(req subscriptionRequest) Subscription {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now().UTC().Truncate(time.Second)
	for k := range j.subs {
		sub := &j.subs[k]
		if sub.PortalID == req.PortalID && sub.SubscriptionType == req.SubscriptionType && sub.ObjectTypeID == req.ObjectTypeID {
			sub.Actions, sub.ObjectIDs, sub.Properties, sub.UpdatedAt = req.Actions, orEmpty(req.ObjectIDs), orEmpty(req.Properties), now
			return *sub
		}
	}
	sub := Subscription{ID: j.nextSub, AppID: j.opts.AppID, SubscriptionType: req.SubscriptionType, PortalID: req.PortalID,
		ObjectTypeID: req.ObjectTypeID, Actions: req.Actions, ObjectIDs: orEmpty(req.ObjectIDs),
		Properties: orEmpty(req.Properties), CreatedAt: now, UpdatedAt: now}
	j.nextSub++
	j.subs = append(j.subs, sub)
	return sub
}

func orEmpty[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

// handleDeleteSubscription serves DELETE /webhooks-journal/subscriptions/<v>/{id}: 204, or 404
// for an unknown id (guessed body: the fake's OBJECT_NOT_FOUND).
func (s *Server) handleDeleteSubscription(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || !s.jr.remove(func(sub Subscription) bool { return sub.ID == id }) {
		writeError(w, http.StatusNotFound, "OBJECT_NOT_FOUND", "No subscription "+r.PathValue("id"))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleDeletePortalSubscriptions serves DELETE /webhooks-journal/subscriptions/<v>/portals/{portalId}:
// every subscription of the portal goes; 204 even when there was none (guessed).
func (s *Server) handleDeletePortalSubscriptions(w http.ResponseWriter, r *http.Request) {
	portal, err := strconv.ParseInt(r.PathValue("portalId"), 10, 64)
	if err != nil {
		writeValidation(w, fmt.Sprintf("portalId %q is not a number", r.PathValue("portalId")))
		return
	}
	s.jr.remove(func(sub Subscription) bool { return sub.PortalID == portal })
	w.WriteHeader(http.StatusNoContent)
}

// remove deletes the subscriptions match selects and reports whether there were any.
func (j *journal) remove(match func(Subscription) bool) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	n := len(j.subs)
	j.subs = slices.DeleteFunc(j.subs, match)
	return len(j.subs) < n
}
