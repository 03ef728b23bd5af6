// Package api is the public JSON API: campaigns, streaming uploads and entry
// status. Handlers translate HTTP to domain calls and domain errors to the
// one error shape; the rules live in the domain packages.
package api

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/intake"
)

// API holds what the public handlers need.
type API struct {
	Campaigns campaigns.Store
	Entries   entries.Store
	Intake    *intake.Service
	Log       *slog.Logger
	// UploadIdle is how long an upload may send nothing before it is cut off.
	UploadIdle time.Duration
}

// Routes registers the public API under r (mounted at /api). Upload routes
// get no fixed deadline; the rest get short ones.
func (a *API) Routes(r *gin.RouterGroup) {
	short := httpx.Deadlines(30*time.Second, 60*time.Second)
	r.GET("/campaigns", short, a.listCampaigns)
	r.GET("/campaigns/:slug", short, a.getCampaign)
	r.POST("/campaigns/:slug/entries", a.createEntry)
	r.GET("/entries/:id", short, a.getEntry)
}

// translate maps domain errors to the error shape.
func translate(err error) error {
	var tooLarge *intake.TooLargeError
	var fe campaigns.FieldErrors
	switch {
	case errors.Is(err, campaigns.ErrNotFound):
		return httpx.E(http.StatusNotFound, "campaign_not_found", "There is no campaign at this address.")
	case errors.Is(err, campaigns.ErrNotOpen):
		return httpx.E(http.StatusForbidden, "entry_window_closed", "This campaign is not taking entries right now ("+afterColon(err)+").")
	case errors.As(err, &tooLarge):
		return httpx.E(http.StatusRequestEntityTooLarge, "file_too_large", "Your file is larger than this campaign accepts ("+humanBytes(tooLarge.Limit)+"). Trim or compress it and try again.")
	case errors.Is(err, intake.ErrNotVideo):
		return httpx.E(http.StatusUnsupportedMediaType, "not_a_video", "That file is not a video we can accept. Upload an MP4, MOV, WebM, MKV or AVI file.")
	case errors.Is(err, intake.ErrEmptyFile):
		return httpx.E(http.StatusBadRequest, "empty_file", "The file you sent is empty.")
	case errors.Is(err, intake.ErrInvalid):
		return httpx.E(http.StatusBadRequest, "invalid_entry", capitalise(afterColon(err))+".")
	case errors.Is(err, intake.ErrUnavailble):
		return &httpx.Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "We could not save your entry just now. Nothing was kept; please try again.", Err: err}
	case errors.Is(err, entries.ErrNotFound):
		return httpx.E(http.StatusNotFound, "entry_not_found", "There is no entry with this id.")
	case errors.As(err, &fe):
		return &httpx.Error{Status: http.StatusBadRequest, Code: "invalid_campaign", Message: "Some campaign fields need fixing.", Fields: fe}
	}
	return err
}
