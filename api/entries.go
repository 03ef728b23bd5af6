package api

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/intake"
)

// EntryView is what anyone holding an entry's id may see about it: no
// storage keys, no personal data.
type EntryView struct {
	ID          string       `json:"id"`
	Title       string       `json:"title"`
	Description string       `json:"description"`
	Status      string       `json:"status"`
	StatusLabel string       `json:"status_label"`
	Meaning     string       `json:"status_message"`
	NextStep    string       `json:"next_step,omitempty"`
	Reason      string       `json:"reason,omitempty"`
	History     []ChangeView `json:"history"`
	Media       *MediaView   `json:"media,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
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

// NewEntryView builds the public view of an entry.
func NewEntryView(e entries.Entry) EntryView {
	meaning, next := e.Status.Describe()
	v := EntryView{
		ID: e.ID, Title: e.Title, Description: e.Description, Status: string(e.Status), StatusLabel: e.Status.Label(),
		Meaning: meaning, NextStep: next, Reason: e.StatusReason,
		History: []ChangeView{}, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt,
	}
	for _, h := range e.History {
		v.History = append(v.History, ChangeView{string(h.To), h.Reason, h.At})
	}
	if m := e.Media; m != nil {
		v.Media = &MediaView{m.DurationSeconds, m.Width, m.Height, m.Rotation, m.VideoCodec, m.AudioCodec}
	}
	return v
}

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
	c.JSON(http.StatusOK, NewEntryView(e))
}

// createEntry takes a multipart/form-data upload as a stream: text fields
// (title, description) first, then the file part, which goes straight to
// storage without touching disk or being held in memory.
func (a *API) createEntry(c *gin.Context) {
	body := httpx.NewIdleReader(c.Writer, c.Request.Body, a.UploadIdle)
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
	var sub intake.Submission
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
			if err := readField(part, &sub); err != nil {
				httpx.Fail(c, a.Log, err)
				return
			}
			continue
		}
		sub.Filename = part.FileName()
		e, err := a.Intake.Submit(c, slug, sub, part)
		if err != nil {
			httpx.Fail(c, a.Log, translateUpload(err))
			return
		}
		c.JSON(http.StatusCreated, NewEntryView(e))
		return
	}
	// No file part: still report campaign and field problems first.
	if _, err := a.Intake.Check(c, slug, sub); err != nil {
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

func readField(p *multipart.Part, sub *intake.Submission) error {
	b, err := io.ReadAll(io.LimitReader(p, maxFieldBytes+1))
	if err != nil {
		return httpx.E(http.StatusBadRequest, "invalid_request", "The upload was cut off or malformed. Please try again.")
	}
	if len(b) > maxFieldBytes {
		return httpx.E(http.StatusBadRequest, "field_too_long", "The "+p.FormName()+" field is too long.")
	}
	switch p.FormName() {
	case "title":
		sub.Title = string(b)
	case "description":
		sub.Description = string(b)
	}
	return nil
}
