package httpx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
)

// Failure describes a failed exchange that never got an answer: what went wrong, in a person's
// terms, and what to do about it.
type Failure struct {
	// Cause names what went wrong, e.g. "the host name api.example.com does not resolve".
	Cause string
	// Fix says what to do.
	Fix string
	// Lasting is true when retrying cannot help until something changes (a certificate, a host
	// name, a URL); false when a later attempt may succeed (a timeout, a reset connection).
	Lasting bool
}

// String joins cause and fix.
func (f Failure) String() string { return f.Cause + ": " + f.Fix }

// Describe explains a transport failure: a certificate problem, a TLS handshake that failed, a
// host name that does not resolve, a refused, reset or unreachable connection, or a timeout.
// field names the config field holding the URL (e.g. "api_base_url"). ok is false when err is
// none of these (an HTTP answer, a cancelled run, a bug).
func Describe(err error, field string) (f Failure, ok bool) {
	if err == nil || errors.Is(err, context.Canceled) {
		return Failure{}, false
	}
	var (
		unknownCA x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		invalid   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
		record    tls.RecordHeaderError
		alert     tls.AlertError
		dnsErr    *net.DNSError
		netErr    net.Error
		opErr     *net.OpError
	)
	switch {
	case errors.As(err, &unknownCA):
		return Failure{Cause: "the server's TLS certificate is not signed by an authority this connector trusts" + subject(unknownCA.Cert),
			Fix: "check that " + field + " points at the real service; if a proxy on this network inspects TLS, add its CA certificate to the connector's trust store (SSL_CERT_FILE)", Lasting: true}, true
	case errors.As(err, &hostErr):
		return Failure{Cause: fmt.Sprintf("the server's TLS certificate is not valid for the host %s", hostErr.Host),
			Fix: "check the host name in " + field + " (use the service's own host, not an IP address or an alias)", Lasting: true}, true
	case errors.As(err, &invalid):
		cause := "the server's TLS certificate is not valid (" + invalid.Error() + ")"
		if invalid.Reason == x509.Expired {
			cause = "the server's TLS certificate has expired or is not valid yet"
		}
		return Failure{Cause: cause, Fix: "check that this machine's clock is right and that " + field + " points at the real service", Lasting: true}, true
	case errors.As(err, &verify):
		return Failure{Cause: "the server's TLS certificate could not be verified (" + verify.Err.Error() + ")",
			Fix: "check that " + field + " points at the real service", Lasting: true}, true
	case errors.As(err, &record), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return Failure{Cause: "the server did not answer with TLS (is it a plain http:// server or the wrong port?)",
			Fix: "check the scheme and port in " + field, Lasting: true}, true
	case errors.As(err, &alert):
		return Failure{Cause: "the server refused the TLS handshake (" + alert.Error() + ")",
			Fix: "check " + field + " and any proxy between the connector and the service", Lasting: true}, true
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return Failure{Cause: fmt.Sprintf("the host name %s does not resolve (DNS: no such host)", dnsErr.Name),
			Fix: "check the spelling of the host in " + field + " and that this network's DNS can resolve it", Lasting: true}, true
	case errors.As(err, &dnsErr):
		return Failure{Cause: fmt.Sprintf("the DNS lookup of %s failed (%s)", dnsErr.Name, dnsErr.Err),
			Fix: "check this network's DNS; a later run retries"}, true
	case errors.Is(err, syscall.ECONNREFUSED):
		return Failure{Cause: "the connection was refused: nothing accepts connections at that host and port",
			Fix: "check the host and port in " + field + ", and that no firewall blocks them; a later run retries"}, true
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return Failure{Cause: "the host cannot be reached from this network (no route)",
			Fix: "check the network, proxy and firewall of the machine running the connector; a later run retries"}, true
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &netErr) && netErr.Timeout():
		return Failure{Cause: "the request timed out without an answer",
			Fix: "check that this network can reach the host in " + field + " (a firewall that drops packets looks like this); a later run retries"}, true
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), errors.Is(err, syscall.EPIPE):
		return Failure{Cause: "the connection was closed before a complete answer arrived",
			Fix: "this is usually temporary (a restart or a proxy); a later run retries"}, true
	case errors.As(err, &opErr):
		return Failure{Cause: "the network exchange failed (" + opErr.Err.Error() + ")",
			Fix: "check the network between the connector and the host in " + field + "; a later run retries"}, true
	}
	return Failure{}, false
}

func subject(c *x509.Certificate) string {
	if c == nil || c.Subject.CommonName == "" {
		return ""
	}
	return fmt.Sprintf(" (certificate for %q issued by %q)", c.Subject.CommonName, c.Issuer.CommonName)
}

// IsNetworkError reports whether err is a failure to exchange with the server at all: a
// connection refused, reset or closed, a timeout, an answer cut off (*CutOffError). Such a
// failure may pass on a later attempt; an answer the server gave, or an error this list does not
// name, is not one. The *url.Error that http.Client wraps around every failure is looked
// through (it claims to be a net.Error whatever it holds).
func IsNetworkError(err error) bool {
	var ue *url.Error
	for errors.As(err, &ue) {
		err = ue.Err
	}
	var (
		co *CutOffError
		ne net.Error
		oe *net.OpError
	)
	return errors.As(err, &co) || errors.As(err, &ne) || errors.As(err, &oe) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE)
}
