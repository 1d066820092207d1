package authorize

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"time"

	"github.com/insider-hubspot/connectors/internal/urlpolicy"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// Command is the subcommand that runs the flow: source-hubspot authorize --client-id ... .
const Command = "authorize"

// DefaultAuthorizeURL is HubSpot's consent page.
const DefaultAuthorizeURL = "https://app.hubspot.com/oauth/authorize"

// DefaultTimeout bounds the wait for HubSpot's redirect.
const DefaultTimeout = 10 * time.Minute

// options are the parsed command-line flags.
type options struct {
	clientID     string
	secretFile   string // "-" reads the secret from stdin
	port         int    // the port of the redirect URL; 0 = the port listened on
	listen       string // host:port to listen on
	writeConfig  string // config file to write the credentials into; "" prints a config on stdout
	timeout      time.Duration
	apiBaseURL   string // as given; "" for HubSpot's
	tokenURL     string // the token endpoint: --token-url or <api base>/oauth/2026-03/token
	tokenFlag    bool   // tokenURL came from --token-url
	authorizeURL string
}

const usageText = `Usage: source-hubspot authorize --client-id ID --client-secret-file FILE [flags]

Runs HubSpot's OAuth authorization-code flow for the HubSpot app whose client ID and secret you
give, and gives you the refresh token as the credentials block of a source config. It prints a
URL to open in a browser logged in to HubSpot (on stderr), waits for HubSpot to redirect the
browser to http://localhost:<port>/oauth-callback, checks the state, and exchanges the code.
That redirect URL must be one of the app's redirect URLs (the app in source-hubspot/hubspot-app
lists http://localhost:3000/oauth-callback).

Without --write-config, the ready config is printed on stdout, and nothing else is:
  umask 077; source-hubspot authorize --client-id ID --client-secret-file secret.txt > config.json

Flags:
`

// parseArgs reads the flags. It returns flag.ErrHelp after printing the usage for -h.
func parseArgs(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet(Command, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageText)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.clientID, "client-id", "", "the `ID` of the HubSpot app (its Auth tab), required")
	fs.StringVar(&o.secretFile, "client-secret-file", "", "a `file` holding the app's client secret on its first line; - reads it from stdin. Required")
	fs.IntVar(&o.port, "port", DefaultPort, "the `port` of the redirect URL http://localhost:<port>/oauth-callback")
	fs.StringVar(&o.listen, "listen", "", "the `address` to listen on (default 127.0.0.1:<port>); in a container 0.0.0.0:<port>, published as -p 127.0.0.1:<port>:<port>")
	fs.StringVar(&o.writeConfig, "write-config", "", "write the credentials into this config `file` (created with mode 0600, or its credentials replaced) instead of printing a config on stdout")
	fs.DurationVar(&o.timeout, "timeout", DefaultTimeout, "how long to wait for HubSpot's redirect")
	fs.StringVar(&o.apiBaseURL, "api-base-url", "", "the HubSpot API root, as api_base_url in the config (default "+hubspot.DefaultBaseURL+"); also written into the config when set")
	fs.StringVar(&o.tokenURL, "token-url", "", "the OAuth token endpoint, as credentials.token_url (default <api-base-url>"+hubspot.TokenPath+"); also written into the config when set")
	fs.StringVar(&o.authorizeURL, "authorize-url", DefaultAuthorizeURL, "HubSpot's consent page")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q: every value is given with a flag", fs.Arg(0))
	}
	return o, o.check()
}

// check validates the flags and fills the derived values.
func (o *options) check() error {
	switch {
	case o.clientID == "":
		return errors.New("--client-id is required: the client ID on the Auth tab of your HubSpot app")
	case o.secretFile == "":
		return errors.New("--client-secret-file is required: a file holding the client secret from the Auth tab of your HubSpot app (never pass the secret itself on the command line)")
	case o.port < 0 || o.port > 65535:
		return fmt.Errorf("--port %d is not a port number", o.port)
	case o.timeout <= 0:
		return fmt.Errorf("--timeout %s must be positive", o.timeout)
	}
	if o.listen == "" {
		o.listen = net.JoinHostPort("127.0.0.1", strconv.Itoa(o.port))
	} else if _, _, err := net.SplitHostPort(o.listen); err != nil {
		return fmt.Errorf("--listen %q is not host:port, such as 0.0.0.0:%d: %w", o.listen, DefaultPort, err)
	}
	if err := checkURL("--authorize-url", o.authorizeURL); err != nil {
		return err
	}
	base := hubspot.DefaultBaseURL
	if o.apiBaseURL != "" {
		if err := checkURL("--api-base-url", o.apiBaseURL); err != nil {
			return err
		}
		base = o.apiBaseURL
	}
	u, err := hubspot.CheckBaseURL(base)
	if err != nil {
		return err
	}
	if o.tokenURL != "" {
		o.tokenFlag = true
		if o.tokenURL, err = hubspot.CheckTokenURL("--token-url", o.tokenURL); err != nil {
			return err
		}
	} else {
		o.tokenURL = u.String() + hubspot.TokenPath
	}
	return nil
}

// checkURL applies the config's URL rule to a flag: https, or http on a loopback host.
func checkURL(flagName, raw string) error {
	if err := urlpolicy.Check(flagName, raw); err != nil {
		return err
	}
	if u, err := url.Parse(raw); err != nil || u.Fragment != "" {
		return fmt.Errorf("%s must be a URL without a fragment", flagName)
	}
	return nil
}
