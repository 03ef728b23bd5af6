package eligibility_test

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tryout/tryout/internal/eligibility"
)

func TestCheck(t *testing.T) {
	allowed, err := eligibility.ParseList([]string{"fr, de", "FR"})
	if err != nil || strings.Join(allowed, ",") != "FR,DE" {
		t.Fatalf("ParseList = %v, %v", allowed, err)
	}
	if _, err := eligibility.ParseList([]string{"FR, XY"}); !errors.Is(err, eligibility.ErrUnknownCountry) || !strings.Contains(err.Error(), "XY") {
		t.Errorf("unknown code in the list: %v", err)
	}
	if c, err := eligibility.Check(allowed, " de "); err != nil || c != "DE" {
		t.Errorf("Check(DE) = %q, %v", c, err)
	}
	var ne *eligibility.NotEligibleError
	if _, err := eligibility.Check(allowed, "US"); !errors.As(err, &ne) || !errors.Is(err, eligibility.ErrNotEligible) ||
		ne.Text() != "This contest is open only to residents of France (FR), Germany (DE)." {
		t.Errorf("Check(US) = %v", err)
	}
	if _, err := eligibility.Check(allowed, ""); !errors.Is(err, eligibility.ErrNotEligible) {
		t.Errorf("no country for a campaign with a list: %v", err)
	}
	if _, err := eligibility.Check(nil, "ZZ"); !errors.Is(err, eligibility.ErrUnknownCountry) {
		t.Errorf("unknown declared code: %v", err)
	}
	if c, err := eligibility.Check(nil, ""); err != nil || c != "" {
		t.Errorf("open campaign, nothing declared: %q %v", c, err)
	}
}

func TestSignalOnlyFromTrustedProxies(t *testing.T) {
	s, err := eligibility.NewSignal("CF-IPCountry", []string{"10.0.0.0/8", "192.0.2.7"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		remote, header, want string
	}{
		{"10.1.2.3:5000", "de", "DE"},
		{"192.0.2.7:443", "FR", "FR"},
		{"[::ffff:10.1.2.3]:5000", "DE", "DE"},
		{"203.0.113.9:5000", "DE", ""}, // a client setting the header itself
		{"10.1.2.3:5000", "XX", ""},    // unknown to the proxy
		{"10.1.2.3:5000", "T1", ""},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.remote
		r.Header.Set("CF-IPCountry", tt.header)
		if got := s.Country(r); got != tt.want {
			t.Errorf("%s %s: %q, want %q", tt.remote, tt.header, got, tt.want)
		}
	}
	none, _ := eligibility.NewSignal("CF-IPCountry", nil)
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("CF-IPCountry", "DE")
	if got := none.Country(r); got != "" {
		t.Errorf("no trusted proxies: %q", got)
	}
	if _, err := eligibility.NewSignal("X", []string{"not-an-ip"}); err == nil {
		t.Error("bad proxy accepted")
	}
	if !eligibility.Mismatch("FR", "DE") || eligibility.Mismatch("FR", "") || eligibility.Mismatch("FR", "FR") {
		t.Error("Mismatch")
	}
}
