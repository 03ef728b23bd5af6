package screening

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrPrivateAddress means an outgoing call would have reached a private,
// loopback, link-local or otherwise internal address.
var ErrPrivateAddress = errors.New("refusing to connect to a private or loopback address")

// PublicClient is an HTTP client for calls to outside services. Unless
// allowPrivate, it checks every address it actually connects to (after DNS,
// so a public name resolving to 127.0.0.1 is refused too, and on every
// redirect) and refuses internal ones. It ignores proxy settings.
func PublicClient(allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second}
	if !allowPrivate {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: %s", ErrPrivateAddress, address)
			}
			if internal(ap.Addr()) {
				return fmt.Errorf("%w: %s", ErrPrivateAddress, ap.Addr())
			}
			return nil
		}
	}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext, ForceAttemptHTTP2: true,
		MaxIdleConns: 10, IdleConnTimeout: 90 * time.Second, TLSHandshakeTimeout: 10 * time.Second}}
}

// internal reports whether an address is not on the public internet.
func internal(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsMulticast() || a.IsUnspecified() || a.IsInterfaceLocalMulticast() ||
		cgnat.Contains(a) || (a.Is4() && a.As4()[0] == 0)
}

// cgnat is the shared address space carriers use (RFC 6598).
var cgnat = netip.MustParsePrefix("100.64.0.0/10")
