package admin

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/analytics"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/gallery"
	"github.com/tryout/tryout/internal/httpx"
)

// AnalyticsReader reads a campaign's pre-aggregated counters (and takes
// fraud review's discounts).
type AnalyticsReader interface {
	Report(ctx context.Context, campaignID string, from, to time.Time) (analytics.Report, error)
	Flagged(ctx context.Context, campaignID string, entryIDs []string) (map[string]int64, error)
	Add(ctx context.Context, campaignID string, step analytics.Step, n int64) error
}

// TopEntries reads the gallery's read model (the Top order and its cards).
type TopEntries interface {
	Page(ctx context.Context, q gallery.Query) (gallery.Page, error)
}

type stepCount struct {
	Step  analytics.Step `json:"step"`
	Label string         `json:"label"`
	N     int64          `json:"count"`
}

type dayCounts struct {
	Date   string           `json:"date"`
	Counts map[string]int64 `json:"counts"`
}

type sourceCounts struct {
	Source string           `json:"source"`
	Label  string           `json:"label"`
	Counts map[string]int64 `json:"counts"`
}

// plain keys a step map by name (templates index it with strings).
func plain(m map[analytics.Step]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[string(k)] = v
	}
	return out
}

type topEntry struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	Creator    string `json:"creator_name"`
	Views      int64  `json:"views"`
	Votes      int64  `json:"votes"`
	Flagged    int64  `json:"flagged_votes"`
	FlaggedPct int64  `json:"flagged_percent"`
}

type integrity struct {
	Recorded      int64 `json:"recorded"`
	Discounted    int64 `json:"discounted"`
	Counted       int64 `json:"counted"`
	Flagged       int64 `json:"flagged"`
	FlaggedPct    int64 `json:"flagged_percent"`
	Verified      int64 `json:"verified"`
	VerifiedPct   int64 `json:"verified_percent"`
	Challenged    int64 `json:"challenged"`
	ChallengedPct int64 `json:"challenged_percent"`
}

type series struct {
	Step  analytics.Step
	Label string
	Total int64
	SVG   template.HTML
}

// analyticsView is a campaign's analytics as the page and the JSON API
// show them.
type analyticsView struct {
	CampaignID string         `json:"campaign_id"`
	From       string         `json:"from"`
	To         string         `json:"to"`
	Funnel     []stepCount    `json:"funnel"`
	Days       []dayCounts    `json:"days"`
	Sources    []sourceCounts `json:"sources"`
	Top        []topEntry     `json:"top_entries"`
	Integrity  integrity      `json:"vote_integrity"`
	Series     []series       `json:"-"`
	FunnelSVG  template.HTML  `json:"-"`
}

// reportRange is the days a campaign's report covers: from the entry
// window's opening (at most 90 days back) to today or the campaign's end.
func reportRange(cp campaigns.Campaign, now time.Time) (time.Time, time.Time) {
	end := cp.EntryClosesAt
	if cp.VotingClosesAt.After(end) {
		end = cp.VotingClosesAt
	}
	to := now
	if end.Before(now) && !end.IsZero() {
		to = end
	}
	from := to.AddDate(0, 0, -13)
	if !cp.EntryOpensAt.IsZero() && cp.EntryOpensAt.Before(to) {
		from = cp.EntryOpensAt
		if limit := to.AddDate(0, 0, -89); from.Before(limit) {
			from = limit
		}
	}
	return from, to
}

