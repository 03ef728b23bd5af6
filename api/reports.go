package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/moderation"
)

type reportInput struct {
	Reason string `json:"reason"`
	Text   string `json:"text"`
}

// reportEntry files a fan's report of a live entry: one per person and
// entry, rate limited per client address. Enough reports send the entry
// back to review.
func (a *API) reportEntry(c *gin.Context) {
	id := c.Param("id")
	if !ids.Valid(entries.IDPrefix, id) {
		httpx.Fail(c, a.Log, translate(entries.ErrNotFound))
		return
	}
	var in reportInput
	if err := httpx.BindJSON(c, &in); err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	if a.ReportLimit != nil {
		ok, wait, err := a.ReportLimit.Allow(c, c.ClientIP())
		if err != nil {
			a.Log.Warn("api: report rate limit unavailable", "err", err)
		} else if !ok {
			c.Header("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			httpx.Fail(c, a.Log, httpx.E(http.StatusTooManyRequests, "too_many_requests", "You have sent many reports. Try again later."))
			return
		}
	}
	reporter := entrantID(c)
	if reporter == "" {
		reporter = "ip:" + a.HashIP(c.ClientIP())
	}
	_, err := a.Reports.File(c, id, reporter, in.Reason, in.Text)
	switch {
	case errors.Is(err, moderation.ErrInvalidReport):
		httpx.Fail(c, a.Log, httpx.E(http.StatusBadRequest, "invalid_report", "Pick a reason for your report; details are optional (up to 1000 characters)."))
	case errors.Is(err, moderation.ErrAlreadyReported):
		httpx.Fail(c, a.Log, httpx.E(http.StatusConflict, "already_reported", "You already reported this entry. Thank you: the team will look at it."))
	case errors.Is(err, moderation.ErrNotReportable), errors.Is(err, entries.ErrNotFound):
		httpx.Fail(c, a.Log, translate(entries.ErrNotFound))
	case err != nil:
		httpx.Fail(c, a.Log, err)
	default:
		c.JSON(http.StatusAccepted, gin.H{"received": true, "message": httpx.Lang(c).T("Thank you. The campaign team will look at this entry.")})
	}
}
