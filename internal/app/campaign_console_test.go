package app_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/sharecard"
	"github.com/tryout/tryout/internal/testkit"
)

func campaignForm(opens, closes time.Time) url.Values {
	return url.Values{
		"name": {"Summer skate"}, "slug": {"summer-skate"}, "description": {"Show your best trick."},
		"perks_text": {"The winner gets a year of free boards."}, "brand_color": {"#e8590c"},
		"entry_opens_at": {opens.UTC().Format("2006-01-02T15:04")}, "entry_closes_at": {closes.UTC().Format("2006-01-02T15:04")},
		"voting_opens_at": {""}, "voting_closes_at": {""},
		"max_file_mb": {"500"}, "max_duration_seconds": {"120"}, "min_duration_seconds": {"3"},
		"max_entries_per_entrant": {"2"}, "min_age": {"13"}, "rules_version": {"2026-1"}, "rules_text": {"Be kind."},
		"media_release_text": {""}, "moderation_mode": {"review_all"}, "blocked_words": {"badword\nworse word"},
		"reason_templates": {""}, "report_threshold": {"3"},
	}
}

// TestCampaignConsoleForms: owners create and edit campaigns in the
// console with readable errors; nothing is saved until every field is
// right; edits are audited with what changed.
func TestCampaignConsoleForms(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	owner := e.staffLogin(e.user, e.pass)
	if res, _ := owner.page("/admin/campaigns/new"); res.StatusCode != http.StatusOK {
		t.Fatalf("new form: %d", res.StatusCode)
	}
	now := time.Now()
	bad := campaignForm(now, now.Add(-time.Hour))
	bad.Set("brand_color", "orange")
	bad.Set("max_duration_seconds", "two minutes")
	bad.Set("voting_opens_at", now.Format("2006-01-02T15:04"))
	res, body := owner.post("/admin/campaigns", bad)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", res.StatusCode)
	}
	for _, msg := range []string{"Nothing was saved", "enter a whole number", `value="two minutes"`} {
		if !strings.Contains(body, msg) {
			t.Errorf("bad form page lacks %q", msg)
		}
	}
	bad.Set("max_duration_seconds", "120")
	_, body = owner.post("/admin/campaigns", bad)
	for _, msg := range []string{"entries must close after they open", "use a colour like #1a73e8", "set both when voting opens"} {
		if !strings.Contains(body, msg) {
			t.Errorf("bad form page lacks %q", msg)
		}
	}
	if list, _ := e.app.Campaigns.List(ctx, 10); len(list) != 0 {
		t.Fatalf("a refused form saved a campaign: %+v", list)
	}
	good := campaignForm(now.Add(-time.Hour), now.Add(30*24*time.Hour))
	if res, body := owner.post("/admin/campaigns", good); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.StatusCode, body)
	}
	cp, err := e.app.Campaigns.GetBySlug(ctx, "summer-skate")
	if err != nil || cp.MaxFileBytes != 500_000_000 || cp.MaxEntriesPerEntrant != 2 || len(cp.BlockedWords) != 2 || cp.BrandColor != "#e8590c" {
		t.Fatalf("created: %+v %v", cp, err)
	}
	// Its share card is drawn as it is saved (not left to the first visitor).
	if o, err := e.app.Blobs.Open(ctx, e.app.Cfg.S3BucketRenditions, "campaigns/"+cp.ID+"/card-"+sharecard.CampaignVersion(cp)+".png"); err != nil {
		t.Errorf("no share card drawn on save: %v", err)
	} else {
		o.Close()
	}
	// Edit: new name, mode and reject reasons; the audit has only what changed.
	owner.page("/admin/campaigns/" + cp.ID + "/edit")
	edit := campaignForm(now.Add(-time.Hour), now.Add(30*24*time.Hour))
	edit.Set("entry_opens_at", cp.EntryOpensAt.UTC().Format("2006-01-02T15:04"))
	edit.Set("entry_closes_at", cp.EntryClosesAt.UTC().Format("2006-01-02T15:04"))
	edit.Set("name", "Summer skate 2026")
	edit.Set("moderation_mode", "auto_approve_clean")
	edit.Set("reason_templates", "Not a skate trick.\nNo helmet.")
	if res, body := owner.post("/admin/campaigns/"+cp.ID, edit); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", res.StatusCode, body)
	}
	got, _ := e.app.Campaigns.Get(ctx, cp.ID)
	if got.Name != "Summer skate 2026" || got.ModerationMode != "auto_approve_clean" || len(got.ReasonTemplates) != 2 || got.CreatedAt.IsZero() {
		t.Errorf("after edit: %+v", got)
	}
	log, _ := e.app.Audit.List(ctx, cp.ID, 5)
	if len(log) != 2 || log[0].Action != "campaign.update" || log[0].Before["name"] != "Summer skate" || log[0].After["name"] != "Summer skate 2026" || len(log[0].After) != 3 {
		t.Errorf("audit of the edit: %+v", log)
	}
	// The moderator sees the campaign's own reasons when rejecting.
	en := e.reviewEntry(t, "summer-skate", "Kickflip")
	if _, page := owner.page("/admin/entries/" + en.ID); !strings.Contains(page, "No helmet.") {
		t.Error("the review page does not offer the campaign's reasons")
	}
	// A second campaign cannot take the slug.
	e.createCampaign("other-one", now, now.Add(time.Hour), 50<<20, 60)
	other, _ := e.app.Campaigns.GetBySlug(ctx, "other-one")
	taken := campaignForm(now, now.Add(time.Hour))
	if res, body := owner.post("/admin/campaigns/"+other.ID, taken); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "another campaign already uses this address") {
		t.Errorf("slug taken: %d", res.StatusCode)
	}
	// Moderators cannot change campaigns.
	e.addStaff("mod@example.com", "moderator password", "moderator")
	mod := e.staffLogin("mod@example.com", "moderator password")
	if res, _ := mod.post("/admin/campaigns/"+cp.ID, edit); res.StatusCode != http.StatusForbidden {
		t.Errorf("moderator edit: %d", res.StatusCode)
	}
	// A logo: an image is kept and served; anything else is refused.
	owner.page("/admin/campaigns/" + cp.ID + "/edit")
	if res, body := owner.postMultipart("/admin/campaigns/"+cp.ID, edit, "logo", "logo.png", []byte("<svg onload=alert(1)>")); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "use a PNG, JPEG or WebP image") {
		t.Errorf("svg logo: %d", res.StatusCode)
	}
	png := readFile(t, testkit.Image(t, t.TempDir()))
	if res, body := owner.postMultipart("/admin/campaigns/"+cp.ID, edit, "logo", "logo.png", []byte(png)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("png logo: %d %s", res.StatusCode, body)
	}
	logo, _ := http.Get(e.srv.URL + "/c/summer-skate/logo")
	lb, _ := io.ReadAll(logo.Body)
	logo.Body.Close()
	if logo.StatusCode != 200 || logo.Header.Get("Content-Type") != "image/png" || string(lb) != png {
		t.Errorf("logo: %d %s %d bytes", logo.StatusCode, logo.Header.Get("Content-Type"), len(lb))
	}
	// The public page shows the perks and the brand colour.
	pub, _ := http.Get(e.srv.URL + "/c/summer-skate")
	b, _ := io.ReadAll(pub.Body)
	pub.Body.Close()
	if !strings.Contains(string(b), "a year of free boards") || !strings.Contains(string(b), "/c/summer-skate/brand.css") {
		t.Error("campaign page lacks perks or brand stylesheet")
	}
	css, _ := http.Get(e.srv.URL + "/c/summer-skate/brand.css")
	b, _ = io.ReadAll(css.Body)
	css.Body.Close()
	if !strings.Contains(string(b), "--accent: #e8590c") {
		t.Errorf("brand.css: %s", b)
	}
}

// postMultipart sends a form with one file, as a browser does for the
// campaign form.
func (s *staffClient) postMultipart(path string, form url.Values, field, filename string, content []byte) (*http.Response, string) {
	s.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("_csrf", s.csrf)
	for k, vs := range form {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile(field, filename)
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", s.e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := s.c.Do(req)
	if err != nil {
		s.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}
