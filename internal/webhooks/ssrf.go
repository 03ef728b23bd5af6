package webhooks

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"

	"github.com/tryout/tryout/internal/problem"
)

// blockedNets are the ranges no webhook may reach unless allowed: besides
// what netip classifies (loopback, private, link-local, multicast,
// unspecified), carrier-grade NAT, "this network", IETF protocol
// assignments, benchmarking, reserved space and NAT64 (which can reach any
// IPv4 address).
var blockedNets = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"), netip.MustParsePrefix("240.0.0.0/4"), netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
}

// Blocked reports whether ip is on a network webhooks must not reach.
func Blocked(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() ||
		ip.IsMulticast() || ip.IsUnspecified() || !ip.IsValid() {
		return true
	}
	for _, p := range blockedNets {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// Resolver looks host names up (net.DefaultResolver in production).
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// CheckURL validates an endpoint address when it is saved: http or https,
// a host, no credentials, and (unless allowPrivate) no address of the host
// on a blocked network.
func CheckURL(ctx context.Context, raw string, allowPrivate bool, r Resolver) (*url.URL, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil || len(raw) > 2000:
		return nil, problem.New(ErrInvalid, "Not a URL.")
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, problem.New(ErrInvalid, "The address must start with https:// (or http://).")
	case u.Hostname() == "":
		return nil, problem.New(ErrInvalid, "The address has no host.")
	case u.User != nil:
		return nil, problem.New(ErrInvalid, "Put no user name or password in the address.")
	case u.Fragment != "":
		return nil, problem.New(ErrInvalid, "The address has a #fragment.")
	}
	if allowPrivate {
		return u, nil
	}
	ips, err := r.LookupNetIP(ctx, "ip", u.Hostname())
	if err != nil || len(ips) == 0 {
		return nil, problem.New(ErrInvalid, "The host %s does not resolve.", u.Hostname())
	}
	for _, ip := range ips {
		if Blocked(ip) {
			return nil, fmt.Errorf("%w (%s)", ErrPrivateURL, u.Hostname())
		}
	}
	return u, nil
}

// NewClient is the HTTP client deliveries use: no proxy, no redirects,
// bounded times, and (unless allowPrivate) a dialer that refuses a blocked
// address after resolution, so a host that resolved to a public address
// when saved cannot be pointed at a private one later.
func NewClient(allowPrivate bool, timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	if !allowPrivate {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || Blocked(ap.Addr()) {
				return fmt.Errorf("%w: %s", ErrPrivateURL, address)
			}
			return nil
		}
	}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{Proxy: nil, DialContext: d.DialContext, TLSHandshakeTimeout: 5 * time.Second,
			ResponseHeaderTimeout: timeout, MaxResponseHeaderBytes: 64 << 10, MaxIdleConnsPerHost: 2, IdleConnTimeout: 30 * time.Second},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
