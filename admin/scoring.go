package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/judging"
	"github.com/tryout/tryout/internal/staff"
)

// assignment is one round on a judge's home page.
type assignment struct {
	Round    judging.Round
	Campaign campaigns.Campaign
	Tasks    []judging.Task
	Done     int
}

// judgeHome lists the judge's rounds and how far they are in each.
func (a *Admin) judgeHome(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	rounds, err := a.Judging.Store.RoundsOfJudge(c, u.ID)
	if err != nil {
		a.fail(c, err)
		return
	}
	var list []assignment
	for _, r := range rounds {
		cp, err := a.Campaigns.Get(c, r.CampaignID)
		if err != nil {
			continue // the campaign is gone
		}
		tasks, err := a.Judging.Tasks(c, r, u.ID)
		if err != nil {
			a.fail(c, err)
			return
		}
		as := assignment{Round: r, Campaign: cp, Tasks: tasks}
		for _, t := range tasks {
			if t.State != judging.ToScore {
				as.Done++
			}
		}
		list = append(list, as)
	}
	a.render(c, http.StatusOK, "judge_home.html", map[string]any{"Assignments": list, "Done": c.Query("done")})
}

// judgeTasks loads the round and the judge's tasks in it, or answers.
func (a *Admin) judgeTasks(c *gin.Context) (judging.Round, campaigns.Campaign, []judging.Task, bool) {
	u := c.MustGet(userKey).(staff.User)
	r, cp, ok := a.routeRound(c)
	if !ok {
		return r, cp, nil, false
	}
	tasks, err := a.Judging.Tasks(c, r, u.ID)
	if errors.Is(err, judging.ErrNotJudge) {
		a.render(c, http.StatusForbidden, "problem.html", map[string]any{"Title": "Not your round", "Message": "You are not a judge of this round. Ask an owner to assign you."})
		return r, cp, nil, false
	}
	if err != nil {
		a.fail(c, err)
		return r, cp, nil, false
	}
	return r, cp, tasks, true
}

// nextToScore opens the first entry the judge has not scored.
func (a *Admin) nextToScore(c *gin.Context) {
	r, _, tasks, ok := a.judgeTasks(c)
	if !ok {
		return
	}
	if len(tasks) == 0 {
		c.Redirect(http.StatusSeeOther, "/admin/judging?done="+url.QueryEscape(r.Title()+" has no entries to score yet."))
		return
	}
	next := tasks[0].Entry.ID
	if i := nextTodo(tasks, -1); i >= 0 {
		next = tasks[i].Entry.ID
	}
	c.Redirect(http.StatusSeeOther, "/admin/rounds/"+r.ID+"/score/"+next)
}

// nextTodo is the index of the first task to score after from, wrapping
// around; -1 when none is left.
func nextTodo(tasks []judging.Task, from int) int {
	for k := 1; k <= len(tasks); k++ {
		i := (from + k + len(tasks)) % len(tasks)
		if tasks[i].State == judging.ToScore && i != from {
			return i
		}
	}
	return -1
}

func (a *Admin) scorePage(c *gin.Context) {
	a.showScore(c, http.StatusOK, nil, nil, "")
}

// showScore renders the scoring page for the route's entry; typed, fe and
// problem carry a refused save back to the judge.
func (a *Admin) showScore(c *gin.Context, status int, typed map[string]string, fe judging.FieldErrors, problem string) {
	r, cp, tasks, ok := a.judgeTasks(c)
	if !ok {
		return
	}
	i := taskIndex(tasks, c.Param("entry"))
	if i < 0 {
		a.render(c, http.StatusNotFound, "problem.html", map[string]any{"Title": "Not in this round", "Message": "This entry is not in the round (or is no longer live)."})
		return
	}
	setup, err := a.Judging.Setup(c, cp.ID)
	if err != nil {
		a.fail(c, err)
		return
	}
	t := tasks[i]
	if typed == nil {
		typed = map[string]string{"comment": t.Sheet.Comment}
		for k, v := range t.Sheet.Values {
			typed[k] = strconv.Itoa(v)
		}
	}
	data := map[string]any{"Round": r, "Campaign": cp, "Setup": setup, "Task": t, "E": t.Entry, "Typed": typed, "Errors": fe,
		"Problem": problem, "Done": c.Query("done"), "Place": i + 1, "Of": len(tasks), "Scored": countDone(tasks)}
	if i > 0 {
		data["Prev"] = tasks[i-1].Entry.ID
	}
	if i+1 < len(tasks) {
		data["Next"] = tasks[i+1].Entry.ID
	}
	data["Play"], data["Poster"], data["Captions"] = playback(t.Entry)
	if !setup.Blind {
		who, _ := a.Entrants.Get(c, t.Entry.EntrantID)
		data["Entrant"], data["Votes"] = who.DisplayName, t.Entry.Votes
	}
	a.render(c, status, "score.html", data)
}

func taskIndex(tasks []judging.Task, entryID string) int {
	for i, t := range tasks {
		if t.Entry.ID == entryID {
			return i
		}
	}
	return -1
}

func countDone(tasks []judging.Task) int {
	n := 0
	for _, t := range tasks {
		if t.State != judging.ToScore {
			n++
		}
	}
	return n
}

// playback gives the console's URLs of an entry's player, poster and
// captions ("" for each it does not have).
func playback(e entries.Entry) (play, poster, captions string) {
	r := e.Renditions
	if r == nil {
		return "", "", ""
	}
	media := func(key string) string {
		if key == "" {
			return ""
		}
		return "/admin/media/" + e.ID + "/" + strings.TrimPrefix(key, r.Prefix)
	}
	play = media(r.Master)
	if !r.Ready() {
		play = media(r.FirstPlayable)
	}
	return play, media(r.Poster), media(e.Captions)
}
