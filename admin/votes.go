package admin

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/staff"
	"github.com/tryout/tryout/internal/votes"
)

// votesPage is fraud review for one entry: its ballots' clusters (shared
// network, device, minute, no page view, automation browser), a fraud
// score, and forms to discount a cluster or count it again.
func (a *Admin) votesPage(c *gin.Context) {
	a.showVotes(c, http.StatusOK, "")
}

func (a *Admin) showVotes(c *gin.Context, status int, problem string) {
	e, ok := a.routeEntry(c)
	if !ok {
		return
	}
	bs, err := a.Votes.ForEntry(c, e.ID)
	if err != nil {
		a.fail(c, err)
		return
	}
	clusters, score := votes.Analyze(bs)
	counted, discounted, held := 0, 0, 0
	for _, b := range bs {
		switch {
		case b.Discounted:
			discounted++
		case b.Held:
			held++
		default:
			counted++
		}
	}
	var checks []checkRow
	if cp, err := a.Campaigns.Get(c, e.CampaignID); err == nil {
		checks = checkRows(cp)
	}
	recent := bs
	if len(recent) > 50 {
		recent = recent[len(recent)-50:]
	}
	a.render(c, status, "votes.html", map[string]any{"E": e, "Clusters": clusters, "Score": score, "Counted": counted, "Held": held,
		"Discounted": discounted, "Recent": recent, "Problem": problem, "Done": c.Query("done"), "Reason": c.PostForm("reason"), "Checks": checks})
}

// discountVotes discounts (or counts again) the ballots of one cluster,
// sets the entry's total from the ballots, audits it and tells the entrant
// when their total changed.
func (a *Admin) discountVotes(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	e, ok := a.routeEntry(c)
	if !ok {
		return
	}
	kind, key, action := c.PostForm("kind"), c.PostForm("key"), c.PostForm("action")
	reason := strings.TrimSpace(c.PostForm("reason"))
	discount := action != "restore"
	switch {
	case kind == "" || key == "":
		a.showVotes(c, http.StatusBadRequest, "This form names no cluster. Reload the page and try again. Nothing was changed.")
		return
	case discount && reason == "":
		a.showVotes(c, http.StatusUnprocessableEntity, "Write why these votes are not counted: the entrant is told. Nothing was changed.")
		return
	case !discount && reason == "":
		reason = "counted again after review"
	}
	adj, err := a.Votes.Discount(c, staffActor(u), e.CampaignID, e.ID, kind, key, discount, reason)
	if err != nil {
		a.fail(c, err)
		return
	}
	a.countDiscount(c, e.CampaignID, discount, adj.Changed)
	if adj.After != adj.Before {
		if err := a.Notify.VotesAdjusted(c, e, adj.Before, adj.After, reason); err != nil {
			a.Log.Error("admin: votes adjusted message not queued", "entry", e.ID, "err", err)
		}
	}
	done := strconv.FormatInt(adj.Changed, 10) + " ballots "
	if adj.HeldBefore != adj.HeldAfter {
		done = strconv.FormatInt(adj.Changed, 10) + " ballots (" + strconv.FormatInt(adj.HeldBefore-adj.HeldAfter, 10) + " of them held) "
	}
	if discount {
		done += "discounted"
	} else {
		done += "counted again"
	}
	done += "; the total went from " + strconv.FormatInt(adj.Before, 10) + " to " + strconv.FormatInt(adj.After, 10) + "."
	c.Redirect(http.StatusSeeOther, "/admin/entries/"+e.ID+"/votes?done="+url.QueryEscape(done))
}

// clearVotes counts in public the entry's votes an automatic check held
// (one check's, or all), audits it and tells the entrant their total
// changed.
func (a *Admin) clearVotes(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	e, ok := a.routeEntry(c)
	if !ok {
		return
	}
	check := c.PostForm("check") // a check's name, or "all"
	if _, err := votes.ParseChecks([]string{check}); err != nil && check != "all" {
		a.showVotes(c, http.StatusBadRequest, "This form names no known check. Reload the page and try again. Nothing was changed.")
		return
	}
	if check == "all" {
		check = ""
	}
	adj, err := a.Votes.Clear(c, staffActor(u), e.CampaignID, e.ID, check)
	if err != nil {
		a.fail(c, err)
		return
	}
	if adj.After != adj.Before {
		if err := a.Notify.VotesAdjusted(c, e, adj.Before, adj.After, "votes our automatic checks had held for review were checked by the campaign team and count now"); err != nil {
			a.Log.Error("admin: votes adjusted message not queued", "entry", e.ID, "err", err)
		}
	}
	done := strconv.FormatInt(adj.Changed, 10) + " held votes now count; the total went from " + strconv.FormatInt(adj.Before, 10) + " to " + strconv.FormatInt(adj.After, 10) + "."
	c.Redirect(http.StatusSeeOther, "/admin/entries/"+e.ID+"/votes?done="+url.QueryEscape(done))
}
