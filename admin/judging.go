package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/judging"
	"github.com/tryout/tryout/internal/staff"
)

// judgingRoutes registers the judging console: owners set up the rubric,
// rounds, cuts, judges and draws; judges score; owners and analysts read
// the ranking and the scores CSV.
func (a *Admin) judgingRoutes(p *gin.RouterGroup) {
	p.GET("/campaigns/:id/judging", a.can(staff.ManageJudging), a.judgingPage)
	p.POST("/campaigns/:id/judging", a.can(staff.ManageJudging), a.saveSetup)
	p.POST("/campaigns/:id/rounds", a.can(staff.ManageJudging), a.addRound)
	p.POST("/campaigns/:id/draws", a.can(staff.ManageJudging), a.runDraw)
	p.GET("/rounds/:id", a.can(staff.ManageJudging), a.roundPage)
	p.POST("/rounds/:id/cut", a.can(staff.ManageJudging), a.applyCut)
	p.POST("/rounds/:id/judges", a.can(staff.ManageJudging), a.assignJudges)
	p.POST("/rounds/:id/lock", a.can(staff.ManageJudging), a.lockRound)
	p.GET("/rounds/:id/ranking", a.can(staff.ViewResults), a.rankingPage)
	p.GET("/rounds/:id/scores.csv", a.can(staff.ViewResults), a.scoresCSV)
	p.GET("/judging", a.can(staff.ScoreEntries), a.judgeHome)
	p.GET("/rounds/:id/score", a.can(staff.ScoreEntries), a.nextToScore)
	p.GET("/rounds/:id/score/:entry", a.can(staff.ScoreEntries), a.scorePage)
	p.POST("/rounds/:id/score/:entry", a.can(staff.ScoreEntries), a.saveScore)
	p.POST("/rounds/:id/score/:entry/conflict", a.can(staff.ScoreEntries), a.declareConflict)
}

// judgingPage shows a campaign's rubric, weight, rounds and draws.
func (a *Admin) judgingPage(c *gin.Context) {
	cp, ok := a.routeCampaign(c)
	if !ok {
		return
	}
	st, err := a.Judging.Setup(c, cp.ID)
	if err != nil {
		a.fail(c, err)
		return
	}
	a.showJudging(c, http.StatusOK, cp, st, nil, "")
}

// showJudging renders the setup page; fe and problem explain a refusal.
func (a *Admin) showJudging(c *gin.Context, status int, cp campaigns.Campaign, st judging.Setup, fe judging.FieldErrors, problem string) {
	rounds, err := a.Judging.Rounds(c, cp.ID)
	if err != nil {
		a.fail(c, err)
		return
	}
	draws, err := a.Judging.Draws(c, cp.ID)
	if err != nil {
		a.fail(c, err)
		return
	}
	titles := map[string]string{}
	if len(draws) > 0 {
		list, err := a.Entries.ListByCampaign(c, cp.ID, 0)
		if err != nil {
			a.fail(c, err)
			return
		}
		for _, e := range list {
			titles[e.ID] = e.Title
		}
	}
	rows := append([]judging.Criterion(nil), st.Criteria...)
	for len(rows) < len(st.Criteria)+2 && len(rows) < judging.MaxCriteria {
		rows = append(rows, judging.Criterion{Min: 1, Max: 10, Weight: 1})
	}
	a.render(c, status, "judging.html", map[string]any{"Campaign": cp, "Setup": st, "Rows": rows, "Rounds": rounds, "Draws": draws,
		"Kinds": judging.Kinds, "Rules": judging.Rules, "Errors": fe, "Problem": problem, "Done": c.Query("done"),
		"Form": c.Request.PostForm, "Method": judging.Method, "Titles": titles})
}

