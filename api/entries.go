package api

import (
	"bufio"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/intake"
	"github.com/tryout/tryout/internal/present"
	"github.com/tryout/tryout/internal/referrals"
)

// EntryView is what anyone holding an entry's id may see about it: no
// storage keys, no personal data.
type EntryView struct {
	ID          string       `json:"id"`
	Campaign    *CampaignRef `json:"campaign,omitempty"`
	Title       string       `json:"title"`
	Description string       `json:"description"`
	CreatorName string       `json:"creator_name,omitempty"`
	Status      string       `json:"status"`
	StatusLabel string       `json:"status_label"`
	Meaning     string       `json:"status_message"`
	NextStep    string       `json:"next_step,omitempty"`
	Reason      string       `json:"reason,omitempty"`
	// DecidedBy says who made the decision the status stands for:
	// automatic_check or campaign_team (absent while nothing is decided).
	DecidedBy string `json:"decided_by,omitempty"`
	// CanAppeal: the entrant may ask a person to look at the automatic
	// decision (POST /api/entries/{id}/appeal); Appealed: they did, and the
	// entry waits for a person.
	CanAppeal bool `json:"can_appeal"`
	Appealed  bool `json:"appealed,omitempty"`
	// Notices are what the automatic checks found that the entrant should
	// know (a file that plays for less than it says).
	Notices     []string            `json:"notices,omitempty"`
	Stage       string              `json:"stage,omitempty"`    // processing stage: probe, transcode, publish, done
	Progress    int                 `json:"progress,omitempty"` // percent of processing done
	History     []ChangeView        `json:"history"`
	Media       *MediaView          `json:"media,omitempty"`
	Playback    *present.Playback   `json:"playback,omitempty"`
	UnderReview *present.ReviewView `json:"votes_under_review,omitempty"` // the entrant's own entries only
	CreatedAt   time.Time           `json:"created_at"`
	UpdatedAt   time.Time           `json:"updated_at"`

	// Waiting says what must happen before the entry can go live.
	Waiting string `json:"waiting_for,omitempty"`
}

