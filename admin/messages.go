package admin

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/messages"
	"github.com/tryout/tryout/internal/problem"
	"github.com/tryout/tryout/internal/staff"
)

// routeCampaign loads the campaign named in the path, or answers 404.
func (a *Admin) routeCampaign(c *gin.Context) (campaigns.Campaign, bool) {
	cp, err := a.Campaigns.Get(c, c.Param("id"))
	if errors.Is(err, campaigns.ErrNotFound) {
		a.render(c, http.StatusNotFound, "problem.html", map[string]any{"Title": "No such campaign", "Message": "There is no campaign at this address."})
		return cp, false
	}
	if err != nil {
		a.fail(c, err)
		return cp, false
	}
	return cp, true
}

// stageParam is the stage named in the request, received by default.
func stageParam(c *gin.Context) messages.Stage {
	s := messages.Stage(c.Request.FormValue("stage"))
	if !slices.Contains(messages.Stages, s) {
		return messages.Received
	}
	return s
}

// messagesPage edits the campaign's lifecycle messages, one stage at a
// time, with a live preview.
func (a *Admin) messagesPage(c *gin.Context) {
	cp, ok := a.routeCampaign(c)
	if !ok {
		return
	}
	stage := stageParam(c)
	a.showMessages(c, http.StatusOK, cp, stage, cp.Template(stage), "")
}

func (a *Admin) showMessages(c *gin.Context, status int, cp campaigns.Campaign, stage messages.Stage, t messages.Template, problem string) {
	preview, _ := t.Render(messages.SampleVars())
	ms := cp.Milestones
	if len(ms) == 0 {
		ms = campaigns.DefaultMilestones
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = strconv.Itoa(m)
	}
	_, own := cp.OwnMessages()[stage]
	a.render(c, status, "messages.html", map[string]any{
		"Campaign": cp, "Stages": messages.Stages, "Stage": stage, "Template": t, "Own": own, "Fields": messages.Fields,
		"Preview": preview, "Problem": problem, "Language": cp.Lang().Name(), "Milestones": strings.Join(parts, ", "), "Done": c.Query("done"),
	})
}

// saveMessage stores one stage's template (or resets it to the default)
// and the vote milestones. A template naming an unknown merge field is
// refused with the field named, and what was typed is kept on the page.
func (a *Admin) saveMessage(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	cp, ok := a.routeCampaign(c)
	if !ok {
		return
	}
	stage := stageParam(c)
	t := messages.Template{Subject: c.PostForm("subject"), Body: c.PostForm("body"), Action: c.PostForm("action")}
	milestones, err := parseMilestones(c.PostForm("milestones"))
	if err != nil {
		a.showMessages(c, http.StatusUnprocessableEntity, cp, stage, t, problem.TextOf(err, "Not saved: check the vote milestones."))
		return
	}
	edit := campaigns.MessageEdit{Stage: stage, Template: t, Reset: c.PostForm("reset") == "1"}
	err = a.Editor.SetMessage(c, staffActor(u), cp, edit, milestones)
	if errors.Is(err, messages.ErrTemplate) {
		a.showMessages(c, http.StatusUnprocessableEntity, cp, stage, t, "Not saved: "+templateProblem(err)+".")
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/campaigns/"+cp.ID+"/messages?stage="+string(stage)+"&done="+url.QueryEscape("Saved the "+stage.Label()+" message."))
}

// previewMessage renders a template with sample values (JSON, for the
// editor's live preview).
func (a *Admin) previewMessage(c *gin.Context) {
	t := messages.Template{Subject: c.PostForm("subject"), Body: c.PostForm("body"), Action: c.PostForm("action")}
	r, err := t.Render(messages.SampleVars())
	if err != nil {
		a.fail(c, httpx.E(http.StatusUnprocessableEntity, "invalid_template", templateProblem(err)))
		return
	}
	c.JSON(http.StatusOK, gin.H{"subject": r.Subject, "body": r.Body, "action": r.Action})
}

// templateProblem is a template error as staff read it.
func templateProblem(err error) string {
	var fe *messages.FieldError
	if errors.As(err, &fe) {
		return fe.Error()
	}
	return strings.TrimSuffix(problem.TextOf(err, "The message cannot be used."), ".")
}

// errMilestones says the vote milestones typed are not usable.
var errMilestones = errors.New("admin: invalid vote milestones")

// parseMilestones reads "10, 100, 1000": up to ten increasing totals.
func parseMilestones(s string) ([]int, error) {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 100_000_000 || (len(out) > 0 && n <= out[len(out)-1]) {
			return nil, problem.New(errMilestones, "Not saved: give vote milestones as increasing whole numbers, such as 10, 100, 1000.")
		}
		out = append(out, n)
	}
	if len(out) > 10 {
		return nil, problem.New(errMilestones, "Not saved: give at most ten vote milestones.")
	}
	return out, nil
}
