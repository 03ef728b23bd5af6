// Package api is the public JSON API: campaigns, entrant sign-in, drafts,
// streaming and resumable uploads, and entry status. Handlers translate HTTP
// to domain calls and domain errors to the one error shape; the rules live
// in the domain packages.
package api

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/eligibility"
	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/intake"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/moderation"
	"github.com/tryout/tryout/internal/notify"
	"github.com/tryout/tryout/internal/outreach"
	"github.com/tryout/tryout/internal/perks"
	"github.com/tryout/tryout/internal/problem"
	"github.com/tryout/tryout/internal/ratelimit"
	"github.com/tryout/tryout/internal/webauth"
)

// API holds what the public handlers need.
type API struct {
	Campaigns campaigns.Store
	Entries   entries.Store
	Entrants  entrants.Store
	Outbox    mail.Store
	Prefs     mail.PrefsStore
	Intake    *intake.Service
	Auth      *entrants.Auth
	Sessions  *webauth.Sessions
	Notify    *notify.Notifier
	Outreach  *outreach.Service // replies to messages
	// ReplyLimit bounds an entrant's replies per window.
	ReplyLimit *ratelimit.Limiter
	Perks      perks.Store        // the entrant's perk codes
	LinkLimit  *ratelimit.Limiter // per email address
	IPLimit    *ratelimit.Limiter // per client address, looser: networks are shared
	Now        func() time.Time
	Log        *slog.Logger
	// Reports takes fan reports; ReportLimit bounds them per client address;
	// HashIP keys addresses so none is stored.
	Reports     *moderation.Reports
	ReportLimit *ratelimit.Limiter
	HashIP      func(ip string) string
	// Media and RenditionsBucket serve the playable outputs.
	Media            MediaStore
	RenditionsBucket string
	// UploadIdle is how long an upload may send nothing before it is cut off.
	UploadIdle time.Duration
	// Fans serves the gallery JSON, view counting, share links and captions.
	Fans Fans
	// Voting casts votes.
	Voting Voting
	// Country reads a trusted proxy's country header (nil: none).
	Country *eligibility.Signal
	// Rights serves the entrant's data export and deletion requests.
	Rights Rights
	// Analytics counts sign-in links and credits votes; nil for none.
	Analytics Analytics
}

// Routes registers the public API under r (mounted at /api). The streaming
// upload gets no fixed deadline; the rest get short ones. Every route that
// changes state checks the request came from this site.
func (a *API) Routes(r *gin.RouterGroup) {
	short := httpx.Deadlines(30*time.Second, 60*time.Second)
	r.Use(a.language, a.Sessions.Load, a.attribution)
	r.GET("/campaigns", short, a.listCampaigns)
	r.GET("/campaigns/:slug", short, a.getCampaign)
	r.GET("/entries/:id", short, a.getEntry)
	r.GET("/entries/:id/media/*file", httpx.Deadlines(30*time.Second, 30*time.Minute), a.getMedia)
	r.GET("/campaigns/:slug/gallery", short, a.gallery)
	r.POST("/entries/:id/views/start", short, a.sameOrigin, a.startView)
	r.POST("/entries/:id/views", short, a.sameOrigin, a.claimView)
	r.POST("/entries/:id/share-links", short, a.sameOrigin, a.shareLink)
	r.POST("/entries/:id/votes", short, a.sameOrigin, a.vote)
	r.GET("/campaigns/:slug/votes/me", short, a.myVotes)
	a.docRoutes(r)

	r.POST("/entries/:id/reports", short, a.sameOrigin, a.reportEntry)
	r.POST("/auth/link", short, a.sameOrigin, a.requestLink)
	r.POST("/auth/logout", short, a.sameOrigin, a.logout)

	me := r.Group("", a.requireEntrant)
	me.GET("/me", short, a.me)
	me.GET("/me/entries", short, a.myEntries)
	me.GET("/me/messages", short, a.myMessages)
	me.POST("/me/messages/:id/replies", short, a.sameOrigin, a.reply)
	me.GET("/me/perks", short, a.myPerks)
	me.GET("/me/entries/:id/stats", short, a.myEntryStats)
	me.GET("/me/share-links", short, a.myShareLinks)
	me.GET("/me/preferences", short, a.myPrefs)
	me.PUT("/me/preferences", short, a.sameOrigin, a.putPrefs)
	me.PUT("/entries/:id/captions", short, a.sameOrigin, a.putCaptions)
	me.POST("/campaigns/:slug/entries", a.sameOrigin, a.createEntry)
	me.POST("/campaigns/:slug/drafts", short, a.sameOrigin, a.createDraft)
	me.POST("/entries/:id/uploads", short, a.sameOrigin, a.startUpload)
	me.GET("/entries/:id/uploads/current", short, a.uploadStatus)
	me.POST("/entries/:id/uploads/current/complete", httpx.Deadlines(5*time.Minute, 5*time.Minute), a.sameOrigin, a.completeUpload)
	me.POST("/entries/:id/withdraw", short, a.sameOrigin, a.withdraw)
	me.GET("/me/export", httpx.Deadlines(30*time.Second, 5*time.Minute), a.export)
	me.POST("/me/deletion", short, a.sameOrigin, a.requestDeletion)
	me.POST("/entries/:id/appeal", short, a.sameOrigin, a.appeal)
}

