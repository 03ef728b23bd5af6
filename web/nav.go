package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/webauth"
)

// navState is what the site's header shows a visitor: their entries and
// sign out when signed in, sign in (back to this page) when not.
type navState struct {
	SignedIn bool
	Path     string // the page's path, for aria-current
	Next     string // where signing in returns to
}

// nav reads the visitor's state for the header.
func nav(c *gin.Context) navState {
	_, in := webauth.EntrantID(c)
	next := entrants.SafeNext(c.Request.URL.Path)
	if c.Request.URL.Path == "/signin" || c.Request.URL.Path == "/auth/callback" {
		next = ""
	}
	return navState{SignedIn: in, Path: c.Request.URL.Path, Next: url.QueryEscape(next)}
}

// withNav adds the header's state to a page's data (a map, or nil).
func withNav(c *gin.Context, data any) any {
	switch d := data.(type) {
	case nil:
		return map[string]any{"Nav": nav(c)}
	case map[string]any:
		d["Nav"] = nav(c)
	case unsubscribePage:
		d.Nav = nav(c)
		return d
	}
	return data
}

// signout ends the entrant's session from the header's button (a form,
// so it works without JavaScript) and goes home.
func (w *Web) signout(c *gin.Context) {
	if !w.Sessions.SameOrigin(c.Request) {
		c.String(http.StatusForbidden, "This sign-out was sent from another site and was refused.")
		return
	}
	w.Sessions.End(c)
	c.Redirect(http.StatusSeeOther, "/")
}
