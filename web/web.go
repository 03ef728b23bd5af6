// Package web serves the public pages: server-rendered html/template pages
// with embedded static assets and small ES-module scripts.
package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/blob"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/eligibility"
	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/gallery"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/judging"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/referrals"
	"github.com/tryout/tryout/internal/sharecard"
	"github.com/tryout/tryout/internal/signing"
	"github.com/tryout/tryout/internal/votes"
	"github.com/tryout/tryout/internal/webauth"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Web holds what the pages need.
type Web struct {
	Campaigns campaigns.Store
	Entries   entries.Reader
	Entrants  entrants.Store
	Auth      *entrants.Auth
	Sessions  *webauth.Sessions
	// StorageOrigin is where browsers PUT upload parts (allowed by the CSP).
	StorageOrigin string
	// Logos opens campaign logos in LogosBucket.
	Logos interface {
		Open(ctx context.Context, bucket, key string) (*blob.Object, error)
	}
	LogosBucket string
	// Pages caches rendered gallery pages for a moment (nil: no cache).
	Pages *PageCache
	// PublicURL is the site's address, for links that leave it (sharing).
	PublicURL string
	// Gallery is the read model the public listings are served from.
	Gallery *gallery.Index
	Winners campaigns.WinnerStore
	// Draws are the campaign's prize draws, published with their seeds
	// (nil: none).
	Draws interface {
		Draws(ctx context.Context, campaignID string) ([]judging.Draw, error)
	}
	// PageToken signs the moment an entry page was served (the vote
	// button sends it back; a vote with none, or within two seconds,
	// is challenged).
	PageToken func(entryID string) string
	// HeldVotes reads how many of an entry's votes are held for review
	// (shown to its entrant); nil shows none.
	HeldVotes func(ctx context.Context, campaignID, entryID string) (votes.Held, error)
	// Referrals credits personal share links.
	Referrals *referrals.Service
	// EmbedAncestors is the CSP frame-ancestors of the embeddable player
	// and gallery widget ("*": any site may embed them).
	EmbedAncestors string
	// Prefs are entrants' email preferences; Signer checks unsubscribe
	// links.
	Prefs  mail.PrefsStore
	Signer signing.Signer
	// Rights serves the rules, guardian consent and account deletion pages.
	Rights Rights
	// Analytics counts landing visits and their sources; nil for none.
	Analytics Visits
	// Cards draws and keeps the 1200x630 images shared links unfurl into.
	Cards *sharecard.Maker
	Now   func() time.Time
	Log   *slog.Logger
	pages map[i18n.Lang]map[string]*template.Template
}

