package admin

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
)

// rightsInput is the eligibility, guardian and retention part of the
// campaign JSON body.
type rightsInput struct {
	Countries             []string `json:"countries"`
	GuardianAge           int      `json:"guardian_age"`
	GuardianDays          int      `json:"guardian_days"`
	RetainOriginalsDays   int      `json:"retain_originals_days"`
	KeepWinnerOriginals   bool     `json:"keep_winner_originals"`
	RetainUnpublishedDays int      `json:"retain_unpublished_days"`
	RetainSignalsDays     int      `json:"retain_signals_days"`
}

func rightsInputOf(c campaigns.Campaign) rightsInput {
	return rightsInput{c.Countries, c.GuardianAge, c.GuardianDays, c.RetainOriginalsDays, c.KeepWinnerOriginals, c.RetainUnpublishedDays, c.RetainSignalsDays}
}

func (in rightsInput) apply(c *campaigns.Campaign) {
	c.Countries, c.GuardianAge, c.GuardianDays = in.Countries, in.GuardianAge, in.GuardianDays
	c.RetainOriginalsDays, c.KeepWinnerOriginals = in.RetainOriginalsDays, in.KeepWinnerOriginals
	c.RetainUnpublishedDays, c.RetainSignalsDays = in.RetainUnpublishedDays, in.RetainSignalsDays
}

// parseRightsFields reads them back; empty numbers are 0 (the defaults).
func parseRightsFields(c *gin.Context, cp *campaigns.Campaign, num func(string, *int)) {
	opt := func(k string, dst *int) {
		if strings.TrimSpace(c.PostForm(k)) == "" {
			*dst = 0
			return
		}
		num(k, dst)
	}
	cp.Countries = []string{c.PostForm("countries")}
	opt("guardian_age", &cp.GuardianAge)
	opt("guardian_days", &cp.GuardianDays)
	opt("retain_originals_days", &cp.RetainOriginalsDays)
	opt("retain_unpublished_days", &cp.RetainUnpublishedDays)
	opt("retain_signals_days", &cp.RetainSignalsDays)
	cp.KeepWinnerOriginals = c.PostForm("keep_winner_originals") == "true"
}
