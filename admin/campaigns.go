package admin

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/staff"
)

// campaignInput is the JSON body for creating a campaign.
type campaignInput struct {
	Slug                 string    `json:"slug"`
	Name                 string    `json:"name"`
	Description          string    `json:"description"`
	EntryOpensAt         time.Time `json:"entry_opens_at"`
	EntryClosesAt        time.Time `json:"entry_closes_at"`
	MaxFileBytes         int64     `json:"max_file_bytes"`
	MaxDurationSeconds   int       `json:"max_duration_seconds"`
	MaxEntriesPerEntrant int       `json:"max_entries_per_entrant"`
	MinAge               int       `json:"min_age"`
	RulesVersion         string    `json:"rules_version"`
	RulesText            string    `json:"rules_text"`
	MediaReleaseText     string    `json:"media_release_text"`
	ModerationMode       string    `json:"moderation_mode"`
	BlockedWords         []string  `json:"blocked_words"`
	MinDurationSeconds   int       `json:"min_duration_seconds"`
	ReportThreshold      int       `json:"report_threshold"`
	ReasonTemplates      []string  `json:"reason_templates"`
	VotingOpensAt        time.Time `json:"voting_opens_at"`
	VotingClosesAt       time.Time `json:"voting_closes_at"`
	VoteFrequency        string    `json:"vote_frequency"`
	VoteScope            string    `json:"vote_scope"`
	VotesPerPeriod       int       `json:"votes_per_period"`
	VoterIdentity        string    `json:"voter_identity"`
	SelfVote             bool      `json:"self_vote"`
	HideTotals           bool      `json:"hide_totals"`
	TimeZone             string    `json:"time_zone"`
	VoteChecksOff        []string  `json:"vote_checks_off"`
	PerksText            string    `json:"perks_text"`
	BrandColor           string    `json:"brand_color"`
	BrandName            string    `json:"brand_name"`
	Language             string    `json:"language"`
	rightsInput
}

type campaignView struct {
	ID string `json:"id"`
	campaignInput
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

func newCampaignView(c campaigns.Campaign) campaignView {
	return campaignView{c.ID, campaignInput{c.Slug, c.Name, c.Description, c.EntryOpensAt, c.EntryClosesAt, c.MaxFileBytes, c.MaxDurationSeconds,
		c.MaxEntriesPerEntrant, c.MinAge, c.RulesVersion, c.RulesText, c.MediaReleaseText,
		c.ModerationMode, c.BlockedWords, c.MinDurationSeconds, c.ReportThreshold,
		c.ReasonTemplates, c.VotingOpensAt, c.VotingClosesAt, c.VoteFrequency, c.VoteScope, c.VotesPerPeriod, c.VoterIdentity,
		c.SelfVote, c.HideTotals, c.TimeZone, nonNil(c.VoteChecksOff), c.PerksText, c.BrandColor, c.BrandName, string(c.Lang()), rightsInputOf(c)}, c.CreatedBy, c.CreatedAt}
}

func (a *Admin) createCampaign(c *gin.Context) {
	var in campaignInput
	if err := httpx.BindJSON(c, &in); err != nil {
		a.fail(c, err)
		return
	}
	u := c.MustGet(userKey).(staff.User)
	cp := campaigns.Campaign{
		ID: ids.New(campaigns.IDPrefix), Slug: in.Slug, Name: in.Name, Description: in.Description,
		EntryOpensAt: in.EntryOpensAt, EntryClosesAt: in.EntryClosesAt,
		MaxFileBytes: in.MaxFileBytes, MaxDurationSeconds: in.MaxDurationSeconds,
		MaxEntriesPerEntrant: in.MaxEntriesPerEntrant, MinAge: in.MinAge,
		RulesVersion: in.RulesVersion, RulesText: in.RulesText, MediaReleaseText: in.MediaReleaseText,
		ModerationMode: in.ModerationMode, BlockedWords: in.BlockedWords, MinDurationSeconds: in.MinDurationSeconds, ReportThreshold: in.ReportThreshold,
		ReasonTemplates: in.ReasonTemplates, VotingOpensAt: in.VotingOpensAt, VotingClosesAt: in.VotingClosesAt, PerksText: in.PerksText, BrandColor: in.BrandColor, BrandName: in.BrandName,
		VoteFrequency: in.VoteFrequency, VoteScope: in.VoteScope, VotesPerPeriod: in.VotesPerPeriod, VoterIdentity: in.VoterIdentity,
		SelfVote: in.SelfVote, HideTotals: in.HideTotals, TimeZone: in.TimeZone, VoteChecksOff: in.VoteChecksOff, Language: i18n.Lang(in.Language),
		CreatedBy: u.ID, CreatedAt: a.Now(),
	}
	in.rightsInput.apply(&cp)
	var fe campaigns.FieldErrors
	if err := cp.Validate(a.MaxUploadBytes); errors.As(err, &fe) {
		a.fail(c, &httpx.Error{Status: http.StatusBadRequest, Code: "invalid_campaign", Message: "Some campaign fields need fixing: " + fe.Error() + ".", Fields: fe})
		return
	}
	if _, err := a.Editor.Create(c, staffActor(u), cp, campaigns.LogoChange{}); err != nil {
		if errors.Is(err, campaigns.ErrSlugTaken) {
			a.fail(c, &httpx.Error{Status: http.StatusConflict, Code: "slug_taken", Message: "Another campaign already uses this slug.", Fields: map[string]string{"slug": "already taken"}})
			return
		}
		a.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, newCampaignView(cp))
}

func (a *Admin) listCampaigns(c *gin.Context) {
	list, err := a.Campaigns.List(c, 200)
	if err != nil {
		a.fail(c, err)
		return
	}
	out := make([]campaignView, 0, len(list))
	for _, cp := range list {
		out = append(out, newCampaignView(cp))
	}
	c.JSON(http.StatusOK, gin.H{"campaigns": out})
}

// entryView is the staff view of an entry: it includes storage facts.
type entryView struct {
	ID           string                 `json:"id"`
	Title        string                 `json:"title"`
	Status       string                 `json:"status"`
	StatusReason string                 `json:"status_reason,omitempty"`
	Original     entries.Object         `json:"original"`
	Media        *entries.Media         `json:"media,omitempty"`
	History      []entries.StatusChange `json:"history"`
	CreatedAt    time.Time              `json:"created_at"`
}

func (a *Admin) listEntries(c *gin.Context) {
	cp, err := a.Campaigns.Get(c, c.Param("id"))
	if errors.Is(err, campaigns.ErrNotFound) {
		a.fail(c, httpx.E(http.StatusNotFound, "campaign_not_found", "There is no campaign with this id."))
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	list, err := a.Entries.ListByCampaign(c, cp.ID, 200)
	if err != nil {
		a.fail(c, err)
		return
	}
	out := make([]entryView, 0, len(list))
	for _, e := range list {
		out = append(out, entryView{e.ID, e.Title, string(e.Status), e.StatusReason, e.Original, e.Media, e.History, e.CreatedAt})
	}
	c.JSON(http.StatusOK, gin.H{"entries": out})
}
