package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/staff"
)

type analyticsOut struct {
	Funnel []struct {
		Step  string
		Count int64
	}
	TopEntries []struct {
		ID           string
		Votes        int64
		FlaggedVotes int64 `json:"flagged_votes"`
	} `json:"top_entries"`
	Integrity struct {
		Recorded, Discounted, Counted, Flagged, Verified int64
	} `json:"vote_integrity"`
}

// TestAnalyticsIntegrityAndRoles: flagged ballots (an automation browser)
// are counted as they are stored; fraud review's discount and restore move
// the summary; analysts and owners see the page and its JSON, moderators
// and judges do not.
func TestAnalyticsIntegrityAndRoles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	// The six voters share one address and watch nothing: the automatic
	// checks (tested in holding_test.go) are off so every vote counts.
	cp := e.createCampaign("integrity", now.Add(-2*time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(time.Hour),
			"vote_checks_off": []string{"new_devices", "no_playback", "regular_timing", "automation"}})
	en := e.liveEntry(t, "integrity", "Watched closely", "Kim")
	quiet := e.liveEntry(t, "integrity", "Quiet one", "")
	for i := range 6 {
		req := e.jsonReq("POST", "/api/entries/"+en.ID+"/votes", nil)
		req.Header.Set("X-Page-Token", e.pageToken(en.ID))
		req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36")
		if i < 2 {
			req.Header.Set("User-Agent", "curl/8.0")
		}
		if res := e.doWith(jar(), req, nil); res.StatusCode != 201 {
			t.Fatalf("vote: %d", res.StatusCode)
		}
	}
	e.drainVotes(t)
	e.addStaff("analyst@example.com", "analyst password!", staff.Analyst)
	var out analyticsOut
	if res := e.adminJSON("GET", "/admin/api/campaigns/"+cp.ID+"/analytics", "analyst@example.com", "analyst password!", nil, &out); res.StatusCode != 200 {
		t.Fatalf("analytics JSON: %d", res.StatusCode)
	}
	in := out.Integrity
	if in.Recorded != 6 || in.Flagged != 2 || in.Discounted != 0 || in.Counted != 6 {
		t.Errorf("integrity: %+v", in)
	}
	if len(out.TopEntries) != 2 || out.TopEntries[0].ID != en.ID || out.TopEntries[0].Votes != 6 || out.TopEntries[0].FlaggedVotes != 2 || out.TopEntries[1].ID != quiet.ID {
		t.Errorf("top entries: %+v", out.TopEntries)
	}

	// Fraud review discounts the shared-network cluster, then restores it.
	s := e.staffLogin(e.user, e.pass)
	_, page := s.page("/admin/entries/" + en.ID + "/votes")
	key := regexp.MustCompile(`name="kind" value="subnet"><input type="hidden" name="key" value="([^"]+)"`).FindStringSubmatch(page)
	if key == nil {
		t.Fatal("no subnet cluster")
	}
	form := url.Values{"kind": {"subnet"}, "key": {key[1]}, "action": {"discount"}, "reason": {"one network"}}
	if res, _ := s.post("/admin/entries/"+en.ID+"/votes/discount", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("discount: %d", res.StatusCode)
	}
	e.adminJSON("GET", "/admin/api/campaigns/"+cp.ID+"/analytics", e.user, e.pass, nil, &out)
	if out.Integrity.Discounted != 6 || out.Integrity.Counted != 0 {
		t.Errorf("after discount: %+v", out.Integrity)
	}
	res, body := s.page("/admin/campaigns/" + cp.ID + "/analytics")
	if res.StatusCode != 200 || !strings.Contains(body, "<svg class=\"chart funnel\"") || !strings.Contains(body, "Discounted in fraud review</dt><dd>6</dd>") ||
		!strings.Contains(body, "/exports/ballots.csv") {
		t.Errorf("owner's page: %d", res.StatusCode)
	}
	form.Set("action", "restore")
	s.post("/admin/entries/"+en.ID+"/votes/discount", form)
	e.adminJSON("GET", "/admin/api/campaigns/"+cp.ID+"/analytics", e.user, e.pass, nil, &out)
	if out.Integrity.Discounted != 0 || out.Integrity.Counted != 6 {
		t.Errorf("after restore: %+v", out.Integrity)
	}

	// The analyst sees the page but no personal-data downloads.
	res, body = e.staffLogin("analyst@example.com", "analyst password!").page("/admin/campaigns/" + cp.ID + "/analytics")
	if res.StatusCode != 200 || strings.Contains(body, "ballots.csv") || !strings.Contains(body, "daily.csv") {
		t.Errorf("analyst's page: %d", res.StatusCode)
	}
	e.addStaff("mod@example.com", "moderator password", staff.Moderator)
	var apiErr apiError
	if res := e.adminJSON("GET", "/admin/api/campaigns/"+cp.ID+"/analytics", "mod@example.com", "moderator password", nil, &apiErr); res.StatusCode != 403 {
		t.Errorf("moderator: %d", res.StatusCode)
	}
	if res := e.adminJSON("GET", "/admin/api/campaigns/cp_nope/analytics", e.user, e.pass, nil, &apiErr); res.StatusCode != 404 || apiErr.Error.Code != "campaign_not_found" {
		t.Errorf("unknown campaign: %d %s", res.StatusCode, apiErr.Error.Code)
	}
}
