package web

import (
	"html"
	"html/template"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tryout/tryout/internal/gallery"
	"github.com/tryout/tryout/internal/i18n"
)

// cardsHTML writes a grid of entry cards. The gallery's hottest fragment
// is written by hand rather than by html/template, whose reflection-driven
// escaping costs more than everything else on the page (measured: about
// half the gallery's CPU); every value is escaped here with html.EscapeString
// and every URL is built from an entry id, which ids.Valid restricts to
// letters, digits and underscore.
func cardsHTML(l i18n.Lang, cards []gallery.Card, hideVotes bool) template.HTML {
	var b strings.Builder
	b.Grow(400 * len(cards))
	b.WriteString(`<ul class="cards">`)
	for _, c := range cards {
		b.WriteString("\n<li class=\"entry-card\">\n  <a href=\"/e/")
		b.WriteString(html.EscapeString(c.ID))
		b.WriteString("\">\n    ")
		if c.Poster != "" {
			b.WriteString(`<img src="`)
			b.WriteString(html.EscapeString(c.Poster))
			b.WriteString(`" alt="" loading="lazy" width="320" height="180">`)
		} else {
			b.WriteString(`<span class="noposter"></span>`)
		}
		b.WriteString("\n    <span class=\"card-title\">")
		b.WriteString(html.EscapeString(c.Title))
		b.WriteString("</span>\n  </a>\n  <span class=\"card-meta\">")
		if c.CreatorName != "" {
			b.WriteString(`<span class="creator">`)
			b.WriteString(html.EscapeString(c.CreatorName))
			b.WriteString(`</span> · `)
		}
		d := int(c.DurationSeconds + 0.5)
		b.WriteString(strconv.Itoa(d/60) + ":" + pad2(d%60) + " · " + countedText(c.Views, l.T("view"), l.T("views")))
		if !hideVotes {
			b.WriteString(" · " + countedText(c.Votes, l.T("vote"), l.T("votes")))
		}
		b.WriteString("</span>\n</li>")
	}
	b.WriteString("\n</ul>")
	return template.HTML(b.String()) //nolint:gosec // every value above is escaped
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// countedText is "1 view", "12 views", "3.4k views".
func countedText(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return humanCount(n) + " " + many
}

// PageCache keeps rendered public pages for a moment. The first page of a
// popular gallery is asked for many times a second by different fans and
// is the same for all of them (per seed, for the shuffle): rendering it
// once a second instead of per request is what keeps a viral campaign's
// gallery fast. Counts on a cached page are at most TTL old.
type PageCache struct {
	TTL time.Duration
	mu  sync.Mutex
	m   map[string]cachedPage
}

type cachedPage struct {
	body    []byte
	etag    string
	expires time.Time
}

const pageCacheMax = 4096

func (p *PageCache) get(key string, now time.Time) (cachedPage, bool) {
	if p == nil {
		return cachedPage{}, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.m[key]
	if !ok || now.After(c.expires) {
		return cachedPage{}, false
	}
	return c, true
}

// ttl is how long pages are kept; zero for a nil cache.
func (p *PageCache) ttl() time.Duration {
	if p == nil {
		return 0
	}
	return p.TTL
}

func (p *PageCache) put(key string, c cachedPage) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil || len(p.m) >= pageCacheMax {
		p.m = make(map[string]cachedPage, 64) // crude but bounded: start over when full
	}
	p.m[key] = c
}
