package admin

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/staff"
	"github.com/tryout/tryout/internal/votes"
)

// checkRow is one automatic vote check on the campaign form.
type checkRow struct {
	votes.CheckInfo
	On bool
}

// checkRows are the campaign's automatic vote checks, on or off.
func checkRows(c campaigns.Campaign) []checkRow {
	var out []checkRow
	for _, info := range votes.Explain() {
		out = append(out, checkRow{info, !slices.Contains(c.VoteChecksOff, info.Name)})
	}
	return out
}

// checksOff are the checks a form (or JSON body) leaves off, given those on.
func checksOff(on []string) []string {
	var off []string
	for _, name := range votes.CheckNames() {
		if !slices.Contains(on, name) {
			off = append(off, name)
		}
	}
	return off
}

// campaignForm shows the form to create a campaign, or to edit one.
func (a *Admin) campaignForm(c *gin.Context) {
	cp := campaigns.Campaign{EntryOpensAt: a.Now().Add(time.Hour).Truncate(time.Hour), MaxFileBytes: campaigns.DefaultMaxFileBytes,
		MaxDurationSeconds: campaigns.DefaultMaxDurationSeconds, MaxEntriesPerEntrant: 1, MinDurationSeconds: 3, ReportThreshold: 3,
		ModerationMode: "review_all", RulesVersion: "1"}
	cp.EntryClosesAt = cp.EntryOpensAt.AddDate(0, 0, 30)
	if c.Param("id") != "" {
		var ok bool
		if cp, ok = a.routeCampaign(c); !ok {
			return
		}
	}
	a.render(c, http.StatusOK, "campaign.html", map[string]any{"ID": cp.ID, "F": campaigns.Fields(cp), "Errors": campaigns.FieldErrors{}, "Logo": cp.LogoKey != "",
		"Checks": checkRows(cp)})
}

// saveCampaign creates or updates a campaign from the form. Any problem
// shows the form again with every field's message and the values as typed;
// nothing is saved until all are fixed.
func (a *Admin) saveCampaign(c *gin.Context) {
	u := c.MustGet(userKey).(staff.User)
	id := c.Param("id")
	var before campaigns.Campaign
	if id != "" {
		var ok bool
		if before, ok = a.routeCampaign(c); !ok {
			return
		}
	}
	cp, fe := parseCampaignForm(c, before)
	if len(fe) == 0 {
		var vfe campaigns.FieldErrors
		if err := cp.Validate(a.MaxUploadBytes); errors.As(err, &vfe) {
			fe = vfe
		}
	}
	if id == "" {
		cp.ID, cp.CreatedBy, cp.CreatedAt = ids.New(campaigns.IDPrefix), u.ID, a.Now()
	}
	var logo []byte
	var logoType string
	if len(fe) == 0 {
		logo, logoType, fe = readLogo(c)
	}
	if len(fe) == 0 {
		change := campaigns.LogoChange{Remove: c.PostForm("remove_logo") == "1"}
		if logo != nil {
			change.New = &campaigns.Logo{Data: logo, Type: logoType}
		}
		var err error
		if id == "" {
			cp, err = a.Editor.Create(c, staffActor(u), cp, change)
		} else {
			cp, err = a.Editor.Update(c, staffActor(u), before, cp, change)
		}
		switch {
		case errors.Is(err, campaigns.ErrSlugTaken):
			fe = campaigns.FieldErrors{"slug": "another campaign already uses this address"}
		case err != nil:
			a.fail(c, err)
			return
		}
	}
	if len(fe) > 0 {
		form := map[string]string{}
		for k := range campaigns.Fields(cp) {
			form[k] = c.PostForm(k)
		}
		a.render(c, http.StatusUnprocessableEntity, "campaign.html", map[string]any{"ID": id, "F": form, "Errors": fe, "Logo": before.LogoKey != "",
			"Checks": checkRows(cp)})
		return
	}
	a.drawCard(c, cp)
	c.Redirect(http.StatusSeeOther, "/admin/?done="+url.QueryEscape("Saved “"+cp.Name+"”."))
}

// MaxLogoBytes bounds a campaign logo.
const MaxLogoBytes = 512 << 10