// translate maps domain errors to the error shape, keeping the domain
// error as the cause (its text for people is translated when written).
func translate(err error) error {
	out := translateDomain(err)
	if he, ok := out.(*httpx.Error); ok && he.Err == nil && he != err {
		he.Err = err
	}
	return out
}

func translateDomain(err error) error {
	if e := translateRights(err); e != nil {
		return e
	}
	var (
		tooLarge   *intake.TooLargeError
		incomplete *intake.IncompleteError
		fe         campaigns.FieldErrors
	)
	switch {
	case errors.Is(err, campaigns.ErrNotFound):
		return httpx.E(http.StatusNotFound, "campaign_not_found", "There is no campaign at this address.")
	case errors.Is(err, campaigns.ErrNotOpen):
		return httpx.E(http.StatusForbidden, "entry_window_closed", problem.TextOf(err, "This campaign is not taking entries right now."))
	case errors.As(err, &tooLarge):
		return httpx.E(http.StatusRequestEntityTooLarge, "file_too_large", "Your file is larger than this campaign accepts ("+humanBytes(tooLarge.Limit)+"). Trim or compress it and try again.")
	case errors.Is(err, intake.ErrNotVideo):
		return httpx.E(http.StatusUnsupportedMediaType, "not_a_video", "That file is not a video we can accept. Upload an MP4, MOV, WebM, MKV or AVI file.")
	case errors.Is(err, intake.ErrEmptyFile):
		return httpx.E(http.StatusBadRequest, "empty_file", "The file you sent is empty.")
	case errors.Is(err, intake.ErrInvalid):
		return httpx.E(http.StatusBadRequest, "invalid_entry", problem.TextOf(err, "Some of what you sent cannot be used. Check the form and try again."))
	case errors.Is(err, intake.ErrConsentRequired):
		return httpx.E(http.StatusBadRequest, "consent_required", problem.TextOf(err, "Accept the official rules and the media release to enter."))
	case errors.Is(err, intake.ErrTooYoung):
		return httpx.E(http.StatusForbidden, "age_requirement", problem.TextOf(err, "You are below this contest's minimum age."))
	case errors.Is(err, intake.ErrTooManyEntries):
		return httpx.E(http.StatusConflict, "too_many_entries", problem.TextOf(err, "You have sent as many entries as this contest takes."))
	case errors.Is(err, intake.ErrSizeInvalid):
		return httpx.E(http.StatusBadRequest, "invalid_size", problem.TextOf(err, "Send the file's size in bytes."))
	case errors.As(err, &incomplete):
		return &httpx.Error{Status: http.StatusConflict, Code: "upload_incomplete", Message: "Some parts of your video have not arrived yet (" + incomplete.Error() + "). Resume the upload to send them."}
	case errors.Is(err, intake.ErrNoUpload):
		return httpx.E(http.StatusConflict, "no_upload", "This entry has no upload in progress. Start one first.")
	case errors.Is(err, intake.ErrUnavailable):
		return httpx.Unavailable("We could not save your entry just now: our storage or database is not answering. Nothing was kept; please send it again in a minute.", err)
	case errors.Is(err, entries.ErrIllegalTransition):
		return httpx.E(http.StatusConflict, "illegal_transition", problem.TextOf(err, "This entry cannot do that in its current status."))
	case errors.Is(err, entries.ErrConflict):
		return httpx.E(http.StatusConflict, "conflict", "This entry just changed. Reload and try again.")
	case errors.Is(err, entries.ErrNotFound), errors.Is(err, entrants.ErrNotFound):
		return httpx.E(http.StatusNotFound, "entry_not_found", "There is no entry with this id.")
	case errors.As(err, &fe):
		return &httpx.Error{Status: http.StatusBadRequest, Code: "invalid_campaign", Message: "Some campaign fields need fixing.", Fields: fe}
	}
	return err
}
