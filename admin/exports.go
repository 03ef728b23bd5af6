package admin

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/export"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/staff"
)

// exportFile is one CSV download: its name, who may have it and how it is
// written.
type exportFile struct {
	Name     string
	Action   staff.Action
	Personal bool // audited: it carries personal data
	write    func(a *Admin, ctx context.Context, w io.Writer, cp campaigns.Campaign) (int, error)
}

// exportFiles are the campaign's downloads. Analysts get aggregates and
// public facts; personal data is for owners.
var exportFiles = []exportFile{
	{"daily", staff.ExportAggregates, false, func(a *Admin, ctx context.Context, w io.Writer, cp campaigns.Campaign) (int, error) {
		from, to := reportRange(cp, a.Now())
		r, err := a.Analytics.Report(ctx, cp.ID, from, to)
		if err != nil {
			return 0, err
		}
		return export.Daily(w, r)
	}},
	{"entries", staff.ExportAggregates, false, func(a *Admin, ctx context.Context, w io.Writer, cp campaigns.Campaign) (int, error) {
		return a.Exports.Entries(ctx, w, cp.ID)
	}},
	{"entrants", staff.ExportPersonal, true, func(a *Admin, ctx context.Context, w io.Writer, cp campaigns.Campaign) (int, error) {
		return a.Exports.Entrants(ctx, w, cp.ID)
	}},
	{"ballots", staff.ExportPersonal, true, func(a *Admin, ctx context.Context, w io.Writer, cp campaigns.Campaign) (int, error) {
		return a.Exports.Ballots(ctx, w, cp.ID)
	}},
	{"messages", staff.ExportPersonal, true, func(a *Admin, ctx context.Context, w io.Writer, cp campaigns.Campaign) (int, error) {
		return a.Exports.Messages(ctx, w, cp.ID)
	}},
}

// exportRoutes registers each download on the console and the JSON API
// (for scripts, with HTTP Basic). Exports may run for minutes.
func (a *Admin) exportRoutes(console, api gin.IRoutes) {
	long := httpx.Deadlines(30*time.Second, 30*time.Minute)
	for _, f := range exportFiles {
		path := "/campaigns/:id/exports/" + f.Name + ".csv"
		console.GET(path, long, a.can(f.Action), a.exportCSV(f))
		api.GET(path, long, a.can(f.Action), a.exportCSV(f))
	}
}

// exportCSV streams one file. Once the first row is out the status is
// sent, so a failure after that ends the file early (logged); the client
// sees a short download rather than a wrong one.
func (a *Admin) exportCSV(f exportFile) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := c.MustGet(userKey).(staff.User)
		cp, err := a.Campaigns.Get(c, c.Param("id"))
		if errors.Is(err, campaigns.ErrNotFound) {
			a.fail(c, httpx.E(http.StatusNotFound, "campaign_not_found", "There is no campaign with this id."))
			return
		}
		if err != nil {
			a.fail(c, err)
			return
		}
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Header("Content-Disposition", `attachment; filename="`+export.Filename(cp.Slug, f.Name, a.Now())+`"`)
		c.Header("Cache-Control", "no-store")
		c.Header("X-Content-Type-Options", "nosniff")
		c.Status(http.StatusOK)
		n, err := f.write(a, c, c.Writer, cp)
		if err != nil {
			a.Log.Error("admin: export cut short", "campaign", cp.ID, "file", f.Name, "rows", n, "err", err)
			return
		}
		if f.Personal {
			a.audit(c, u, "export."+f.Name, cp.ID, nil, map[string]string{"rows": strconv.Itoa(n)})
		}
	}
}
