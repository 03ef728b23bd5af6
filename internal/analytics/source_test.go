package analytics

import (
	"net/url"
	"testing"
)

func TestSourceOf(t *testing.T) {
	for _, tt := range []struct{ url, referer, want string }{
		{"/c/x?utm_source=News+Letter&utm_medium=Email&utm_campaign=Spring-26", "", "utm:news_letter/email/spring-26"},
		{"/c/x?utm_source=fb", "https://instagram.com/", "utm:fb"},
		{"/c/x?utm_source=fb&utm_campaign=x", "", "utm:fb/-/x"},
		{"/c/x?utm_source=%3D1%2B2%3Cscript%3E", "", "utm:1_2script"},
		{"/c/x", "https://www.Instagram.com/p/1", "ref:instagram.com"},
		{"/c/x", "https://tryout.example/c/y", ""}, // our own site
		{"/c/x", "android-app://com.x", ""},
		{"/c/x", "", ""},
	} {
		u, _ := url.Parse(tt.url)
		if got := SourceOf(u, tt.referer, "tryout.example:443"); got != tt.want {
			t.Errorf("SourceOf(%s, %q) = %q, want %q", tt.url, tt.referer, got, tt.want)
		}
	}
}

func TestCookieRoundTripAndForgery(t *testing.T) {
	cid, src, ok := ParseCookie(CookieValue("cp_1", "utm:fb/ads"))
	if !ok || cid != "cp_1" || src != "utm:fb/ads" {
		t.Errorf("round trip: %q %q %v", cid, src, ok)
	}
	for _, v := range []string{"", "cp_1", "cp_1~", "cp_1~direct", "cp_1~ref:", "cp_1~ref:EVIL", "cp_1~ref:a;b", "cp 1~ref:a"} {
		if _, _, ok := ParseCookie(v); ok {
			t.Errorf("ParseCookie(%q) accepted", v)
		}
	}
	if SourceLabel("utm:fb/ads") != "fb / ads" || SourceLabel("ref:x.com") != "x.com" || SourceLabel("") != "direct" {
		t.Error("labels")
	}
}