// Routes registers the pages and /static. Every template is parsed here, so
// a broken template stops start-up instead of failing a visitor.
func (w *Web) Routes(r gin.IRoutes) error {
	funcs := template.FuncMap{
		"fmtTime": func(t time.Time) string { return t.UTC().Format("Mon 2 Jan 2006, 15:04 UTC") },
		"mb": func(n int64) string { // decimal MB, to a tenth: "500", "104.9"
			return strings.TrimSuffix(strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64), ".0")
		},
		"minutes": func(s int) string { return fmt.Sprintf("%d:%02d", s/60, s%60) },
		"count":   func(n int64) string { return humanCount(n) },
		"counted": countedText,
		"iso":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"int":     func(f float64) int { return int(f + 0.5) },
		"tab": func(c campaigns.Campaign, tab string) map[string]any {
			return map[string]any{"C": c, "Tab": tab}
		},
		"dict": func(kv ...any) map[string]any {
			m := make(map[string]any, len(kv)/2)
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		},
		"countries": eligibility.Describe,
		"contestLink": func(slug, name string) template.HTML { // “name”, linked to the contest's rules
			return template.HTML(`<a href="/c/` + template.HTMLEscapeString(url.PathEscape(slug)) + `/rules">“` + template.HTMLEscapeString(name) + `”</a>`) //nolint:gosec // escaped
		},
		"countryName": eligibility.Name,
		"signinForm": func(next, heading, intro string) map[string]string {
			return map[string]string{"Next": next, "Heading": heading, "Intro": intro}
		},
	}
	keys, err := scriptKeys()
	if err != nil {
		return fmt.Errorf("web: script texts: %w", err)
	}
	w.pages = map[i18n.Lang]map[string]*template.Template{}
	for _, l := range i18n.Langs {
		w.pages[l] = map[string]*template.Template{}
		for _, page := range []string{"home.html", "campaign.html", "entry.html", "notfound.html", "signin.html", "me.html", "unsubscribe.html",
			"gallery.html", "leaderboard.html", "winners.html", "embed_entry.html", "embed_gallery.html",
			"rules.html", "guardian.html", "delete.html"} {
			t, err := template.New(page).Funcs(funcs).Funcs(langFuncs(l, keys)).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", "templates/"+page)
			if err != nil {
				return fmt.Errorf("web: template %s: %w", page, err)
			}
			w.pages[l][page] = t
		}
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return fmt.Errorf("web: static: %w", err)
	}
	r.StaticFS("/static", http.FS(static))
	r.GET("/favicon.ico", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=86400")
		c.FileFromFS("favicon.png", http.FS(static))
	})
	deadlines := httpx.Deadlines(30*time.Second, 60*time.Second)
	page := func(h gin.HandlerFunc) []gin.HandlerFunc { return []gin.HandlerFunc{deadlines, w.Sessions.Load, h} }
	r.GET("/", page(w.home)...)
	r.GET("/c/:slug", page(w.campaign)...)
	r.GET("/c/:slug/brand.css", w.brandCSS)
	r.GET("/c/:slug/logo", w.logo)
	r.GET("/c/:slug/gallery", page(w.galleryPage)...)
	r.GET("/c/:slug/leaderboard", page(w.leaderboard)...)
	r.GET("/c/:slug/winners", page(w.winners)...)
	r.GET("/e/:id", page(w.entry)...)
	r.GET("/embed/e/:id", deadlines, w.embedEntry)
	r.GET("/embed/c/:slug", deadlines, w.embedGallery)
	r.GET("/oembed", deadlines, w.oembed)
	r.GET("/me", page(w.me)...)
	r.GET("/unsubscribe", page(w.unsubscribe)...)
	r.POST("/unsubscribe", deadlines, w.doUnsubscribe)
	r.GET("/signin", page(w.signin)...)
	r.GET("/auth/callback", page(w.confirmSignin)...)
	r.POST("/auth/callback", page(w.redeem)...)
	w.rightsRoutes(r, page)
	w.shareRoutes(r, page)
	return nil
}

func (w *Web) render(c *gin.Context, status int, page string, data any) {
	w.renderFramed(c, status, page, "layout", "'none'", withNav(c, data))
}

// renderFramed renders a page with a layout, the site's security headers
// (frame-ancestors as given) and an ETag: a visitor's browser revalidates
// and gets 304 Not Modified while the page has not changed.
func (w *Web) renderFramed(c *gin.Context, status int, page, layout, ancestors string, data any) {
	p, err := w.build(pageLang(c, data), page, layout, data)
	if err != nil {
		w.Log.Error("web: render", "page", page, "err", err)
		c.String(http.StatusInternalServerError, "Something went wrong on our side. Please try again.")
		return
	}
	w.send(c, status, ancestors, p)
}

// build renders a page in a language, and its ETag.
func (w *Web) build(l i18n.Lang, page, layout string, data any) (cachedPage, error) {
	var buf bytes.Buffer
	if err := w.pages[l][page].ExecuteTemplate(&buf, layout, data); err != nil {
		return cachedPage{}, err
	}
	return pageOf(buf.Bytes()), nil
}