// CampaignRef names the campaign an entry belongs to.
type CampaignRef struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// ChangeView is one status change.
type ChangeView struct {
	Status string    `json:"status"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

// MediaView is what probing found.
type MediaView struct {
	DurationSeconds float64 `json:"duration_seconds"`
	Width           int     `json:"width"`
	Height          int     `json:"height"`
	Rotation        int     `json:"rotation"`
	VideoCodec      string  `json:"video_codec"`
	AudioCodec      string  `json:"audio_codec,omitempty"`
}

// In is the view with its status words in l.
func (v EntryView) In(l i18n.Lang) EntryView {
	v.StatusLabel, v.Meaning, v.NextStep = l.T(v.StatusLabel), l.T(v.Meaning), l.T(v.NextStep)
	return v
}

// NewEntryView builds the public view of an entry.
func NewEntryView(e entries.Entry) EntryView {
	meaning, next := e.Explain()
	v := EntryView{
		ID: e.ID, Title: e.Title, Description: e.Description, CreatorName: e.CreatorName, Status: string(e.Status), StatusLabel: e.Status.Label(),
		Meaning: meaning, NextStep: next, Reason: e.StatusReason, Stage: e.Stage, Progress: e.Progress,
		DecidedBy: e.DecidedBy(), CanAppeal: e.CheckAppeal() == nil, Appealed: e.Appealed(), Notices: e.Notices(),
		History: []ChangeView{}, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt,
	}
	for _, h := range e.History {
		v.History = append(v.History, ChangeView{string(h.To), h.Reason, h.At})
	}
	if e.GuardianPending && !e.Status.Final() {
		v.Waiting = entries.GuardianWaiting
		if v.Reason == "" {
			v.Reason = entries.GuardianWaiting
		}
		v.NextStep = "Ask your parent or guardian to open the link we emailed them and give their consent."
	}
	if m := e.Media; m != nil {
		v.Media = &MediaView{m.DurationSeconds, m.Width, m.Height, m.Rotation, m.VideoCodec, m.AudioCodec}
	}
	return v
}

// getEntry shows an entry to its entrant, and a live entry to anyone. Any
// other entry does not exist as far as the requester can tell.
func (a *API) getEntry(c *gin.Context) {
	id := c.Param("id")
	if !ids.Valid(entries.IDPrefix, id) {
		httpx.Fail(c, a.Log, translate(entries.ErrNotFound))
		return
	}
	e, err := a.Entries.Get(c, id)
	if err != nil {
		httpx.Fail(c, a.Log, translate(err))
		return
	}
	if !e.VisibleTo(entrantID(c)) {
		httpx.Fail(c, a.Log, translate(entries.ErrNotFound))
		return
	}
	v := NewEntryView(e).In(httpx.Lang(c))
	v.Playback = present.NewPlayback(e, e.OwnedBy(entrantID(c)))
	c.JSON(http.StatusOK, v)
}

// createEntry takes a multipart/form-data upload as a stream: text fields
// (title, description, accept_rules, media_release, marketing, birth_date)
// first, then the file part, which goes straight to storage without
// touching disk or being held in memory.
func (a *API) createEntry(c *gin.Context) {
	// mime/multipart reads through a 4 KiB buffer; a large buffer underneath
	// (which it adopts as its own) saves a syscall per 4 KiB.
	body := bufio.NewReaderSize(httpx.NewIdleReader(c.Writer, c.Request.Body, a.UploadIdle), 1<<20)
	c.Request.Body = struct {
		io.Reader
		io.Closer
	}{body, c.Request.Body}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		httpx.Fail(c, a.Log, httpx.E(http.StatusBadRequest, "invalid_request", "Send the entry as multipart/form-data with title, description and file fields."))
		return
	}
	slug := c.Param("slug")
	d := intake.Details{IP: c.ClientIP(), CountrySignal: a.Country.Country(c.Request)}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			httpx.Fail(c, a.Log, httpx.E(http.StatusBadRequest, "invalid_request", "The upload was cut off or malformed. Please try again."))
			return
		}
		if part.FormName() != "file" {
			if err := readField(part, &d); err != nil {
				httpx.Fail(c, a.Log, err)
				return
			}
			continue
		}
		e, err := a.Intake.Submit(c, slug, entrantID(c), d, part.FileName(), part)
		if err != nil {
			httpx.Fail(c, a.Log, translateUpload(err))
			return
		}
		a.credit(c, e.CampaignID, referrals.Entries, "e:"+e.EntrantID)
		c.JSON(http.StatusCreated, NewEntryView(e))
		return
	}
	// No file part: still report campaign, field and rule problems first.
	if _, _, err := a.Intake.Check(c, slug, entrantID(c), d); err != nil {
		httpx.Fail(c, a.Log, translate(err))
		return
	}
	httpx.Fail(c, a.Log, httpx.E(http.StatusBadRequest, "missing_file", "Attach your video in the file field."))
}

// translateUpload maps a failed Submit; a body that broke mid-stream is the
// client's problem, not a server error.
func translateUpload(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, os.ErrDeadlineExceeded) {
		return httpx.E(http.StatusBadRequest, "upload_interrupted", "The upload was cut off before it finished. Nothing was kept; please try again.")
	}
	return translate(err)
}

const maxFieldBytes = 8 << 10

func readField(p *multipart.Part, d *intake.Details) error {
	b, err := io.ReadAll(io.LimitReader(p, maxFieldBytes+1))
	if err != nil {
		return httpx.E(http.StatusBadRequest, "invalid_request", "The upload was cut off or malformed. Please try again.")
	}
	if len(b) > maxFieldBytes {
		return httpx.E(http.StatusBadRequest, "field_too_long", "The "+p.FormName()+" field is too long.")
	}
	v := string(b)
	switch p.FormName() {
	case "title":
		d.Title = v
	case "description":
		d.Description = v
	case "creator_name":
		d.CreatorName = v
	case "accept_rules":
		d.AcceptRules = v
	case "media_release":
		d.MediaRelease = yes(v)
	case "marketing":
		d.Marketing = yes(v)
	case "birth_date":
		d.BirthDate = v
	case "country":
		d.Country = v
	case "guardian_email":
		d.GuardianEmail = v
	}
	return nil
}

func yes(v string) bool {
	switch v {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// draftInput is the JSON body of a new draft.
type draftInput struct {
	Title        string `json:"title"`
	Description  string `json:"description"`
	CreatorName  string `json:"creator_name"`
	BirthDate    string `json:"birth_date"`
	AcceptRules  string `json:"accept_rules"`
	MediaRelease bool   `json:"media_release"`
	Marketing    bool   `json:"marketing"`
	// Country is the entrant's declared country (ISO 3166-1 alpha-2).
	Country string `json:"country"`
	// GuardianEmail is required when the entrant is below the campaign's
	// guardian age.
	GuardianEmail string `json:"guardian_email"`
}

// createDraft saves title, description and consents before any upload.
func (a *API) createDraft(c *gin.Context) {
	var in draftInput
	if err := httpx.BindJSON(c, &in); err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	e, err := a.Intake.CreateDraft(c, c.Param("slug"), entrantID(c), intake.Details{
		Title: in.Title, Description: in.Description, CreatorName: in.CreatorName, BirthDate: in.BirthDate,
		AcceptRules: in.AcceptRules, MediaRelease: in.MediaRelease, Marketing: in.Marketing, IP: c.ClientIP(),
		Country: in.Country, GuardianEmail: in.GuardianEmail, CountrySignal: a.Country.Country(c.Request),
	})
	if err != nil {
		httpx.Fail(c, a.Log, translate(err))
		return
	}
	a.credit(c, e.CampaignID, referrals.Entries, "e:"+e.EntrantID)
	c.JSON(http.StatusCreated, NewEntryView(e))
}

func (a *API) withdraw(c *gin.Context) {
	e, err := a.Intake.Withdraw(c, entrantID(c), c.Param("id"))
	if err != nil {
		httpx.Fail(c, a.Log, translate(err))
		return
	}
	c.JSON(http.StatusOK, NewEntryView(e))
}
