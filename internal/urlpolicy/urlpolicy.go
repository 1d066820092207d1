// Package urlpolicy holds the rule every configured URL follows: https, or plain http only on
// a loopback host (tests and local fakes), and never with credentials in it.
package urlpolicy

import (
	"fmt"
	"net"
	"net/url"
)

// Check reports whether raw is an https URL, or an http URL on a loopback host (for tests and
// local fakes). field names the config field in the error.
func Check(field, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%s must be an absolute URL such as https://example.com", field)
	}
	if u.User != nil {
		return fmt.Errorf("%s must not contain a user name or password", field)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if IsLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%s must use https (plain http is allowed only for 127.0.0.1, ::1 or localhost)", field)
	}
	return fmt.Errorf("%s must use https, not %q", field, u.Scheme)
}

// IsLoopback reports whether host is localhost or a loopback IP address.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
