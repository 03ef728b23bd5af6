package admin

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/retention"
	"github.com/tryout/tryout/internal/rights"
	"github.com/tryout/tryout/internal/staff"
)

// Rights is what owners need to serve entrants' data requests.
type Rights struct {
	Exporter interface {
		Export(ctx context.Context, entrantID string) (rights.Data, error)
	}
	Deleter interface {
		Request(ctx context.Context, entrantID string, who rights.Actor) (rights.Deletion, error)
	}
	Deletions interface {
		Get(ctx context.Context, entrantID string) (rights.Deletion, error)
	}
	Runs     retention.RunStore
	Defaults retention.Defaults
}

func (a *Admin) rightsRoutes(p *gin.RouterGroup) {
	p.POST("/entrants/:id/export", a.can(staff.HandleDataRequests), a.exportEntrant)
	p.POST("/entrants/:id/delete", a.can(staff.HandleDataRequests), a.deleteEntrant)
	p.GET("/retention", a.can(staff.HandleDataRequests), a.retentionPage)
}

// dataRequests is what the entrant page shows of their data requests.
func (a *Admin) dataRequests(c *gin.Context, id string) map[string]any {
	out := map[string]any{}
	if a.Rights.Deletions == nil {
		return out
	}
	if d, err := a.Rights.Deletions.Get(c, id); err == nil {
		out["Deletion"] = d
	}
	return out
}

// exportEntrant downloads an entrant's export for them, audited.
func (a *Admin) exportEntrant(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	id := c.Param("id")
	if c.PostForm("confirm") != "export" {
		a.showEntrant(c, http.StatusBadRequest, id, map[string]string{}, "Use the Download button to export their data.")
		return
	}
	d, err := a.Rights.Exporter.Export(c, id)
	if errors.Is(err, entrants.ErrNotFound) {
		a.render(c, http.StatusNotFound, "problem.html", map[string]any{"Title": "No such entrant", "Message": "There is no entrant at this address."})
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		a.fail(c, err)
		return
	}
	a.audit(c, u, "entrant.export", id, nil, nil)
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Disposition", `attachment; filename="tryout-data-`+id+`.json"`)
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
}

// deleteEntrant deletes an entrant's account on their request. The owner
// types DELETE; the request is audited (by the deletion itself).
func (a *Admin) deleteEntrant(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	id := c.Param("id")
	if strings.TrimSpace(c.PostForm("confirm")) != "DELETE" {
		a.showEntrant(c, http.StatusBadRequest, id, map[string]string{}, "Type DELETE in the box to confirm. Nothing was deleted.")
		return
	}
	_, err := a.Rights.Deleter.Request(c, id, rights.Actor{ID: u.ID, Email: u.Email, Role: string(u.Role)})
	if errors.Is(err, entrants.ErrNotFound) {
		a.render(c, http.StatusNotFound, "problem.html", map[string]any{"Title": "No such entrant", "Message": "There is no entrant at this address."})
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/entrants/"+id+"?done="+url.QueryEscape("Deletion started: it finishes in a few minutes."))
}

// retentionPage lists the latest retention runs.
func (a *Admin) retentionPage(c *gin.Context) {
	runs, err := a.Rights.Runs.Recent(c, 100)
	if err != nil {
		a.fail(c, err)
		return
	}
	a.render(c, http.StatusOK, "retention.html", map[string]any{"Runs": runs, "Defaults": a.Rights.Defaults})
}
