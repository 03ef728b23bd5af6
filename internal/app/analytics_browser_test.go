package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tryout/tryout/internal/analytics"
	"github.com/tryout/tryout/internal/staff"
)

// TestBrowserAnalyticsPage: an analyst opens a campaign's analytics in a
// real browser, on a desktop and on a phone: the funnel and daily charts
// are drawn (server-side SVG, no script), the tables are there, and the
// phone does not scroll sideways. Screenshots for a person to look at.
func TestBrowserAnalyticsPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	cp := e.createCampaign("charts", now.AddDate(0, 0, -13), now.Add(48*time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.AddDate(0, 0, -10), "voting_closes_at": now.Add(48 * time.Hour)})
	ctx := context.Background()
	// Two weeks of a campaign, counted through the counting API day by day.
	sources := []string{"utm:newsletter/email/spring", "ref:instagram.com", "ref:tiktok.com", ""}
	for d := 13; d >= 0; d-- {
		day := now.AddDate(0, 0, -d)
		e.app.Now = func() time.Time { return day }
		for i := range 20 + (13-d)*6 {
			src := sources[i%len(sources)]
			c := analytics.WithSource(ctx, cp.ID, src)
			if _, err := e.app.Analytics.Visit(c, cp.ID, fmt.Sprintf("d:%d-%d", d, i)); err != nil {
				t.Fatal(err)
			}
			if i%3 == 0 {
				_ = e.app.Analytics.Count(c, cp.ID, analytics.Links, "")
			}
			if i%5 == 0 {
				entry := fmt.Sprintf("en_seed%d_%d", d, i)
				for _, s := range []analytics.Step{analytics.Drafts, analytics.UploadsStarted, analytics.UploadsCompleted} {
					_ = e.app.Analytics.Count(c, cp.ID, s, entry)
				}
				if i%10 == 0 {
					_ = e.app.Analytics.Count(ctx, cp.ID, analytics.Live, entry)
				}
			}
			if i%2 == 0 && d <= 10 {
				_ = e.app.Analytics.Count(c, cp.ID, analytics.Votes, "")
			}
			if i%7 == 0 {
				_ = e.app.Analytics.Count(ctx, cp.ID, analytics.ShareVisits, "")
			}
		}
	}
	e.app.Now = time.Now
	for i, title := range []string{"Backflip off the pier", "Skate line at dawn", "Cat on a skateboard"} {
		en := e.liveEntry(t, "charts", title, []string{"Ana", "Bo", ""}[i])
		if err := e.app.Gallery.AddVotes(ctx, cp.ID, en.ID, int64(120-40*i)); err != nil {
			t.Fatal(err)
		}
		e.kit.Redis.HIncrBy(ctx, analytics.FlaggedKey(cp.ID), en.ID, int64(3+i*4))
	}
	_ = e.app.Analytics.Add(ctx, cp.ID, analytics.VotesFlagged, 12)
	_ = e.app.Analytics.Add(ctx, cp.ID, analytics.VotesDiscounted, 5)

	e.addStaff("analyst@example.com", "analyst password!", staff.Analyst)
	b := browser(t)
	page := e.srv.URL + "/admin/campaigns/" + cp.ID + "/analytics"
	var bars, rows float64
	var sideways bool
	num := func(js string, out *float64) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			v, err := chromedp.Evaluate[float64](js)(ctx, tg)
			*out = v
			return chromedp.Void{}, err
		}
	}
	err := chromedp.Do(b,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(page),
		chromedp.WaitVisible("#login"),
		chromedp.SendKeys("#email", "analyst@example.com"),
		chromedp.SendKeys("#password", "analyst password!\r"),
		waitJS(`location.pathname.endsWith("/analytics") && !!document.querySelector("svg.funnel")`),
		shot(t, b, "analytics-1280"),
		chromedp.EmulateViewport(390, 844),
		chromedp.Reload(),
		chromedp.WaitVisible("svg.funnel"),
		shot(t, b, "analytics-390"),
		num(`document.querySelectorAll("svg.series rect.bar").length`, &bars),
		num(`document.querySelectorAll("#funnel tbody tr").length`, &rows),
		func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			v, err := chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)(ctx, tg)
			sideways = v
			if v {
				wide, _ := chromedp.Evaluate[string](`[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map(e => e.tagName + "." + e.className + "#" + e.id + " " + Math.round(e.getBoundingClientRect().right)).join(", ")`)(ctx, tg)
				t.Logf("wider than the phone: %s", wide)
			}
			return chromedp.Void{}, err
		},
	)
	if err != nil {
		t.Fatal(err)
	}
	if bars < 50 || int(rows) != len(analytics.Funnel) || sideways {
		t.Errorf("series bars %v, funnel rows %v, phone scrolls sideways: %v", bars, rows, sideways)
	}
}
