package analytics

import (
	"net/url"
	"strings"
)

// CookieName is the first-party cookie that remembers, for 30 days, the
// campaign a visitor landed on and where they came from.
const CookieName = "tryout_src"

// SourceOf names where a landing came from: "utm:source/medium/campaign"
// when the address carries UTM parameters, else "ref:host" for a link from
// another site, else "" (direct, or from this site). Values are lowercased
// and cut to a safe alphabet and length: they are only ever labels.
func SourceOf(u *url.URL, referer, ownHost string) string {
	q := u.Query()
	if s := clean(q.Get("utm_source")); s != "" {
		parts := []string{s}
		for _, k := range []string{"utm_medium", "utm_campaign"} {
			if v := clean(q.Get(k)); v != "" {
				parts = append(parts, v)
			} else {
				parts = append(parts, "-")
			}
		}
		for len(parts) > 1 && parts[len(parts)-1] == "-" {
			parts = parts[:len(parts)-1]
		}
		return "utm:" + strings.Join(parts, "/")
	}
	r, err := url.Parse(referer)
	if err != nil || r.Host == "" || (r.Scheme != "http" && r.Scheme != "https") {
		return ""
	}
	host := strings.TrimPrefix(strings.ToLower(r.Hostname()), "www.")
	if own := strings.TrimPrefix(strings.ToLower(hostOnly(ownHost)), "www."); host == own {
		return ""
	}
	if h := clean(host); h != "" {
		return "ref:" + h
	}
	return ""
}

func hostOnly(h string) string {
	if u, err := url.Parse("http://" + h); err == nil {
		return u.Hostname()
	}
	return h
}

// clean keeps [a-z0-9._-] of a lowercased value, at most 40 of them.
func clean(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if b.Len() >= 40 {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ' || r == '+':
			b.WriteByte('_')
		}
	}
	return strings.Trim(b.String(), "_")
}

// validSource reports whether s could have come from SourceOf.
func validSource(s string) bool {
	if len(s) > 130 || !(strings.HasPrefix(s, "utm:") || strings.HasPrefix(s, "ref:")) {
		return false
	}
	for _, r := range s[4:] {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("._-/", r)) {
			return false
		}
	}
	return len(s) > 4
}

// CookieValue is what the cookie holds for a campaign and source.
func CookieValue(campaignID, source string) string { return campaignID + "~" + source }

// ParseCookie reads the cookie; ok false for anything SourceOf could not
// have written (the cookie is the visitor's to change: it is only a label).
func ParseCookie(v string) (campaignID, source string, ok bool) {
	campaignID, source, found := strings.Cut(v, "~")
	if !found || len(campaignID) == 0 || len(campaignID) > 40 || strings.ContainsAny(campaignID, "~;, ") || !validSource(source) {
		return "", "", false
	}
	return campaignID, source, true
}

// SourceLabel is a source for people: "newsletter / email / spring",
// "instagram.com", "direct".
func SourceLabel(s string) string {
	switch {
	case s == "":
		return "direct"
	case s == Other:
		return "other sources"
	case strings.HasPrefix(s, "utm:"):
		return strings.ReplaceAll(s[4:], "/", " / ")
	case strings.HasPrefix(s, "ref:"):
		return s[4:]
	}
	return s
}

// Other stands for every source past a campaign's limit of distinct ones.
const Other = "other"
