package admin

import (
	"html"
	"html/template"
	"regexp"
	"strings"
)

// urlRE finds web addresses in plain text, leaving out the punctuation a
// sentence puts after one.
var urlRE = regexp.MustCompile(`\bhttps?://[^\s<>"]+[^\s<>".,;:!?)\]]`)

// linkify writes plain text as HTML with its web addresses as links (the
// outbox's sign-in links, the entry links in messages). Everything is
// escaped; only http and https addresses become links.
func linkify(s string) template.HTML {
	var b strings.Builder
	at := 0
	for _, m := range urlRE.FindAllStringIndex(s, -1) {
		b.WriteString(html.EscapeString(s[at:m[0]]))
		u := html.EscapeString(s[m[0]:m[1]])
		b.WriteString(`<a href="` + u + `" rel="noopener noreferrer">` + u + `</a>`)
		at = m[1]
	}
	b.WriteString(html.EscapeString(s[at:]))
	return template.HTML(b.String()) //nolint:gosec // every part is escaped above
}