// pageOf is a page body with its ETag (a hash of the body).
func pageOf(body []byte) cachedPage {
	sum := sha256.Sum256(body)
	return cachedPage{body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
}

// send writes a built page with the security headers, or 304 when the
// browser already has it.
func (w *Web) send(c *gin.Context, status int, ancestors string, p cachedPage) {
	h := c.Writer.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; connect-src 'self' "+w.StorageOrigin+"; img-src 'self' data:; media-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors "+ancestors)
	h.Set("ETag", p.etag)
	if status == http.StatusOK && c.GetHeader("If-None-Match") == p.etag {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(status, "text/html; charset=utf-8", p.body)
}

func (w *Web) fail(c *gin.Context, err error) {
	if isNotFound(err) {
		w.render(c, http.StatusNotFound, "notfound.html", nil)
		return
	}
	w.Log.Error("web: page failed", "path", c.Request.URL.Path, "err", err)
	c.String(http.StatusInternalServerError, "Something went wrong on our side. Please try again.")
}

func (w *Web) home(c *gin.Context) {
	list, err := w.Campaigns.List(c, 50)
	if err != nil {
		w.fail(c, err)
		return
	}
	w.render(c, http.StatusOK, "home.html", map[string]any{"Campaigns": list, "Now": w.Now()})
}

// campaign shows the campaign and, when entries are open, the sign-in form
// or (signed in) the entry form with its rules and consents.
func (w *Web) campaign(c *gin.Context) {
	cp, err := w.Campaigns.GetBySlug(c, c.Param("slug"))
	if err != nil {
		w.fail(c, err)
		return
	}
	w.landed(c, cp.ID)
	id, signedIn := webauth.EntrantID(c)
	data := map[string]any{"C": cp, "Open": cp.EntryOpen(w.Now()) == nil, "Soon": w.Now().Before(cp.EntryOpensAt), "SignedIn": signedIn,
		"Resume": c.Query("entry"), "Voting": w.votingState(cp), "HideVotes": cp.VoteRules().TotalsHidden(w.Now()),
		"Meta": w.campaignMeta(cp, "/c/"+cp.Slug, cp.Name)}
	if page, err := w.Gallery.Page(c, gallery.Query{CampaignID: cp.ID, Order: gallery.Shuffle, Seed: w.shuffleSeed(c), Limit: 6}); err == nil {
		data["Preview"], data["Total"] = page.Cards, page.Total
	} else {
		w.Log.Error("web: campaign preview", "campaign", cp.Slug, "err", err)
	}
	if signedIn {
		if who, err := w.Entrants.Get(c, id); err == nil {
			data["Email"] = who.Email
		}
	}
	c.Header("Cache-Control", "no-store")
	w.render(c, http.StatusOK, "campaign.html", data)
}

// me lists the entrant's entries and messages (filled in by me.js).
func (w *Web) me(c *gin.Context) {
	id, ok := webauth.EntrantID(c)
	if !ok {
		c.Redirect(http.StatusSeeOther, "/signin?next=/me")
		return
	}
	who, err := w.Entrants.Get(c, id)
	if err != nil {
		w.Sessions.End(c)
		c.Redirect(http.StatusSeeOther, "/signin?next=/me")
		return
	}
	c.Header("Cache-Control", "no-store")
	w.render(c, http.StatusOK, "me.html", map[string]any{"Who": who})
}

// brandCSS sets the campaign's accent colour (a stylesheet rather than an
// inline style, which the Content-Security-Policy forbids).
func (w *Web) brandCSS(c *gin.Context) {
	cp, err := w.Campaigns.GetBySlug(c, c.Param("slug"))
	if err != nil || cp.BrandColor == "" {
		c.Status(http.StatusNotFound)
		return
	}
	c.Header("Cache-Control", "public, max-age=300")
	c.Data(http.StatusOK, "text/css; charset=utf-8", []byte(":root { --accent: "+cp.BrandColor+"; }\n"))
}

// logo streams the campaign's logo.
func (w *Web) logo(c *gin.Context) {
	cp, err := w.Campaigns.GetBySlug(c, c.Param("slug"))
	if err != nil || cp.LogoKey == "" || w.Logos == nil {
		c.Status(http.StatusNotFound)
		return
	}
	o, err := w.Logos.Open(c, w.LogosBucket, cp.LogoKey)
	if err != nil {
		c.Status(http.StatusNotFound)
		return
	}
	defer o.Close()
	httpx.ServeObject(c, o, "public, max-age=300")
}

func isNotFound(err error) bool {
	return errors.Is(err, campaigns.ErrNotFound) || errors.Is(err, entries.ErrNotFound)
}

var htmlEscape = template.HTMLEscapeString

// NewPageCache returns a cache of rendered public pages kept for ttl.
func NewPageCache(ttl time.Duration) *PageCache { return &PageCache{TTL: ttl} }
