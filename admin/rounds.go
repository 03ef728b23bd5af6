package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/judging"
	"github.com/tryout/tryout/internal/staff"
)

// routeRound loads the round the route names and its campaign, or answers
// the request itself and returns false.
func (a *Admin) routeRound(c *gin.Context) (judging.Round, campaigns.Campaign, bool) {
	id := c.Param("id")
	var r judging.Round
	err := judging.ErrNotFound
	if ids.Valid(judging.RoundPrefix, id) {
		r, err = a.Judging.Round(c, id)
	}
	if errors.Is(err, judging.ErrNotFound) {
		a.render(c, http.StatusNotFound, "problem.html", map[string]any{"Title": "No such round", "Message": "There is no judging round at this address."})
		return r, campaigns.Campaign{}, false
	}
	if err != nil {
		a.fail(c, err)
		return r, campaigns.Campaign{}, false
	}
	cp, err := a.Campaigns.Get(c, r.CampaignID)
	if err != nil {
		a.fail(c, err)
		return r, cp, false
	}
	return r, cp, true
}

// roundPage shows a round: its cut (previewed until applied), its judges
// and their progress, and the links to its ranking and scores.
func (a *Admin) roundPage(c *gin.Context) {
	r, cp, ok := a.routeRound(c)
	if !ok {
		return
	}
	a.showRound(c, http.StatusOK, r, cp, c.QueryArray("pick"), "")
}

func (a *Admin) showRound(c *gin.Context, status int, r judging.Round, cp campaigns.Campaign, picks []string, problem string) {
	data := map[string]any{"Round": r, "Campaign": cp, "Done": c.Query("done"), "Problem": problem, "Picks": picks}
	if !r.Cut {
		cut, err := a.Judging.Preview(c, r, picks)
		switch {
		case errors.Is(err, judging.ErrPreviousOpen):
			data["Blocked"] = "Apply the previous round's cut first: this round's entries come from it."
		case err != nil:
			a.fail(c, err)
			return
		default:
			data["Cut"], data["Digest"] = cut, cut.Digest()
		}
	}
	judges, err := a.Judging.Judges(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	progress, err := a.Judging.Progress(c, r)
	if err != nil {
		a.fail(c, err)
		return
	}
	data["Judges"], data["Progress"] = judges, progress
	a.render(c, status, "round.html", data)
}

// applyCut previews a selection (action=preview) or applies the cut the
// owner saw (its digest); a cut that changed meanwhile is shown again.
func (a *Admin) applyCut(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	r, cp, ok := a.routeRound(c)
	if !ok {
		return
	}
	picks := c.PostFormArray("pick")
	if c.PostForm("action") == "preview" {
		a.showRound(c, http.StatusOK, r, cp, picks, "")
		return
	}
	res, err := a.Judging.ApplyCut(c, staffActor(u), r, picks, c.PostForm("digest"))
	var fe judging.FieldErrors
	switch {
	case errors.Is(err, judging.ErrCutChanged):
		a.showRound(c, http.StatusConflict, r, cp, picks, "Who enters changed since you looked (votes moved or an entry changed). Nothing was applied: check the new cut below.")
		return
	case errors.As(err, &fe):
		a.showRound(c, http.StatusUnprocessableEntity, r, cp, picks, "Nothing was applied: no entry would enter this round. Pick at least one.")
		return
	case errors.Is(err, judging.ErrCutApplied):
		a.showRound(c, http.StatusConflict, r, cp, picks, "This round's cut was already applied. Nothing was changed.")
		return
	case errors.Is(err, judging.ErrPreviousOpen):
		a.showRound(c, http.StatusConflict, r, cp, picks, "Apply the previous round's cut first. Nothing was changed.")
		return
	case err != nil:
		a.fail(c, err)
		return
	}
	done := plural(len(res.Round.Entries), "entry", "entries") + " entered " + r.Title() + "."
	if res.Told > 0 {
		done += " " + plural(res.Told, "entrant was", "entrants were") + " told they advanced."
	}
	if res.Failed > 0 {
		done += " " + plural(res.Failed, "entry", "entries") + " could not be marked or told: see the log."
	}
	c.Redirect(http.StatusSeeOther, "/admin/rounds/"+r.ID+"?done="+url.QueryEscape(done))
}

// assignJudges sets the round's judges from the ticked boxes.
func (a *Admin) assignJudges(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	r, cp, ok := a.routeRound(c)
	if !ok {
		return
	}
	chosen := c.PostFormArray("judge")
	err := a.Judging.AssignJudges(c, staffActor(u), r, chosen)
	var fe judging.FieldErrors
	if errors.As(err, &fe) {
		a.showRound(c, http.StatusUnprocessableEntity, r, cp, nil, "The judges were not changed: "+fe["judges"]+".")
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/rounds/"+r.ID+"?done="+url.QueryEscape("Saved the judges ("+strconv.Itoa(len(chosen))+")."))
}

// lockRound locks (or unlocks) the round's scores.
func (a *Admin) lockRound(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	r, _, ok := a.routeRound(c)
	if !ok {
		return
	}
	lock := c.PostForm("action") != "unlock"
	if err := a.Judging.Lock(c, staffActor(u), r.ID, lock); err != nil {
		a.fail(c, err)
		return
	}
	done := "Scores are locked: judges can read but not change them."
	if !lock {
		done = "Scores are open again: judges can change them."
	}
	c.Redirect(http.StatusSeeOther, "/admin/rounds/"+r.ID+"?done="+url.QueryEscape(done))
}

// rankingPage shows the round's hybrid ranking with its breakdown, and
// lets an owner confirm the proposed winners.
func (a *Admin) rankingPage(c *gin.Context) {
	r, cp, ok := a.routeRound(c)
	if !ok {
		return
	}
	ranking, err := a.Judging.Ranking(c, r)
	if err != nil && !errors.Is(err, judging.ErrNotCut) {
		a.fail(c, err)
		return
	}
	st, err := a.Judging.Setup(c, cp.ID)
	if err != nil {
		a.fail(c, err)
		return
	}
	won := map[string]*campaigns.Winner{}
	if ws, err := a.Winners.Winners(c, cp.ID); err == nil {
		for _, w := range ws {
			won[w.EntryID] = &w
		}
	}
	top, _ := strconv.Atoi(c.DefaultQuery("top", "3"))
	top = min(max(top, 1), 100)
	a.render(c, http.StatusOK, "ranking.html", map[string]any{"Round": r, "Campaign": cp, "Ranking": ranking, "Setup": st,
		"PublicWeight": 100 - st.JuryWeight, "Top": top, "Won": won})
}

// scoresCSV sends every sheet of the round as a spreadsheet.
func (a *Admin) scoresCSV(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	r, _, ok := a.routeRound(c)
	if !ok {
		return
	}
	setup, rows, err := a.Judging.CSVRows(c, r)
	if err != nil {
		a.fail(c, err)
		return
	}
	a.audit(c, u, "round.export", r.ID, nil, map[string]string{"rows": strconv.Itoa(len(rows))})
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="scores-round-`+strconv.Itoa(r.Number)+`.csv"`)
	c.Header("Cache-Control", "no-store")
	c.Header("X-Content-Type-Options", "nosniff")
	if err := judging.WriteCSV(c.Writer, setup, rows); err != nil {
		a.Log.Error("admin: scores csv", "round", r.ID, "err", err)
	}
}
