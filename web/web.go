// Package web serves the public pages: server-rendered html/template pages
// with embedded static assets and small ES-module scripts.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/api"
	"github.com/tryout/tryout/internal/blob"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/moderation"
	"github.com/tryout/tryout/internal/webauth"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Web holds what the pages need.
type Web struct {
	Campaigns campaigns.Store
	Entries   entries.Store
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
	// PublicURL is the site's address, for links that leave it (sharing).
	PublicURL string
	Now       func() time.Time
	Log       *slog.Logger
	pages     map[string]*template.Template
}

// Routes registers the pages and /static. Every template is parsed here, so
// a broken template stops start-up instead of failing a visitor.
func (w *Web) Routes(r gin.IRoutes) error {
	funcs := template.FuncMap{
		"fmtTime": func(t time.Time) string { return t.UTC().Format("Mon 2 Jan 2006, 15:04 UTC") },
		"mb":      func(n int64) int64 { return n / 1e6 },
		"minutes": func(s int) string { return fmt.Sprintf("%d:%02d", s/60, s%60) },
		"signinForm": func(next, heading, intro string) map[string]string {
			return map[string]string{"Next": next, "Heading": heading, "Intro": intro}
		},
	}
	w.pages = map[string]*template.Template{}
	for _, page := range []string{"home.html", "campaign.html", "entry.html", "notfound.html", "signin.html", "me.html"} {
		t, err := template.New(page).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", "templates/"+page)
		if err != nil {
			return fmt.Errorf("web: template %s: %w", page, err)
		}
		w.pages[page] = t
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return fmt.Errorf("web: static: %w", err)
	}
	r.StaticFS("/static", http.FS(static))
	deadlines := httpx.Deadlines(30*time.Second, 60*time.Second)
	page := func(h gin.HandlerFunc) []gin.HandlerFunc { return []gin.HandlerFunc{deadlines, w.Sessions.Load, h} }
	r.GET("/", page(w.home)...)
	r.GET("/c/:slug", page(w.campaign)...)
	r.GET("/c/:slug/brand.css", w.brandCSS)
	r.GET("/c/:slug/logo", w.logo)
	r.GET("/e/:id", page(w.entry)...)
	r.GET("/me", page(w.me)...)
	r.GET("/signin", page(w.signin)...)
	r.GET("/auth/callback", page(w.confirmSignin)...)
	r.POST("/auth/callback", page(w.redeem)...)
	return nil
}

func (w *Web) render(c *gin.Context, status int, page string, data any) {
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Referrer-Policy", "strict-origin-when-cross-origin")
	c.Header("Content-Security-Policy", "default-src 'self'; connect-src 'self' "+w.StorageOrigin+"; img-src 'self' data:; media-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	c.Status(status)
	if err := w.pages[page].ExecuteTemplate(c.Writer, "layout", data); err != nil {
		w.Log.Error("web: render", "page", page, "err", err)
	}
}

func (w *Web) fail(c *gin.Context, err error) {
	if errors.Is(err, campaigns.ErrNotFound) || errors.Is(err, entries.ErrNotFound) {
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
	id, signedIn := webauth.EntrantID(c)
	data := map[string]any{"C": cp, "Open": cp.EntryOpen(w.Now()) == nil, "SignedIn": signedIn, "Resume": c.Query("entry")}
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

func (w *Web) entry(c *gin.Context) {
	id := c.Param("id")
	if !ids.Valid(entries.IDPrefix, id) {
		w.fail(c, entries.ErrNotFound)
		return
	}
	e, err := w.Entries.Get(c, id)
	if err != nil {
		w.fail(c, err)
		return
	}
	if me, _ := webauth.EntrantID(c); !e.VisibleTo(me) {
		w.fail(c, entries.ErrNotFound) // only the entrant sees an entry before it is live
		return
	}
	meaning, next := e.Status.Describe()
	c.Header("Cache-Control", "no-store")
	me, _ := webauth.EntrantID(c)
	w.render(c, http.StatusOK, "entry.html", map[string]any{"E": e, "Meaning": meaning, "Next": next, "Playback": api.NewPlayback(e, e.OwnedBy(me)), "Owner": e.OwnedBy(me), "Reasons": moderation.ReportReasons, "Share": w.share(e)})
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

// shareCard is what a link to a live entry unfurls into.
type shareCard struct{ URL, Description, Image, Video string }

// share builds the entry's card for social networks: only for live
// entries, with absolute URLs, and nothing about the entrant.
func (w *Web) share(e entries.Entry) *shareCard {
	if e.Status != entries.Live {
		return nil
	}
	card := &shareCard{URL: w.PublicURL + "/e/" + e.ID, Description: e.Description}
	if card.Description == "" {
		card.Description = "Watch \"" + e.Title + "\" on Tryout."
	}
	if p := api.NewPlayback(e, false); p != nil {
		if p.Poster != "" {
			card.Image = w.PublicURL + p.Poster
		}
		if p.MP4 != "" {
			card.Video = w.PublicURL + p.MP4
		}
	}
	return card
}