// readLogo reads an uploaded logo, if any: PNG, JPEG or WebP (checked by
// content, not name; no SVG, which can carry scripts), at most 512 KiB.
func readLogo(c *gin.Context) ([]byte, string, campaigns.FieldErrors) {
	fh, err := c.FormFile("logo")
	if err != nil || fh.Size == 0 {
		return nil, "", nil
	}
	if fh.Size > MaxLogoBytes {
		return nil, "", campaigns.FieldErrors{"logo": "keep the logo under 512 KB"}
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", campaigns.FieldErrors{"logo": "the logo could not be read; choose it again"}
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxLogoBytes+1))
	if err != nil || len(b) > MaxLogoBytes {
		return nil, "", campaigns.FieldErrors{"logo": "keep the logo under 512 KB"}
	}
	switch ct := http.DetectContentType(b); ct {
	case "image/png", "image/jpeg", "image/webp":
		return b, ct, nil
	}
	return nil, "", campaigns.FieldErrors{"logo": "use a PNG, JPEG or WebP image"}
}

// parseCampaignForm reads the form over base (the campaign being edited),
// naming every field it cannot read.
func parseCampaignForm(c *gin.Context, base campaigns.Campaign) (campaigns.Campaign, campaigns.FieldErrors) {
	fe := campaigns.FieldErrors{}
	cp := base
	str := func(k string) string { return strings.TrimSpace(c.PostForm(k)) }
	num := func(k string, dst *int) {
		n, err := strconv.Atoi(str(k))
		if err != nil {
			fe[k] = "enter a whole number"
			return
		}
		*dst = n
	}
	tm := func(k string, dst *time.Time, required bool) {
		v := str(k)
		if v == "" {
			*dst = time.Time{}
			if required {
				fe[k] = "set a date and time (UTC)"
			}
			return
		}
		t, err := time.ParseInLocation(campaigns.FormTime, v, time.UTC)
		if err != nil {
			fe[k] = fmt.Sprintf("use the form YYYY-MM-DDTHH:MM (UTC), not %q", v)
			return
		}
		*dst = t
	}
	lines := func(k string) []string {
		var out []string
		for _, l := range strings.Split(c.PostForm(k), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	cp.Slug, cp.Name, cp.Description = str("slug"), str("name"), str("description")
	cp.RulesVersion, cp.RulesText, cp.MediaReleaseText = str("rules_version"), str("rules_text"), str("media_release_text")
	cp.ModerationMode, cp.PerksText, cp.BrandColor, cp.BrandName = str("moderation_mode"), str("perks_text"), str("brand_color"), str("brand_name")
	cp.BlockedWords, cp.ReasonTemplates = lines("blocked_words"), lines("reason_templates")
	tm("entry_opens_at", &cp.EntryOpensAt, true)
	tm("entry_closes_at", &cp.EntryClosesAt, true)
	tm("voting_opens_at", &cp.VotingOpensAt, false)
	tm("voting_closes_at", &cp.VotingClosesAt, false)
	// Decimal megabytes, stored exactly as typed (500 is 500,000,000 bytes).
	if mb, err := strconv.ParseFloat(str("max_file_mb"), 64); err != nil || mb <= 0 || mb > 1e7 {
		fe["max_file_mb"] = "enter a size in megabytes, such as 500"
	} else {
		cp.MaxFileBytes = int64(math.Round(mb * 1e6))
	}
	num("max_duration_seconds", &cp.MaxDurationSeconds)
	num("min_duration_seconds", &cp.MinDurationSeconds)
	num("max_entries_per_entrant", &cp.MaxEntriesPerEntrant)
	num("min_age", &cp.MinAge)
	num("report_threshold", &cp.ReportThreshold)
	cp.VoteFrequency, cp.VoteScope, cp.VoterIdentity = str("vote_frequency"), str("vote_scope"), str("voter_identity")
	if c.PostForm("votes_per_period") != "" { // optional: empty is the default
		num("votes_per_period", &cp.VotesPerPeriod)
	}
	cp.SelfVote, cp.HideTotals = c.PostForm("self_vote") == "true", c.PostForm("hide_totals") == "true"
	parseRightsFields(c, &cp, num)
	cp.TimeZone = str("time_zone")
	cp.Language = i18n.Lang(str("language"))
	if c.PostForm("vote_checks_shown") == "1" { // a form that shows the checks (unticked boxes are not sent)
		cp.VoteChecksOff = checksOff(c.PostFormArray("vote_check"))
	}
	return cp, fe
}
