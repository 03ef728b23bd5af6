// Package eligibility decides who may enter a campaign by country: the
// campaign lists the countries it is open to (ISO 3166-1 alpha-2), the
// entrant declares theirs, and a country header set by a trusted proxy may
// be recorded as a signal. The signal is never believed from a client: only
// a request whose connection comes from a configured proxy is read.
package eligibility

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
)

// Errors callers can test with errors.Is.
var (
	ErrUnknownCountry = errors.New("unknown country code")
	ErrNotEligible    = errors.New("country not eligible")
)

// NotEligibleError names the campaign's countries, so the refusal can say
// where the contest is open.
type NotEligibleError struct {
	Declared string
	Allowed  []string
}

func (e *NotEligibleError) Error() string {
	return "eligibility: " + e.Text()
}

// Text is the refusal for people.
func (e *NotEligibleError) Text() string {
	return fmt.Sprintf("This contest is open only to residents of %s.", Describe(e.Allowed))
}

// Unwrap lets errors.Is(err, ErrNotEligible) match.
func (e *NotEligibleError) Unwrap() error { return ErrNotEligible }

// Normalize returns the upper-case alpha-2 code, and whether it is a
// country ISO 3166-1 knows.
func Normalize(code string) (string, bool) {
	c := strings.ToUpper(strings.TrimSpace(code))
	_, ok := names[c]
	return c, ok
}

// Name is the country's English name ("" for an unknown code).
func Name(code string) string { return names[code] }

// Describe lists countries as "France (FR), Germany (DE)".
func Describe(codes []string) string {
	parts := make([]string, 0, len(codes))
	for _, c := range codes {
		if n := Name(c); n != "" {
			parts = append(parts, n+" ("+c+")")
		} else {
			parts = append(parts, c)
		}
	}
	return strings.Join(parts, ", ")
}

// ParseList normalises a campaign's list (codes separated by commas or
// spaces, or given one by one), dropping repeats; an unknown code is an
// error naming it.
func ParseList(in []string) ([]string, error) {
	var out []string
	for _, s := range in {
		for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\n' || r == '\r' || r == '\t' }) {
			c, ok := Normalize(f)
			if !ok {
				return nil, fmt.Errorf("%w: %q", ErrUnknownCountry, f)
			}
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// Check returns the declared country normalised, or an error: unknown code,
// missing when the campaign has a list, or not on the list. A campaign with
// no list is open everywhere (a declared country is still checked and kept).
func Check(allowed []string, declared string) (string, error) {
	c, ok := Normalize(declared)
	switch {
	case c == "" && len(allowed) == 0:
		return "", nil
	case c == "":
		return "", &NotEligibleError{Allowed: allowed}
	case !ok:
		return "", fmt.Errorf("%w: %q", ErrUnknownCountry, declared)
	case len(allowed) > 0 && !slices.Contains(allowed, c):
		return c, &NotEligibleError{Declared: c, Allowed: allowed}
	}
	return c, nil
}

// Signal reads the country a trusted proxy puts in a header (for example
// Cloudflare's CF-IPCountry). It reads nothing unless the request's own
// connection comes from one of the trusted proxies.
type Signal struct {
	Header  string
	trusted []netip.Prefix
}

// NewSignal builds a Signal for header, believing only the proxies listed
// (addresses or CIDRs, as TRYOUT_TRUSTED_PROXIES). An empty header reads
// nothing.
func NewSignal(header string, proxies []string) (*Signal, error) {
	s := &Signal{Header: strings.TrimSpace(header)}
	for _, p := range proxies {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !strings.Contains(p, "/") {
			a, err := netip.ParseAddr(p)
			if err != nil {
				return nil, fmt.Errorf("eligibility: trusted proxy %q: %w", p, err)
			}
			s.trusted = append(s.trusted, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		pr, err := netip.ParsePrefix(p)
		if err != nil {
			return nil, fmt.Errorf("eligibility: trusted proxy %q: %w", p, err)
		}
		s.trusted = append(s.trusted, pr.Masked())
	}
	return s, nil
}

// Country is the header's country when the request came through a trusted
// proxy, else "". Values that are not a country (Cloudflare's XX for
// unknown, T1 for Tor) read as "".
func (s *Signal) Country(r *http.Request) string {
	if s == nil || s.Header == "" || len(s.trusted) == 0 || !s.fromProxy(r.RemoteAddr) {
		return ""
	}
	c, ok := Normalize(r.Header.Get(s.Header))
	if !ok {
		return ""
	}
	return c
}

func (s *Signal) fromProxy(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Mismatch reports whether a signal disagrees with the declared country
// (no signal or no declaration is no mismatch).
func Mismatch(declared, signal string) bool {
	return declared != "" && signal != "" && declared != signal
}