// saveSetup saves the rubric, the jury weight and blind judging.
func (a *Admin) saveSetup(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	cp, ok := a.routeCampaign(c)
	if !ok {
		return
	}
	st := judging.Setup{CampaignID: cp.ID, Blind: c.PostForm("blind") == "1", Criteria: criteriaForm(c)}
	st.JuryWeight, _ = strconv.Atoi(strings.TrimSpace(c.PostForm("jury_weight")))
	if c.PostForm("jury_weight") == "" || !isInt(c.PostForm("jury_weight")) {
		st.JuryWeight = -1
	}
	saved, err := a.Judging.SaveSetup(c, staffActor(u), st)
	var fe judging.FieldErrors
	switch {
	case errors.As(err, &fe):
		a.showJudging(c, http.StatusUnprocessableEntity, cp, saved, fe, "The rubric was not saved: fix the fields marked below.")
		return
	case errors.Is(err, judging.ErrRubricInUse):
		a.showJudging(c, http.StatusConflict, cp, saved, nil, "Judges have already scored in this campaign, so the criteria, their scales and weights stay as they are. You can still rename and redescribe them, and change the jury weight.")
		return
	case err != nil:
		a.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/campaigns/"+cp.ID+"/judging?done="+url.QueryEscape("Saved the rubric and weights."))
}

// criteriaForm reads the rubric's rows; rows with neither a name nor a
// description are blank and left out. A number that does not parse is
// kept as an impossible value so validation names it.
func criteriaForm(c *gin.Context) []judging.Criterion {
	names, descs := c.PostFormArray("name"), c.PostFormArray("description")
	mins, maxs, weights := c.PostFormArray("min"), c.PostFormArray("max"), c.PostFormArray("weight")
	var out []judging.Criterion
	for i := range names {
		desc := at(descs, i)
		if strings.TrimSpace(names[i]) == "" && strings.TrimSpace(desc) == "" {
			continue
		}
		cr := judging.Criterion{Name: names[i], Description: desc, Min: -1, Max: -1, Weight: -1}
		if n, err := strconv.Atoi(strings.TrimSpace(at(mins, i))); err == nil {
			cr.Min = n
		}
		if n, err := strconv.Atoi(strings.TrimSpace(at(maxs, i))); err == nil {
			cr.Max = n
		}
		if w, err := strconv.ParseFloat(strings.TrimSpace(at(weights, i)), 64); err == nil {
			cr.Weight = w
		}
		out = append(out, cr)
	}
	return out
}

func at(list []string, i int) string {
	if i < len(list) {
		return list[i]
	}
	return ""
}

func isInt(s string) bool {
	_, err := strconv.Atoi(strings.TrimSpace(s))
	return err == nil
}

// addRound appends a round to the campaign.
func (a *Admin) addRound(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	cp, ok := a.routeCampaign(c)
	if !ok {
		return
	}
	r := judging.Round{CampaignID: cp.ID, Name: c.PostForm("round_name"), Kind: judging.Kind(c.PostForm("kind")), Rule: judging.Rule(c.PostForm("rule"))}
	r.TopN, _ = strconv.Atoi(strings.TrimSpace(c.PostForm("top_n")))
	r, err := a.Judging.AddRound(c, staffActor(u), r)
	var fe judging.FieldErrors
	if errors.As(err, &fe) || errors.Is(err, judging.ErrTaken) {
		st, _ := a.Judging.Setup(c, cp.ID)
		a.showJudging(c, http.StatusUnprocessableEntity, cp, st, fe, "The round was not added: "+roundProblem(fe, err))
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/rounds/"+r.ID+"?done="+url.QueryEscape("Added "+r.Title()+". Check who enters it below, then apply the cut."))
}

func roundProblem(fe judging.FieldErrors, err error) string {
	if fe == nil {
		return "another round was added at the same moment; try again."
	}
	var parts []string
	for _, k := range []string{"name", "kind", "rule", "top_n"} {
		if v := fe[k]; v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, "; ") + "."
}

// runDraw draws a sweepstakes prize and publishes it with its seed.
func (a *Admin) runDraw(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	cp, ok := a.routeCampaign(c)
	if !ok {
		return
	}
	req := judging.DrawRequest{Prize: c.PostForm("prize"), Seed: c.PostForm("seed"), RoundID: c.PostForm("round"), ExcludeWinners: c.PostForm("exclude_winners") == "1"}
	req.Place, _ = strconv.Atoi(strings.TrimSpace(c.PostForm("place")))
	req.Count, _ = strconv.Atoi(strings.TrimSpace(c.PostForm("count")))
	d, err := a.Judging.RunDraw(c, staffActor(u), cp.ID, req)
	var fe judging.FieldErrors
	if errors.As(err, &fe) {
		st, _ := a.Judging.Setup(c, cp.ID)
		a.showJudging(c, http.StatusUnprocessableEntity, cp, st, fe, "The draw was not made: fix the fields marked below. Nothing was drawn.")
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/campaigns/"+cp.ID+"/judging?done="+url.QueryEscape("Drew "+plural(len(d.Winners), "winner", "winners")+
		" for “"+d.Prize+"” from "+plural(len(d.Eligible), "eligible entry", "eligible entries")+". The draw, its seed and the eligible list are on the public winners page."))
}
