package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/intake"
)

// TicketView tells the browser how to upload straight to storage.
type TicketView struct {
	Entry    EntryView  `json:"entry"`
	Size     int64      `json:"size"`
	PartSize int64      `json:"part_size"`
	Parts    int        `json:"parts"`
	Received []partDone `json:"received"`
	Missing  []partURL  `json:"missing"`
}

type partDone struct {
	Number int    `json:"number"`
	ETag   string `json:"etag"`
	Size   int64  `json:"size"`
}

type partURL struct {
	Number int    `json:"number"`
	URL    string `json:"url"`
}

func newTicketView(t intake.Ticket) TicketView {
	v := TicketView{Entry: NewEntryView(t.Entry), Size: t.Size, PartSize: t.PartSize, Parts: t.Parts, Received: []partDone{}, Missing: []partURL{}}
	for _, p := range t.Received {
		v.Received = append(v.Received, partDone{p.Number, p.ETag, p.Size})
	}
	for _, p := range t.Missing {
		v.Missing = append(v.Missing, partURL(p))
	}
	return v
}

type startInput struct {
	Size        int64  `json:"size"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
}

// startUpload begins a resumable upload for the entry (or a new file for an
// entry that needs changes or failed).
func (a *API) startUpload(c *gin.Context) {
	var in startInput
	if err := httpx.BindJSON(c, &in); err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	t, err := a.Intake.StartUpload(c, entrantID(c), c.Param("id"), in.Size, in.Filename, in.ContentType)
	if err != nil {
		httpx.Fail(c, a.Log, translate(err))
		return
	}
	c.JSON(http.StatusCreated, newTicketView(t))
}

// uploadStatus says which parts arrived and signs URLs for the rest.
func (a *API) uploadStatus(c *gin.Context) {
	t, err := a.Intake.UploadStatus(c, entrantID(c), c.Param("id"))
	if err != nil {
		httpx.Fail(c, a.Log, translate(err))
		return
	}
	c.JSON(http.StatusOK, newTicketView(t))
}

// completeUpload assembles and checks the file, then queues processing.
func (a *API) completeUpload(c *gin.Context) {
	e, err := a.Intake.CompleteUpload(c, entrantID(c), c.Param("id"))
	if err != nil {
		httpx.Fail(c, a.Log, translate(err))
		return
	}
	c.JSON(http.StatusOK, NewEntryView(e))
}
