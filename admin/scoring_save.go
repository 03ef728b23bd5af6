package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/judging"
	"github.com/tryout/tryout/internal/staff"
)

// saveScore saves the judge's sheet for the entry, then opens the next
// entry they have not scored. A refused sheet comes back with the numbers
// as typed and every problem named.
func (a *Admin) saveScore(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	r, cp, tasks, ok := a.judgeTasks(c)
	if !ok {
		return
	}
	setup, err := a.Judging.Setup(c, cp.ID)
	if err != nil {
		a.fail(c, err)
		return
	}
	typed := map[string]string{"comment": c.PostForm("comment")}
	values := map[string]int{}
	bad := judging.FieldErrors{}
	for _, cr := range setup.Criteria {
		s := strings.TrimSpace(c.PostForm(cr.Key))
		typed[cr.Key] = s
		if n, err := strconv.Atoi(s); err == nil {
			values[cr.Key] = n
		} else if s != "" {
			bad[cr.Key] = "write a whole number from " + strconv.Itoa(cr.Min) + " to " + strconv.Itoa(cr.Max)
		}
	}
	entryID := c.Param("entry")
	_, err = a.Judging.Score(c, staffActor(u), r, entryID, values, c.PostForm("comment"))
	var fe judging.FieldErrors
	if errors.As(err, &fe) {
		for k, v := range bad {
			fe[k] = v
		}
		a.showScore(c, http.StatusUnprocessableEntity, typed, fe, "Not saved yet: fix the scores marked below.")
		return
	}
	if a.scoreRefused(c, err, typed) {
		return
	}
	a.afterSheet(c, r, tasks, entryID, "Saved your score.")
}

// scoreRefused answers a sheet the service refused (other than a field
// problem) and reports whether it did.
func (a *Admin) scoreRefused(c *gin.Context, err error, typed map[string]string) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, judging.ErrLocked):
		a.showScore(c, http.StatusConflict, typed, nil, "The owners locked this round's scores, so nothing can change now. Nothing was saved.")
	case errors.Is(err, judging.ErrConflict):
		a.showScore(c, http.StatusConflict, typed, nil, "You declared a conflict with this entry, so you do not score it. Nothing was saved.")
	case errors.Is(err, judging.ErrNoRubric):
		a.showScore(c, http.StatusConflict, typed, nil, "This campaign has no rubric yet: ask an owner to set the criteria. Nothing was saved.")
	case errors.Is(err, judging.ErrNotInRound), errors.Is(err, judging.ErrNotJudge):
		a.render(c, http.StatusNotFound, "problem.html", map[string]any{"Title": "Not in this round", "Message": "This entry is not one you judge in this round."})
	default:
		a.fail(c, err)
	}
	return true
}

// declareConflict records that the judge has a conflict with the entry.
func (a *Admin) declareConflict(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	r, _, tasks, ok := a.judgeTasks(c)
	if !ok {
		return
	}
	entryID := c.Param("entry")
	_, err := a.Judging.Abstain(c, staffActor(u), r, entryID)
	if a.scoreRefused(c, err, nil) {
		return
	}
	a.afterSheet(c, r, tasks, entryID, "Recorded your conflict: the other judges score this entry.")
}

// afterSheet opens the next entry to score, or the judge's home when the
// round is done.
func (a *Admin) afterSheet(c *gin.Context, r judging.Round, tasks []judging.Task, entryID, done string) {
	i := taskIndex(tasks, entryID)
	if i >= 0 {
		tasks[i].State = judging.Scored
	}
	if n := nextTodo(tasks, i); n >= 0 {
		c.Redirect(http.StatusSeeOther, "/admin/rounds/"+r.ID+"/score/"+tasks[n].Entry.ID+"?done="+url.QueryEscape(done))
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/judging?done="+url.QueryEscape(done+" You have scored every entry in "+r.Title()+"."))
}
