package admin

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/staff"
)

// voteChecksInput switches a campaign's automatic vote checks: the names
// listed are off, every other check is on.
type voteChecksInput struct {
	Off []string `json:"off"`
}

// putVoteChecks sets which automatic vote checks a campaign keeps off
// (JSON API), audited.
func (a *Admin) putVoteChecks(c *gin.Context) {
	var in voteChecksInput
	if err := httpx.BindJSON(c, &in); err != nil {
		a.fail(c, err)
		return
	}
	cp, err := a.Campaigns.Get(c, c.Param("id"))
	if errors.Is(err, campaigns.ErrNotFound) {
		a.fail(c, httpx.E(http.StatusNotFound, "campaign_not_found", "There is no campaign with this id."))
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	before := cp
	cp.VoteChecksOff = nonNil(in.Off)
	var fe campaigns.FieldErrors
	if err := cp.Validate(a.MaxUploadBytes); errors.As(err, &fe) {
		a.fail(c, &httpx.Error{Status: http.StatusBadRequest, Code: "invalid_campaign", Message: "Some campaign fields need fixing: " + fe.Error() + ".", Fields: fe})
		return
	}
	u := c.MustGet(userKey).(staff.User)
	if _, err := a.Editor.Update(c, staffActor(u), before, cp, campaigns.LogoChange{}); err != nil { // audited with what changed
		a.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newCampaignView(cp))
}

// nonNil is a list that encodes as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
