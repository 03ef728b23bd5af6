package app_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/judging"
	"github.com/tryout/tryout/internal/staff"
	"github.com/tryout/tryout/internal/testkit"
)

// judgingRound sets up a campaign's rubric and one jury round holding its
// live entries, with the judge assigned; it returns the round.
func (e *env) judgingRound(t *testing.T, campaignID, judgeEmail string) judging.Round {
	t.Helper()
	ctx := context.Background()
	st := judging.Setup{CampaignID: campaignID, JuryWeight: 60, Blind: true, Criteria: []judging.Criterion{
		{Name: "Creativity", Description: "Is the idea fresh? Would you remember it tomorrow?", Min: 1, Max: 10, Weight: 2},
		{Name: "Skill", Description: "Execution: filming, editing, the trick itself.", Min: 1, Max: 10, Weight: 1},
		{Name: "Brand fit", Description: "Does it feel like the brand's summer?", Min: 0, Max: 5, Weight: 1},
	}}
	if _, err := e.app.Judging.SaveSetup(ctx, testActor, st); err != nil {
		t.Fatal(err)
	}
	r, err := e.app.Judging.AddRound(ctx, testActor, judging.Round{CampaignID: campaignID, Name: "Jury", Kind: judging.Jury, Rule: judging.AllLive})
	if err != nil {
		t.Fatal(err)
	}
	cut, err := e.app.Judging.Preview(ctx, r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Judging.ApplyCut(ctx, testActor, r, nil, cut.Digest()); err != nil {
		t.Fatal(err)
	}
	j, _ := e.app.Staff.GetByEmail(ctx, judgeEmail)
	if err := e.app.Judging.AssignJudges(ctx, testActor, r, []string{j.ID}); err != nil {
		t.Fatal(err)
	}
	r, _ = e.app.Judging.Round(ctx, r.ID)
	return r
}

// TestBrowserJudgingByKeyboard: a judge scores a round's entries with the
// keyboard alone (jump to a criterion by number, Esc, comment, Ctrl+Enter,
// Enter in a number, previous and next), declares a conflict, and the
// owner reads the ranking; screenshots at desktop and phone widths.
func TestBrowserJudgingByKeyboard(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startWorker()
	e.addStaff("judge@example.com", "judge password!", staff.Judge)
	now := time.Now()
	c := e.createCampaign("judged", now.Add(-time.Hour), now.Add(time.Hour), 50<<20, 60)
	// One real video, so the player has something to play.
	video := readFile(t, testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 4, Width: 640, Height: 360, Audio: true}))
	fan := e.signIn("first-fan@example.com")
	var created map[string]any
	if res := e.upload(fan, c.Slug, append(consents(), part{name: "title", content: "Kickflip at dawn"}, part{name: "description", content: "Third try, first light."},
		part{name: "file", filename: "a.mp4", content: video}), &created); res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %v", res.StatusCode, created)
	}
	e.waitStatus(fan, created["id"].(string), "in_review")
	ctx := context.Background()
	first, _ := e.app.Entries.Get(ctx, created["id"].(string))
	if _, err := entries.Move(ctx, e.app.Entries, first, entries.Live, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	second := e.liveEntry(t, "judged", "Rail slide in the rain", "Robin")
	third := e.liveEntry(t, "judged", "Skatepark sunset", "Alex")
	r := e.judgingRound(t, c.ID, "judge@example.com")

	b := browser(t)
	key := func(k string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			if _, err := waitJS(`document.documentElement.dataset.keys === "ready"`)(ctx, tg); err != nil {
				return chromedp.Void{}, err
			}
			return chromedp.KeyEvent(k)(ctx, tg)
		}
	}
	focused := func(id string) chromedp.Action[chromedp.Void] {
		return waitJS(`document.activeElement && document.activeElement.id === "` + id + `"`)
	}
	on := func(entryID string) chromedp.Action[chromedp.Void] {
		return waitJS(`location.pathname.endsWith("/score/` + entryID + `") && document.readyState === "complete"`)
	}
	err := chromedp.Do(b,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.srv.URL+"/admin/judging"),
		chromedp.WaitVisible("#login"),
		chromedp.SendKeys("#email", "judge@example.com"),
		chromedp.SendKeys("#password", "judge password!\r"),
		waitJS(`location.pathname === "/admin/judging" && document.body.innerText.includes("0 of 3 done")`),
		shot(t, b, "judging-1-home"),
		chromedp.Click(`a.button`),
		on(first.ID),
		waitJS(`(() => { const v = document.getElementById("player"); return v && v.readyState >= 1; })()`),
		shot(t, b, "judging-2-score"),
		// 1: Creativity, type, Esc; 2: Skill; 3: Brand fit; c: comment; Ctrl+Enter.
		key("1"), focused("c1"), chromedp.KeyEvent("8"), chromedp.KeyEvent(kb.Escape),
		key("2"), focused("c2"), chromedp.KeyEvent("7"), chromedp.KeyEvent(kb.Escape),
		key("3"), focused("c3"), chromedp.KeyEvent("4"), chromedp.KeyEvent(kb.Escape),
		key("c"), focused("comment"), chromedp.KeyEvent("Fresh idea, shaky landing."),
		shot(t, b, "judging-3-filled"),
		chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		on(second.ID),
		waitJS(`document.querySelector(".notice") && document.querySelector(".notice").textContent.includes("Saved your score")`),
		// Enter in a number saves (the form's own submission).
		key("1"), focused("c1"), chromedp.KeyEvent("5"), chromedp.KeyEvent(kb.Escape),
		key("2"), focused("c2"), chromedp.KeyEvent("9"), chromedp.KeyEvent(kb.Escape),
		key("3"), focused("c3"), chromedp.KeyEvent("2"), chromedp.KeyEvent("\r"),
		on(third.ID),
		// Back to the second: its numbers are there.
		key("k"), on(second.ID),
		waitJS(`document.getElementById("c2").value === "9" && document.getElementById("state").textContent === "scored"`),
		key("j"), on(third.ID),
		// A conflict with the third.
		chromedp.Click("#conflict summary"),
		chromedp.Click("#conflict button"),
		waitJS(`location.pathname === "/admin/judging" && document.body.innerText.includes("You have scored every entry")`),
		shot(t, b, "judging-4-done"),
		// The same page on a phone.
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(e.srv.URL+"/admin/rounds/"+r.ID+"/score/"+first.ID),
		on(first.ID),
		waitJS(`document.documentElement.scrollWidth <= window.innerWidth`),
		shot(t, b, "judging-5-score-phone"),
	)
	if err != nil {
		fctx, cancel := context.WithTimeout(b, 10*time.Second)
		defer cancel()
		page, _ := chromedp.Run(fctx, chromedp.Evaluate[string](`location.href + " | " + document.body.innerText.slice(0, 800)`))
		t.Fatalf("%v; page: %s", err, page)
	}
	sheets, _ := e.app.Judging.Store.Sheets(ctx, r.ID)
	got := map[string]judging.Sheet{}
	for _, s := range sheets {
		got[s.EntryID] = s
	}
	if s := got[first.ID]; s.Values["c1"] != 8 || s.Values["c2"] != 7 || s.Values["c3"] != 4 || s.Comment != "Fresh idea, shaky landing." {
		t.Errorf("first sheet: %+v", s)
	}
	if s := got[second.ID]; s.Values["c1"] != 5 || s.Values["c2"] != 9 || s.Values["c3"] != 2 {
		t.Errorf("second sheet: %+v", s)
	}
	if s := got[third.ID]; !s.Conflict || len(sheets) != 3 {
		t.Errorf("third sheet: %+v (%d sheets)", s, len(sheets))
	}
	e.ownerJudgingShots(t, b, c.ID, r.ID)
}

