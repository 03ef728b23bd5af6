package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/eligibility"
	"github.com/tryout/tryout/internal/guardians"
	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/rights"
)

// Rights is what the public data-rights pages need: the guardian's
// consent page and the page that confirms an account deletion.
type Rights struct {
	Guardians interface {
		Open(ctx context.Context, token string) (guardians.Request, error)
		Give(ctx context.Context, token, ip string) (guardians.Request, error)
	}
	Links  rights.Links
	Delete func(ctx context.Context, entrantID string) (rights.Deletion, error)
}

func (w *Web) rightsRoutes(r gin.IRoutes, page func(gin.HandlerFunc) []gin.HandlerFunc) {
	r.GET("/c/:slug/rules", page(w.rules)...)
	r.GET("/guardian", page(w.guardianPage)...)
	r.POST("/guardian", page(w.guardianConsent)...)
	r.GET("/account/delete", page(w.deletePage)...)
	r.POST("/account/delete", page(w.confirmDelete)...)
}

// rules shows a campaign's official rules to anyone, signed in or not.
func (w *Web) rules(c *gin.Context) {
	cp, err := w.Campaigns.GetBySlug(c, c.Param("slug"))
	if err != nil {
		w.fail(c, err)
		return
	}
	w.render(c, http.StatusOK, "rules.html", map[string]any{"C": cp, "Countries": eligibility.Describe(cp.Countries),
		"Meta": w.campaignMeta(cp, "/c/"+cp.Slug+"/rules", cp.Lang().T("Official rules: %s", cp.Name))})
}

// guardianPage shows a parent or guardian exactly what they would agree
// to. It changes nothing (mail scanners open links).
func (w *Web) guardianPage(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "no-referrer")
	r, err := w.Rights.Guardians.Open(c, c.Query("token"))
	w.renderGuardian(c, r, err, "")
}

// guardianConsent records the consent, to the text that was shown.
func (w *Web) guardianConsent(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	token := c.PostForm("token")
	if !w.Sessions.SameOrigin(c.Request) {
		w.render(c, http.StatusForbidden, "guardian.html", map[string]any{"Problem": i18n.Mark("This form was sent from another site and was refused. Open the link in the email again.")})
		return
	}
	if c.PostForm("agree") != "yes" {
		r, err := w.Rights.Guardians.Open(c, token)
		w.renderGuardian(c, r, err, i18n.Mark("Tick the box to say you agree, then press the button. Nothing was recorded."))
		return
	}
	r, err := w.Rights.Guardians.Give(c, token, c.ClientIP())
	w.renderGuardian(c, r, err, "")
}

func (w *Web) renderGuardian(c *gin.Context, r guardians.Request, err error, problem string) {
	if cp, err := w.Campaigns.GetBySlug(c, r.CampaignSlug); err == nil && r.CampaignSlug != "" {
		c.Set(langKey, cp.Lang()) // the page speaks the contest's language
	}
	data := map[string]any{"R": r, "Token": c.Query("token") + c.PostForm("token"), "Problem": problem}
	status := http.StatusOK
	switch {
	case errors.Is(err, guardians.ErrLinkInvalid):
		data["Problem"], status = i18n.Mark("This link does not work: it may have been cut short when it was copied, or the entry no longer exists. Nothing was recorded."), http.StatusBadRequest
	case errors.Is(err, guardians.ErrExpired):
		data["Problem"], status = i18n.Mark("The time to agree has passed, so the entry was withdrawn. Nothing was recorded."), http.StatusGone
	case err != nil:
		w.fail(c, err)
		return
	case problem != "":
		status = http.StatusBadRequest
	}
	w.render(c, status, "guardian.html", data)
}

// deletePage explains what deleting the account does and asks for the
// final press. Opening the link deletes nothing.
func (w *Web) deletePage(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "no-referrer")
	token := c.Query("token")
	_, err := w.Rights.Links.Check(token, w.Now())
	w.renderDelete(c, map[string]any{"Token": token}, err)
}

// confirmDelete uses the link up, records the deletion, signs the browser
// out and says what happens next.
func (w *Web) confirmDelete(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	if !w.Sessions.SameOrigin(c.Request) {
		w.render(c, http.StatusForbidden, "delete.html", map[string]any{"Problem": i18n.Mark("This form was sent from another site and was refused. Open the link in the email again.")})
		return
	}
	id, err := w.Rights.Links.Redeem(c, c.PostForm("token"), w.Now())
	if err != nil {
		w.renderDelete(c, map[string]any{}, err)
		return
	}
	if _, err := w.Rights.Delete(c, id); err != nil {
		w.Log.Error("web: deletion not recorded", "entrant", id, "err", err)
		w.render(c, http.StatusServiceUnavailable, "delete.html", map[string]any{"Problem": i18n.Mark("We could not start deleting your account just now. Nothing was deleted; ask for a new link from your account page and try again.")})
		return
	}
	w.Sessions.End(c)
	w.render(c, http.StatusOK, "delete.html", map[string]any{"Done": true})
}

func (w *Web) renderDelete(c *gin.Context, data map[string]any, err error) {
	status := http.StatusOK
	switch {
	case errors.Is(err, rights.ErrLinkExpired):
		data["Problem"], status = i18n.Mark("This link has expired. Nothing was deleted. Ask for a new one from your account page."), http.StatusGone
	case errors.Is(err, rights.ErrLinkUsed):
		data["Problem"], status = i18n.Mark("This link was already used: your account is being deleted, or already is."), http.StatusConflict
	case errors.Is(err, rights.ErrLinkInvalid):
		data["Problem"], status = i18n.Mark("This link does not work: it may have been cut short when it was copied. Nothing was deleted."), http.StatusBadRequest
	case err != nil:
		w.fail(c, err)
		return
	}
	w.render(c, status, "delete.html", data)
}
