package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/httpx"
)

// CampaignView is the public face of a campaign.
type CampaignView struct {
	Slug               string    `json:"slug"`
	Name               string    `json:"name"`
	Description        string    `json:"description"`
	EntryOpensAt       time.Time `json:"entry_opens_at"`
	EntryClosesAt      time.Time `json:"entry_closes_at"`
	EntryOpen          bool      `json:"entry_open"`
	MaxFileBytes       int64     `json:"max_file_bytes"`
	MaxDurationSeconds int       `json:"max_duration_seconds"`
}

// NewCampaignView builds the public view at now.
func NewCampaignView(c campaigns.Campaign, now time.Time) CampaignView {
	return CampaignView{
		Slug: c.Slug, Name: c.Name, Description: c.Description,
		EntryOpensAt: c.EntryOpensAt, EntryClosesAt: c.EntryClosesAt, EntryOpen: c.EntryOpen(now) == nil,
		MaxFileBytes: c.MaxFileBytes, MaxDurationSeconds: c.MaxDurationSeconds,
	}
}

func (a *API) listCampaigns(c *gin.Context) {
	list, err := a.Campaigns.List(c, 100)
	if err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	now := time.Now()
	out := make([]CampaignView, 0, len(list))
	for _, cp := range list {
		out = append(out, NewCampaignView(cp, now))
	}
	c.JSON(http.StatusOK, gin.H{"campaigns": out})
}

func (a *API) getCampaign(c *gin.Context) {
	cp, err := a.Campaigns.GetBySlug(c, c.Param("slug"))
	if err != nil {
		httpx.Fail(c, a.Log, translate(err))
		return
	}
	c.JSON(http.StatusOK, NewCampaignView(cp, time.Now()))
}
