package fakehubspot

import "time"

// Contact is one HubSpot contact as the fake stores it.
//
// ID is HubSpot's record id (equal to hs_object_id); zero means "assign the next free id" when
// the contact is added. UpdatedAt is lastmodifieddate and is also what search filters on.
// Properties holds every other property value, already in HubSpot's string form ("42", "true",
// "2026-01-02T03:04:05.678Z", "2026-01-02"). A property absent from the map is unset and is
// sent as null. createdate, lastmodifieddate and hs_object_id are derived from CreatedAt,
// UpdatedAt and ID; values for them in Properties are ignored.
type Contact struct {
	ID         int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Archived   bool
	Properties map[string]string
}

// PropertyOption is one option of an enumeration property.
type PropertyOption struct {
	Label        string `json:"label"`
	Value        string `json:"value"`
	DisplayOrder int    `json:"displayOrder"`
	Hidden       bool   `json:"hidden"`
}

// Property is one property definition as the Properties API returns it. Type is HubSpot's
// type (string, number, bool, date, datetime, enumeration, phone_number, ...) and FieldType its
// form field (text, number, booleancheckbox, date, select, checkbox, phonenumber, ...).
type Property struct {
	Name           string           `json:"name"`
	Label          string           `json:"label"`
	Type           string           `json:"type"`
	FieldType      string           `json:"fieldType"`
	Description    string           `json:"description"`
	GroupName      string           `json:"groupName"`
	Options        []PropertyOption `json:"options"`
	DisplayOrder   int              `json:"displayOrder"`
	Calculated     bool             `json:"calculated"`
	ExternalOpts   bool             `json:"externalOptions"`
	HasUniqueValue bool             `json:"hasUniqueValue"`
	Hidden         bool             `json:"hidden"`
	HubspotDefined bool             `json:"hubspotDefined"`
	FormField      bool             `json:"formField"`
	Archived       bool             `json:"archived"`
}

// EventDefinition is a custom behavioral event definition. FullyQualifiedName is what
// occurrence queries use as eventType (pe<portalId>_<name>); New fills it from Name when empty.
type EventDefinition struct {
	ID                 string
	Name               string
	FullyQualifiedName string
	Label              string
	Description        string
	Archived           bool
	CreatedAt          time.Time
	Properties         []Property
}

// Event is one occurrence of a behavioral event. ID is assigned when empty; ObjectType
// defaults to "contact". Property values are strings, as HubSpot sends them.
type Event struct {
	ID         string
	EventType  string
	OccurredAt time.Time
	ObjectType string
	ObjectID   int64
	Properties map[string]string
}

// Derived contact property names the fake always maintains itself.
const (
	PropObjectID     = "hs_object_id"
	PropCreateDate   = "createdate"
	PropLastModified = "lastmodifieddate"
)

// DefaultSearchProperties are the properties HubSpot returns when a search or read names none.
var DefaultSearchProperties = []string{"createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"}
