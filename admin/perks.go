package admin

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/perks"
	"github.com/tryout/tryout/internal/problem"
	"github.com/tryout/tryout/internal/staff"
)

// perksPage shows the campaign's perk pool: how many codes are left,
// when they are handed out, and a form to upload more.
func (a *Admin) perksPage(c *gin.Context) {
	cp, ok := a.routeCampaign(c)
	if !ok {
		return
	}
	a.showPerks(c, http.StatusOK, cp, nil)
}

func (a *Admin) showPerks(c *gin.Context, status int, cp campaigns.Campaign, problems []string) {
	st, err := a.Perks.Store.Stats(c, cp.ID)
	if err != nil {
		a.fail(c, err)
		return
	}
	a.render(c, status, "perks.html", map[string]any{"Campaign": cp, "Stats": st, "Problems": problems, "Done": c.Query("done"),
		"Stages": []string{"", "none", campaigns.PerkAtReceived, "when the entry arrives", campaigns.PerkAtLive, "when the entry goes live", campaigns.PerkAtClose, "at the results"}})
}

// uploadPerks adds codes from a CSV file (or pasted lines). A file with
// empty or repeated codes, or codes already in the pool, is refused with
// every bad line named, and nothing is added.
func (a *Admin) uploadPerks(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	cp, ok := a.routeCampaign(c)
	if !ok {
		return
	}
	var src io.Reader = strings.NewReader(c.PostForm("pasted"))
	if fh, err := c.FormFile("codes"); err == nil && fh.Size > 0 {
		f, err := fh.Open()
		if err != nil {
			a.showPerks(c, http.StatusUnprocessableEntity, cp, []string{"The file could not be read; choose it again."})
			return
		}
		defer f.Close()
		src = f
	}
	raw, err := io.ReadAll(src)
	if err != nil {
		a.fail(c, err)
		return
	}
	codes, err := perks.ParseCSV(bytes.NewReader(raw))
	var fe perks.FileError
	if errors.As(err, &fe) {
		a.showPerks(c, http.StatusUnprocessableEntity, cp, lineProblems(fe))
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	taken, err := a.Perks.Upload(c, staffActor(u), cp.ID, codes)
	if errors.Is(err, perks.ErrPoolFull) {
		a.showPerks(c, http.StatusUnprocessableEntity, cp, []string{problem.TextOf(err, "")})
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	done := fmt.Sprintf("Added %d codes.", len(codes)-len(taken))
	if len(taken) > 0 {
		// Codes already in the pool stay as they were (perhaps handed out).
		done += fmt.Sprintf(" %d were already in the pool and were left as they were: %s.", len(taken), strings.Join(taken[:min(10, len(taken))], ", "))
	}
	c.Redirect(http.StatusSeeOther, "/admin/campaigns/"+cp.ID+"/perks?done="+url.QueryEscape(done))
}

// lineProblems lists the first bad lines of a file for the page.
func lineProblems(fe perks.FileError) []string {
	out := []string{"Nothing was added. Fix these lines and upload the file again:"}
	for _, l := range fe[:min(50, len(fe))] {
		out = append(out, fmt.Sprintf("Line %d: %s", l.Line, l.Problem))
	}
	if len(fe) > 50 {
		out = append(out, fmt.Sprintf("… and %d more.", len(fe)-50))
	}
	return out
}

// setPerkStage chooses when entrants get their code.
func (a *Admin) setPerkStage(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	cp, ok := a.routeCampaign(c)
	if !ok {
		return
	}
	_, err := a.Perks.SetStage(c, staffActor(u), cp, c.PostForm("perk_stage"))
	if errors.Is(err, perks.ErrBadStage) {
		a.showPerks(c, http.StatusUnprocessableEntity, cp, []string{problem.TextOf(err, "")})
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/campaigns/"+cp.ID+"/perks?done="+url.QueryEscape("Saved."))
}