// buildAnalytics reads the counters, the top of the gallery and the
// flagged ballots of the top entries: Redis only, a few round trips.
func (a *Admin) buildAnalytics(ctx context.Context, cp campaigns.Campaign) (analyticsView, error) {
	from, to := reportRange(cp, a.Now())
	r, err := a.Analytics.Report(ctx, cp.ID, from, to)
	if err != nil {
		return analyticsView{}, err
	}
	v := analyticsView{CampaignID: cp.ID, From: from.UTC().Format(time.DateOnly), To: to.UTC().Format(time.DateOnly),
		Days: []dayCounts{}, Sources: []sourceCounts{}, Top: []topEntry{}}
	var bars []funnelBar
	for _, s := range analytics.Funnel {
		v.Funnel = append(v.Funnel, stepCount{s, s.Label(), r.Totals[s]})
		bars = append(bars, funnelBar{s.Label(), r.Totals[s]})
	}
	v.FunnelSVG = funnelSVG(bars)
	dates := make([]string, len(r.Days))
	for i, d := range r.Days {
		dates[i] = d.Date.Format(time.DateOnly)
		v.Days = append(v.Days, dayCounts{dates[i], plain(d.Counts)})
	}
	for _, s := range analytics.Funnel {
		vals := make([]int64, len(r.Days))
		var total int64
		for i, d := range r.Days {
			vals[i] = d.Counts[s]
			total += vals[i]
		}
		v.Series = append(v.Series, series{s, s.Label(), total, seriesSVG("series-"+string(s), s.Label(), dates, vals)})
	}
	for _, s := range r.Sources {
		v.Sources = append(v.Sources, sourceCounts{s.Source, s.Label(), plain(s.Counts)})
	}
	v.Integrity = integrityOf(r.Totals)
	v.Top, err = a.topEntries(ctx, cp.ID)
	return v, err
}

func integrityOf(t map[analytics.Step]int64) integrity {
	in := integrity{Recorded: t[analytics.Votes], Discounted: t[analytics.VotesDiscounted], Flagged: t[analytics.VotesFlagged],
		Verified: t[analytics.VotesVerified], Challenged: t[analytics.VotesChallenged]}
	in.Counted = in.Recorded - in.Discounted
	in.FlaggedPct, in.VerifiedPct, in.ChallengedPct = pct(in.Flagged, in.Recorded), pct(in.Verified, in.Recorded), pct(in.Challenged, in.Recorded)
	return in
}

// topEntries are the ten entries with the most votes, with their flagged
// ballots.
func (a *Admin) topEntries(ctx context.Context, campaignID string) ([]topEntry, error) {
	out := []topEntry{}
	if a.Gallery == nil {
		return out, nil
	}
	page, err := a.Gallery.Page(ctx, gallery.Query{CampaignID: campaignID, Order: gallery.Top, Limit: 10})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(page.Cards))
	for i, c := range page.Cards {
		ids[i] = c.ID
	}
	flagged, err := a.Analytics.Flagged(ctx, campaignID, ids)
	if err != nil {
		return nil, err
	}
	for _, c := range page.Cards {
		f := flagged[c.ID]
		out = append(out, topEntry{c.ID, c.Title, c.CreatorName, c.Views, c.Votes, f, pct(f, c.Votes)})
	}
	return out, nil
}

// analyticsPage is a campaign's analytics for owners and analysts.
func (a *Admin) analyticsPage(c *gin.Context) {
	cp, ok := a.routeCampaign(c)
	if !ok {
		return
	}
	v, err := a.buildAnalytics(c, cp)
	if err != nil {
		a.fail(c, err)
		return
	}
	a.render(c, http.StatusOK, "analytics.html", map[string]any{"C": cp, "V": v})
}

// analyticsJSON is the same for scripts.
func (a *Admin) analyticsJSON(c *gin.Context) {
	cp, err := a.Campaigns.Get(c, c.Param("id"))
	if errors.Is(err, campaigns.ErrNotFound) {
		a.fail(c, httpx.E(http.StatusNotFound, "campaign_not_found", "There is no campaign with this id."))
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	v, err := a.buildAnalytics(c, cp)
	if err != nil {
		a.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// countDiscount keeps the campaign's discounted ballots (net of restores)
// for the integrity summary.
func (a *Admin) countDiscount(ctx context.Context, campaignID string, discount bool, n int64) {
	if a.Analytics == nil || n == 0 {
		return
	}
	if !discount {
		n = -n
	}
	if err := a.Analytics.Add(ctx, campaignID, analytics.VotesDiscounted, n); err != nil {
		a.Log.Warn("admin: discounted votes not counted in analytics", "campaign", campaignID, "err", err)
	}
}
