package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/present"
)

// appeal asks a person to look at an automatic decision against the
// entrant's own entry (POST /api/entries/{id}/appeal): the entry goes to
// the review queue marked as an appeal.
func (a *API) appeal(c *gin.Context) {
	id := c.Param("id")
	if !ids.Valid(entries.IDPrefix, id) {
		httpx.Fail(c, a.Log, translate(entries.ErrNotFound))
		return
	}
	e, err := a.Intake.Appeal(c, entrantID(c), id)
	if err != nil {
		httpx.Fail(c, a.Log, translateAppeal(err))
		return
	}
	v := NewEntryView(e).In(httpx.Lang(c))
	v.Playback = present.NewPlayback(e, true)
	c.JSON(http.StatusOK, v)
}

func translateAppeal(err error) error {
	switch {
	case errors.Is(err, entries.ErrAppealed):
		return httpx.E(http.StatusConflict, "already_appealed", "You already asked a person to look at this decision. You will hear from the campaign team here and by email.")
	case errors.Is(err, entries.ErrDecidedByPerson):
		return httpx.E(http.StatusConflict, "decided_by_person", "A person from the campaign team made this decision, so there is no automatic decision to appeal.")
	case errors.Is(err, entries.ErrNotAppealable):
		return httpx.E(http.StatusConflict, "not_appealable", "There is no automatic decision against this entry to appeal.")
	}
	return translate(err)
}
