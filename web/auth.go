package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/i18n"
)

// signin shows the email form (used when a page needs a session).
func (w *Web) signin(c *gin.Context) {
	w.render(c, http.StatusOK, "signin.html", map[string]any{"Next": entrants.SafeNext(c.Query("next"))})
}

// confirmSignin shows a button that redeems the link. Redeeming on GET
// would let mail scanners that open links use up the single-use token.
func (w *Web) confirmSignin(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "no-referrer")
	w.render(c, http.StatusOK, "signin.html", map[string]any{"Token": c.Query("token")})
}

// redeem checks the link, starts the session and goes where the link said.
func (w *Web) redeem(c *gin.Context) {
	if !w.Sessions.SameOrigin(c.Request) {
		w.render(c, http.StatusForbidden, "signin.html", map[string]any{"Error": i18n.Mark("This sign-in was sent from another site and was refused. Ask for a new link."), "Next": ""})
		return
	}
	who, next, err := w.Auth.Redeem(c, c.PostForm("token"), w.Now())
	if err != nil {
		msg := i18n.Mark("We could not sign you in just now. Please try again.")
		switch {
		case errors.Is(err, entrants.ErrLinkExpired):
			msg = i18n.Mark("This sign-in link has expired. Ask for a new one below.")
		case errors.Is(err, entrants.ErrLinkUsed):
			msg = i18n.Mark("This sign-in link was already used. Each link works once: ask for a new one below.")
		case errors.Is(err, entrants.ErrLinkInvalid):
			msg = i18n.Mark("This sign-in link is not valid. Ask for a new one below.")
		default:
			w.Log.Error("web: redeem sign-in link", "err", err)
		}
		w.render(c, http.StatusBadRequest, "signin.html", map[string]any{"Error": msg, "Next": ""})
		return
	}
	w.Sessions.Start(c, who.ID)
	if next == "" {
		next = "/me"
	}
	c.Redirect(http.StatusSeeOther, next)
}
