package admin

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/messages"
	"github.com/tryout/tryout/internal/moderation"
	"github.com/tryout/tryout/internal/outreach"
)

// auditPage shows the newest staff actions (owners only).
func (a *Admin) auditPage(c *gin.Context) {
	list, err := a.Audit.List(c, strings.TrimSpace(c.Query("target")), 300)
	if err != nil {
		a.fail(c, err)
		return
	}
	a.render(c, http.StatusOK, "audit.html", map[string]any{"Records": list, "Target": c.Query("target")})
}

// entrantsPage searches entrants by part of their email or name.
func (a *Admin) entrantsPage(c *gin.Context) {
	q := strings.TrimSpace(c.Query("q"))
	var found []entrants.Entrant
	if q != "" {
		var err error
		if found, err = a.Entrants.Search(c, q, 100); err != nil {
			a.fail(c, err)
			return
		}
	}
	a.render(c, http.StatusOK, "entrants.html", map[string]any{"Q": q, "Found": found})
}

// entrantPage is everything about one entrant on one page: profile,
// consents with versions and times, every entry with its history, and a
// timeline of status changes, messages and their replies, with a form to
// write to them.
func (a *Admin) entrantPage(c *gin.Context) {
	a.showEntrant(c, http.StatusOK, c.Param("id"), map[string]string{}, "")
}

func (a *Admin) showEntrant(c *gin.Context, status int, id string, form map[string]string, problem string) {
	who, err := a.Entrants.Get(c, id)
	if !ids.Valid(entrants.IDPrefix, id) || errors.Is(err, entrants.ErrNotFound) {
		a.render(c, http.StatusNotFound, "problem.html", map[string]any{"Title": "No such entrant", "Message": "There is no entrant at this address."})
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	list, err := a.Entries.ListByEntrant(c, id, 200)
	if err != nil {
		a.fail(c, err)
		return
	}
	msgs, err := a.Outbox.ListByEntrant(c, id, 200)
	if err != nil {
		a.fail(c, err)
		return
	}
	replies, err := a.Outreach.Replies.ListByEntrant(c, id, 200)
	if err != nil {
		a.fail(c, err)
		return
	}
	names := map[string]string{}
	var inCampaigns []string // the campaigns they entered, to write from
	for _, e := range list {
		if _, ok := names[e.CampaignID]; !ok {
			if cp, err := a.Campaigns.Get(c, e.CampaignID); err == nil {
				names[e.CampaignID] = cp.Name
				inCampaigns = append(inCampaigns, e.CampaignID)
			}
		}
	}
	a.render(c, status, "entrant.html", map[string]any{"Who": who, "Entries": list, "Campaigns": names, "InCampaigns": inCampaigns,
		"Timeline": outreach.Timeline(list, msgs, replies), "F": form, "Problem": problem, "Done": c.Query("done"), "Fields": messages.Fields,
		"Data": a.dataRequests(c, id)})
}

// reportsPage lists the newest fan reports.
func (a *Admin) reportsPage(c *gin.Context) {
	list, err := a.Reports.Store.List(c, 300)
	if err != nil {
		a.fail(c, err)
		return
	}
	titles := map[string]string{}
	for _, r := range list {
		if _, ok := titles[r.EntryID]; !ok {
			if e, err := a.Entries.Get(c, r.EntryID); err == nil {
				titles[r.EntryID] = e.Title + " (" + e.Status.Label() + ")"
			}
		}
	}
	a.render(c, http.StatusOK, "reports.html", map[string]any{"Reports": list, "Titles": titles, "Reason": moderation.ReasonLabel})
}
