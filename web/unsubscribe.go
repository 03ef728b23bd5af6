package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/mail"
)

type unsubscribePage struct {
	State string // confirm, done, invalid
	Token string
	Label string
	All   bool
	Nav   navState
	Meta  *shareMeta // none: nothing here to share
}

// unsubscribe shows what an unsubscribe link stops and asks to confirm:
// a GET never changes anything (mail scanners follow links).
func (w *Web) unsubscribe(c *gin.Context) {
	tok := c.Query("t")
	_, k, err := mail.ParseUnsubscribe(w.Signer, tok)
	if err != nil {
		w.render(c, http.StatusBadRequest, "unsubscribe.html", unsubscribePage{State: "invalid"})
		return
	}
	w.render(c, http.StatusOK, "unsubscribe.html", unsubscribePage{State: "confirm", Token: tok, Label: k.Label(), All: k == ""})
}

// doUnsubscribe applies an unsubscribe link: from the confirm page (form
// field t, scope link or all) or a mail client's one-click POST (RFC 8058:
// the token in the URL, body List-Unsubscribe=One-Click). The signed token
// is what authorizes it, so it needs no session; a tampered one changes
// nothing.
func (w *Web) doUnsubscribe(c *gin.Context) {
	tok := c.PostForm("t")
	if tok == "" {
		tok = c.Query("t")
	}
	id, k, err := mail.ParseUnsubscribe(w.Signer, tok)
	if err != nil {
		w.render(c, http.StatusBadRequest, "unsubscribe.html", unsubscribePage{State: "invalid"})
		return
	}
	if c.PostForm("scope") == "all" {
		k = ""
	}
	p, err := w.Prefs.MailPrefs(c, id)
	if err == nil {
		err = w.Prefs.SetMailPrefs(c, id, p.Unsubscribe(k))
	}
	if err != nil {
		w.Log.Error("web: unsubscribe", "err", err)
		c.String(http.StatusServiceUnavailable, "We could not save that just now. Please try the link again in a minute.")
		return
	}
	w.render(c, http.StatusOK, "unsubscribe.html", unsubscribePage{State: "done", Label: k.Label(), All: k == ""})
}
