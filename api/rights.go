package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/eligibility"
	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/intake"
	"github.com/tryout/tryout/internal/problem"
	"github.com/tryout/tryout/internal/ratelimit"
	"github.com/tryout/tryout/internal/rights"
)

// Rights serves an entrant's own data: the export and the request to
// delete the account (confirmed from an emailed link, see web).
type Rights struct {
	Exporter interface {
		Export(ctx context.Context, entrantID string) (rights.Data, error)
	}
	Links  rights.Links
	Notify interface {
		DeletionLink(ctx context.Context, l i18n.Lang, who entrants.Entrant, token string, ttl time.Duration) error
	}
	ExportLimit, DeletionLimit *ratelimit.Limiter // per entrant
}

// export sends everything Tryout holds about the entrant as one JSON file.
func (a *API) export(c *gin.Context) {
	id := entrantID(c)
	if !a.allow(c, a.Rights.ExportLimit, id, "You downloaded your data several times just now. Try again in a few minutes.") {
		return
	}
	d, err := a.Rights.Exporter.Export(c, id)
	if err != nil {
		httpx.Fail(c, a.Log, translate(err))
		return
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Disposition", `attachment; filename="tryout-my-data-`+a.Now().UTC().Format("2006-01-02")+`.json"`)
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
}

// requestDeletion emails the link that confirms deleting the account.
// Nothing is deleted until it is opened and confirmed.
func (a *API) requestDeletion(c *gin.Context) {
	id := entrantID(c)
	if !a.allow(c, a.Rights.DeletionLimit, id, "We already sent you several links just now. Check your inbox, or try again later.") {
		return
	}
	who, err := a.Entrants.Get(c, id)
	if err != nil {
		httpx.Fail(c, a.Log, translate(err))
		return
	}
	token := a.Rights.Links.Issue(id, a.Now())
	if err := a.Rights.Notify.DeletionLink(c, httpx.Lang(c), who, token, a.Rights.Links.TTL); err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"message": httpx.Lang(c).T("We emailed a link to %s. Open it and confirm to delete your account; until then nothing is deleted.", who.Email)})
}

// allow applies a per-entrant limit; false means the request was refused.
func (a *API) allow(c *gin.Context, l *ratelimit.Limiter, key, message string) bool {
	if l == nil {
		return true
	}
	ok, wait, err := l.Allow(c, key)
	if err != nil {
		httpx.Fail(c, a.Log, err)
		return false
	}
	if !ok {
		c.Header("Retry-After", seconds(wait))
		httpx.Fail(c, a.Log, httpx.E(http.StatusTooManyRequests, "too_many_requests", message))
		return false
	}
	return true
}

// translateRights maps the eligibility and consent refusals; nil for any
// other error.
func translateRights(err error) error {
	var ne *eligibility.NotEligibleError
	switch {
	case errors.As(err, &ne):
		return httpx.E(http.StatusForbidden, "country_not_eligible", ne.Text()+" Check the official rules for who may enter.")
	case errors.Is(err, intake.ErrGuardianRequired):
		return httpx.E(http.StatusBadRequest, "guardian_required", problem.TextOf(err, "A parent or guardian must agree to your entry. Give their email address."))
	case errors.Is(err, entries.ErrGuardianPending):
		return httpx.E(http.StatusConflict, "guardian_consent_pending", "This entry is waiting for a parent or guardian's consent and cannot go live before it arrives.")
	}
	return nil
}
