package fakehubspot

import (
	"fmt"
	"time"
)

// Property types HubSpot uses (https://developers.hubspot.com/docs/api-reference/crm-properties-v3/guide;
// phone_number is seen in the wild).
const (
	TypeString      = "string"
	TypeNumber      = "number"
	TypeBool        = "bool"
	TypeDate        = "date"
	TypeDateTime    = "datetime"
	TypeEnumeration = "enumeration"
	TypePhoneNumber = "phone_number"
)

// LifecycleStages are the option values of the lifecyclestage property.
var LifecycleStages = []string{"subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead",
	"opportunity", "customer", "evangelist", "other"}

// LeadStatuses are the option values of hs_lead_status.
var LeadStatuses = []string{"NEW", "OPEN", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT",
	"CONNECTED", "BAD_TIMING"}

// AnalyticsSources are the option values of hs_analytics_source.
var AnalyticsSources = []string{"ORGANIC_SEARCH", "PAID_SEARCH", "EMAIL_MARKETING", "SOCIAL_MEDIA", "REFERRALS",
	"OTHER_CAMPAIGNS", "DIRECT_TRAFFIC", "OFFLINE", "PAID_SOCIAL"}

// Languages are the option values of hs_language.
var Languages = []string{"en", "en-us", "en-gb", "de", "fr", "es", "tr", "pt-br", "ja", "nl"}

// Interests are the option values of the multi-select interests property ("a;b" when several).
var Interests = []string{"sports", "music", "travel", "tech", "fashion", "food"}

// Industries are the option values of the industry property.
var Industries = []string{"SOFTWARE", "RETAIL", "FINANCE", "HEALTHCARE", "EDUCATION", "MANUFACTURING"}

// DefaultProperties returns a realistic contact property set of 42 properties covering every type
// (string, number, bool, date, datetime, enumeration, phone_number), including hs_ properties a
// source keeps (hs_object_id, hs_email_domain, hs_language, hs_analytics_source) and internal
// hs_ ones it should leave out. The slice is fresh on each call.
func DefaultProperties() []Property {
	p := []Property{
		prop("email", "Email", TypeString, "text", "contactinformation"),
		prop("firstname", "First Name", TypeString, "text", "contactinformation"),
		prop("lastname", "Last Name", TypeString, "text", "contactinformation"),
		prop("company", "Company Name", TypeString, "text", "contactinformation"),
		prop("jobtitle", "Job Title", TypeString, "text", "contactinformation"),
		prop("website", "Website URL", TypeString, "text", "contactinformation"),
		prop("address", "Street Address", TypeString, "text", "contactinformation"),
		prop("city", "City", TypeString, "text", "contactinformation"),
		prop("state", "State/Region", TypeString, "text", "contactinformation"),
		prop("zip", "Postal Code", TypeString, "text", "contactinformation"),
		prop("country", "Country/Region", TypeString, "text", "contactinformation"),
		prop("message", "Message", TypeString, "textarea", "contactinformation"),
		prop("phone", "Phone Number", TypeString, "phonenumber", "contactinformation"),
		prop("mobilephone", "Mobile Phone Number", TypePhoneNumber, "phonenumber", "contactinformation"),
		prop("hs_whatsapp_phone_number", "WhatsApp Phone Number", TypePhoneNumber, "phonenumber", "contactinformation"),
		prop("hs_object_id", "Record ID", TypeNumber, "number", "contactinformation"),
		prop("hs_email_domain", "Email Domain", TypeString, "text", "contactinformation"),
		enumProp("hs_language", "Preferred language", "select", Languages),
		enumProp("hs_analytics_source", "Original Traffic Source", "select", AnalyticsSources),
		enumProp("lifecyclestage", "Lifecycle Stage", "radio", LifecycleStages),
		enumProp("hs_lead_status", "Lead Status", "radio", LeadStatuses),
		enumProp("industry", "Industry", "select", Industries),
		enumProp("interests", "Interests", "checkbox", Interests),
		enumProp("gender", "Gender", "select", []string{"female", "male", "other"}),
		prop("num_conversion_events", "Number of Form Submissions", TypeNumber, "number", "conversioninformation"),
		prop("num_notes", "Number of Sales Activities", TypeNumber, "number", "sales_properties"),
		prop("total_revenue", "Total Revenue", TypeNumber, "number", "deal_information"),
		prop("hubspotscore", "HubSpot Score", TypeNumber, "number", "contactinformation"),
		prop("newsletter_opt_in", "Newsletter opt-in", TypeBool, "booleancheckbox", "contactinformation"),
		prop("sms_opt_in", "SMS opt-in", TypeBool, "booleancheckbox", "contactinformation"),
		prop("date_of_birth", "Date of birth", TypeDate, "date", "contactinformation"),
		prop("renewal_date", "Renewal date", TypeDate, "date", "contactinformation"),
		prop("createdate", "Create Date", TypeDateTime, "date", "contactinformation"),
		prop("lastmodifieddate", "Last Modified Date", TypeDateTime, "date", "contactinformation"),
		prop("first_conversion_date", "First Conversion Date", TypeDateTime, "date", "conversioninformation"),
		prop("notes_last_contacted", "Last Contacted", TypeDateTime, "date", "sales_properties"),
		// Internal hs_ properties a source normally leaves out.
		prop("hs_analytics_num_page_views", "Number of Pageviews", TypeNumber, "number", "analyticsinformation"),
		prop("hs_is_unworked", "Contact unworked", TypeBool, "booleancheckbox", "sales_properties"),
		prop("hs_email_bad_address", "Invalid email address", TypeBool, "booleancheckbox", "emailinformation"),
		prop("hs_all_contact_vids", "All vids for a contact", TypeEnumeration, "checkbox", "contactinformation"),
		prop("hs_searchable_calculated_phone_number", "Calculated Phone Number", TypeString, "phonenumber", "contactinformation"),
		prop("hs_lifecyclestage_lead_date", "Became a Lead Date", TypeDateTime, "date", "contactinformation"),
	}
	for i := range p {
		p[i].DisplayOrder = i
		if p[i].Name == "email" {
			p[i].HasUniqueValue = true
		}
		switch p[i].Name {
		case "newsletter_opt_in", "sms_opt_in", "date_of_birth", "renewal_date", "interests", "gender":
		default:
			p[i].HubspotDefined = true
		}
		switch p[i].Name {
		case "hs_object_id", "lastmodifieddate", "hs_email_domain", "hs_searchable_calculated_phone_number":
			p[i].Calculated = true
		}
	}
	return p
}

