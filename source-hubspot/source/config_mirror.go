package source

import (
	"fmt"
	"slices"
	"strings"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/journal"
)

// defaultIdentityProperties are identity_properties' default: the contact properties a
// destination keys profiles by.
var defaultIdentityProperties = []string{"email", "phone", "mobilephone"}

// PermanentDeletions is the permanent_deletions object: read HubSpot's webhooks journal for
// contacts deleted permanently (contacts_journal.go, source/journal).
type PermanentDeletions struct {
	Enabled bool `json:"enabled"`
	// ClientID and ClientSecret are the developer-platform app's client credentials; they default
	// to the OAuth credentials' and are required with private-app credentials.
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	// APIVersion is the dated version of the journal, subscription and account information
	// APIs, default hubspot.DefaultJournalVersion; 2027-03-beta adds the GDPR_DELETE action.
	APIVersion string `json:"api_version"`
}

// Identity returns the identity_properties: the default when absent, none when [].
func (c *Config) Identity() []string {
	if c.IdentityProperties == nil {
		return defaultIdentityProperties
	}
	return *c.IdentityProperties
}

// checkIdentityProperties trims and deduplicates identity_properties, which must not hold an
// empty name.
func (c *Config) checkIdentityProperties() []string {
	if c.IdentityProperties == nil {
		return nil
	}
	var props []string
	for _, p := range *c.IdentityProperties {
		if p = strings.TrimSpace(p); p == "" {
			return []string{"identity_properties holds an empty property name; list contact property names such as \"email\", or [] to turn it off"}
		}
		if !slices.Contains(props, p) {
			props = append(props, p)
		}
	}
	c.IdentityProperties = &props
	return nil
}

// checkPermanentDeletions fills permanent_deletions' defaults (its version; the app's client id
// and secret from OAuth credentials) and checks that, when enabled, it has an app's credentials.
// It runs after checkCredentials, which settles the credentials' kind.
func (c *Config) checkPermanentDeletions() []string {
	pd := &c.PermanentDeletions
	pd.ClientID, pd.ClientSecret = strings.TrimSpace(pd.ClientID), strings.TrimSpace(pd.ClientSecret)
	if pd.APIVersion = strings.TrimSpace(pd.APIVersion); pd.APIVersion == "" {
		pd.APIVersion = hubspot.DefaultJournalVersion
	}
	var p []string
	if err := hubspot.CheckAPIVersion(pd.APIVersion); err != nil {
		p = append(p, "permanent_deletions."+err.Error()+"; leave it out for "+hubspot.DefaultJournalVersion)
	}
	if !pd.Enabled {
		return p
	}
	if c.Credentials.CredentialsTitle == credentialsOAuth {
		if pd.ClientID == "" {
			pd.ClientID = c.Credentials.ClientID
		}
		if pd.ClientSecret == "" {
			pd.ClientSecret = c.Credentials.ClientSecret
		}
	}
	if pd.ClientID == "" || pd.ClientSecret == "" {
		p = append(p, fmt.Sprintf("permanent_deletions needs the client_id and client_secret of a HubSpot app on the "+
			"developer platform installed in the account: HubSpot's webhooks journal, which reports permanent deletions, "+
			"takes only an app's client-credentials token (a service key or private app token cannot read it). With %q, "+
			"set permanent_deletions.client_id and permanent_deletions.client_secret (the app's Auth tab), or turn "+
			"permanent_deletions.enabled off", credentialsPrivateApp))
	}
	return p
}

// settings are what a journal read or check takes of permanent_deletions.
func (pd PermanentDeletions) settings() journal.Settings {
	return journal.Settings{ClientID: pd.ClientID, ClientSecret: pd.ClientSecret, APIVersion: pd.APIVersion}
}
