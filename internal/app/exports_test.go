package app_test

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/export"
	"github.com/tryout/tryout/internal/staff"
)

// csvGet downloads a CSV with Basic credentials and parses it.
func (e *env) csvGet(t *testing.T, path, user, pass string) (int, http.Header, [][]string) {
	t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	req.SetBasicAuth(user, pass)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		return res.StatusCode, res.Header, nil
	}
	if !strings.HasPrefix(string(b), export.BOM) {
		t.Errorf("%s: no UTF-8 byte order mark", path)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), export.BOM))).ReadAll()
	if err != nil {
		t.Fatalf("%s: not CSV: %v", path, err)
	}
	return res.StatusCode, res.Header, rows
}

// column finds a row's cell by the header's name.
func column(rows [][]string, row int, name string) string {
	for i, h := range rows[0] {
		if h == name {
			return rows[row][i]
		}
	}
	return "<no column " + name + ">"
}

// TestCSVExports: entries with status, figures and links; entrants with
// their consents; ballots with hashed voters; messages with their delivery
// status; a title that is a formula arrives escaped; analysts get the
// aggregates only; personal downloads are audited.
func TestCSVExports(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	cp := e.createCampaign("export", now.Add(-2*time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(time.Hour)})
	fan := e.signIn("zoe@example.com")
	draftID := e.draft(fan, "export", `=HYPERLINK("http://evil.example","click")`)
	en := e.liveEntry(t, "export", "Kickflip", "Zoë")
	ctx := context.Background()
	if _, err := e.app.DB.Collection("entries").UpdateOne(ctx, map[string]any{"_id": en.ID}, map[string]any{"$set": map[string]any{"title": "Zoë's kickflip, \"best\""}}); err != nil {
		t.Fatal(err)
	}
	if err := e.app.Notify.Decision(ctx, en, ""); err != nil {
		t.Fatal(err)
	}
	req := e.jsonReq("POST", "/api/entries/"+en.ID+"/votes", nil)
	req.Header.Set("X-Page-Token", e.pageToken(en.ID))
	if res := e.doWith(jar(), req, nil); res.StatusCode != 201 {
		t.Fatalf("vote: %d", res.StatusCode)
	}
	e.drainVotes(t)
	base := "/admin/api/campaigns/" + cp.ID + "/exports/"

	st, hdr, rows := e.csvGet(t, base+"entries.csv", e.user, e.pass)
	if st != 200 || hdr.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.Contains(hdr.Get("Content-Disposition"), "export-entries-") || len(rows) != 3 {
		t.Fatalf("entries: %d %v %d rows", st, hdr, len(rows))
	}
	for r := 1; r < len(rows); r++ {
		switch column(rows, r, "entry_id") {
		case draftID:
			if got := column(rows, r, "title"); got != `'=HYPERLINK("http://evil.example","click")` || column(rows, r, "status") != "draft" {
				t.Errorf("formula title not escaped: %q", got)
			}
		case en.ID:
			if column(rows, r, "title") != "Zoë's kickflip, \"best\"" || column(rows, r, "status") != "live" || column(rows, r, "votes") != "0" ||
				column(rows, r, "page_url") != e.app.Cfg.PublicURL+"/e/"+en.ID || column(rows, r, "live_at") == "" {
				t.Errorf("live entry row: %v", rows[r])
			}
		default:
			t.Errorf("unknown row %v", rows[r])
		}
	}

	_, _, rows = e.csvGet(t, base+"entrants.csv", e.user, e.pass)
	found := false
	for r := 1; r < len(rows); r++ {
		if column(rows, r, "entry_id") == draftID {
			found = true
			if column(rows, r, "email") != "zoe@example.com" || column(rows, r, "rules_version") != "1" || column(rows, r, "rules_accepted_at") == "" ||
				column(rows, r, "media_release") != "yes" || column(rows, r, "marketing_opt_in") != "no" {
				t.Errorf("entrant row: %v", rows[r])
			}
		}
	}
	if !found || len(rows) != 3 {
		t.Errorf("entrants: %v", rows)
	}

	_, _, rows = e.csvGet(t, base+"ballots.csv", e.user, e.pass)
	if len(rows) != 2 || column(rows, 1, "entry_id") != en.ID || column(rows, 1, "status") != "counted" || column(rows, 1, "voter_kind") != "device" ||
		strings.HasPrefix(column(rows, 1, "voter_hash"), "d:") || len(column(rows, 1, "voter_hash")) < 16 || column(rows, 1, "flagged") != "yes" {
		t.Errorf("ballots: %v", rows)
	}

	_, _, rows = e.csvGet(t, base+"messages.csv", e.user, e.pass)
	if len(rows) != 2 || column(rows, 1, "kind") != "entry_decision" || column(rows, 1, "to") != "kickflip@example.com" || column(rows, 1, "status") != "kept" || column(rows, 1, "entry_id") != en.ID {
		t.Errorf("messages: %v", rows)
	}

	_, _, rows = e.csvGet(t, base+"daily.csv", e.user, e.pass)
	if len(rows) < 2 || rows[0][0] != "date" || column(rows, len(rows)-1, "votes") != "1" {
		t.Errorf("daily: %v", rows)
	}

	e.addStaff("analyst@example.com", "analyst password!", staff.Analyst)
	for file, want := range map[string]int{"daily": 200, "entries": 200, "entrants": 403, "ballots": 403, "messages": 403} {
		if st, _, _ := e.csvGet(t, base+file+".csv", "analyst@example.com", "analyst password!"); st != want {
			t.Errorf("analyst %s.csv: %d, want %d", file, st, want)
		}
	}
	log, _ := e.app.Audit.List(ctx, cp.ID, 20)
	var actions []string
	for _, r := range log {
		actions = append(actions, r.Action)
	}
	if got := strings.Join(actions, ","); !strings.Contains(got, "export.entrants") || !strings.Contains(got, "export.ballots") || strings.Contains(got, "export.entries") {
		t.Errorf("audit: %s", got)
	}
}