func prop(name, label, typ, field, group string) Property {
	p := Property{Name: name, Label: label, Type: typ, FieldType: field, GroupName: group,
		Description: label + " of the contact.", Options: []PropertyOption{}, FormField: true}
	if typ == TypeBool {
		p.Options = []PropertyOption{{Label: "Yes", Value: "true", DisplayOrder: 0}, {Label: "No", Value: "false", DisplayOrder: 1}}
	}
	return p
}

func enumProp(name, label, field string, values []string) Property {
	p := prop(name, label, TypeEnumeration, field, "contactinformation")
	for i, v := range values {
		p.Options = append(p.Options, PropertyOption{Label: v, Value: v, DisplayOrder: i})
	}
	return p
}

// DefaultPortalID is the portal (hub) id used in event type names when Options.PortalID is 0.
const DefaultPortalID = 123456

// FQN returns the fully qualified event type name pe<portalID>_<name>.
func FQN(portalID int64, name string) string { return fmt.Sprintf("pe%d_%s", portalID, name) }

// DefaultEventDefinitions returns three custom event definitions (newsletter_signup,
// webinar_attended, product_viewed) whose fully qualified names use portalID.
func DefaultEventDefinitions(portalID int64) []EventDefinition {
	created := time.Date(2024, 1, 15, 9, 30, 0, 0, time.UTC)
	mk := func(id, name, label string, props ...Property) EventDefinition {
		return EventDefinition{ID: id, Name: name, FullyQualifiedName: FQN(portalID, name), Label: label,
			Description: label + " custom event", CreatedAt: created, Properties: props}
	}
	return []EventDefinition{
		mk("101", "newsletter_signup", "Newsletter signup",
			prop("source_page", "Source page", TypeString, "text", "event"),
			enumProp("plan", "Plan", "select", []string{"free", "weekly", "daily"}),
			prop("double_opt_in", "Double opt-in", TypeBool, "booleancheckbox", "event")),
		mk("102", "webinar_attended", "Webinar attended",
			prop("webinar_name", "Webinar name", TypeString, "text", "event"),
			prop("minutes_watched", "Minutes watched", TypeNumber, "number", "event"),
			prop("session_date", "Session date", TypeDateTime, "date", "event")),
		mk("103", "product_viewed", "Product viewed",
			prop("product_id", "Product id", TypeString, "text", "event"),
			prop("price", "Price", TypeNumber, "number", "event"),
			prop("url", "URL", TypeString, "text", "event")),
	}
}