// ownerJudgingShots signs the browser in as the owner and takes the
// judging pages at desktop and phone widths; no page scrolls sideways.
func (e *env) ownerJudgingShots(t *testing.T, b context.Context, campaignID, roundID string) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.app.Judging.RunDraw(ctx, testActor, campaignID, judging.DrawRequest{Prize: "A skateboard", Place: 10, Count: 1, Seed: "lottery-2026-07-04"}); err != nil {
		t.Fatal(err)
	}
	final, err := e.app.Judging.AddRound(ctx, testActor, judging.Round{CampaignID: campaignID, Name: "Final", Kind: judging.Final, Rule: judging.TopScore, TopN: 2})
	if err != nil {
		t.Fatal(err)
	}
	pages := []struct{ name, path string }{
		{"cut-preview", "/admin/rounds/" + final.ID},
		{"setup", "/admin/campaigns/" + campaignID + "/judging"},
		{"round", "/admin/rounds/" + roundID},
		{"ranking", "/admin/rounds/" + roundID + "/ranking"},
		{"winners", "/c/judged/winners"},
	}
	err = chromedp.Do(b,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Click(`.bar form button[type="submit"]`),
		chromedp.WaitVisible("#login"),
		chromedp.Navigate(e.srv.URL+"/admin/login?next=/admin/"),
		chromedp.WaitVisible("#login"),
		chromedp.SendKeys("#email", e.user),
		chromedp.SendKeys("#password", e.pass+"\r"),
		waitJS(`location.pathname === "/admin/"`),
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, vp := range []struct {
		w, h int
		tag  string
	}{{1280, 900, "desktop"}, {390, 844, "phone"}} {
		for _, p := range pages {
			err := chromedp.Do(b,
				chromedp.EmulateViewport(int64(vp.w), int64(vp.h)),
				chromedp.Navigate(e.srv.URL+p.path),
				waitJS(`document.readyState === "complete" && document.querySelector("h1") !== null`),
				shot(t, b, "judging-owner-"+p.name+"-"+vp.tag),
				noSideScroll(),
			)
			if err != nil {
				wide, _ := chromedp.Run(b, chromedp.Evaluate[string](`[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right)).join(", ")`))
				t.Fatalf("%s at %s: %v; wider than the screen: %s", p.name, vp.tag, err, wide)
			}
		}
	}
	if err := chromedp.Do(b, chromedp.Navigate(e.srv.URL+pages[3].path), chromedp.WaitVisible("h1")); err != nil {
		t.Fatal(err)
	}
	body, err := chromedp.Run(b, chromedp.Evaluate[string](`document.querySelector("main").innerText`))
	// The draw above picks one of the three entries (its seed is fixed but
	// the entry ids are not): the proposal offers the first place that
	// entry does not already hold.
	if err != nil || !strings.Contains(body, "60% jury") || !regexp.MustCompile(`Confirm place [12]\b`).MatchString(body) {
		t.Errorf("ranking page: %v %q", err, body)
	}
}

// noSideScroll fails when the page is wider than the viewport.
func noSideScroll() chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		ok, err := chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)(ctx, tg)
		if err == nil && !ok {
			err = fmt.Errorf("the page scrolls sideways")
		}
		return chromedp.Void{}, err
	}
}
