package app_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/judging"
	"github.com/tryout/tryout/internal/staff"
)

// testActor is who the tests' direct service calls are recorded as.
var testActor = audit.Actor{ID: "st_test", Email: "test@example.com", Role: "owner"}

var (
	digestRE = regexp.MustCompile(`name="digest" value="([^"]*)"`)
	roundRE  = regexp.MustCompile(`^/admin/rounds/(rd_[a-z2-7]+)`)
)

// judgingCampaign makes a campaign with live entries whose counted votes
// are given, in order; entry i is titled "Entry i" by "Maker i".
func (e *env) judgingCampaign(t *testing.T, slug string, votes ...int64) (string, []entries.Entry) {
	t.Helper()
	var list []entries.Entry
	for i, v := range votes {
		en := e.liveEntry(t, slug, "Entry "+string(rune('A'+i)), "Maker "+string(rune('A'+i)))
		if v > 0 {
			if err := e.app.Gallery.AddVotes(context.Background(), en.CampaignID, en.ID, v); err != nil {
				t.Fatal(err)
			}
		}
		list = append(list, en)
	}
	return list[0].CampaignID, list
}

// addRound adds a round through the console and returns its id.
func addRound(t *testing.T, s *staffClient, campaignID, name, kind, rule, n string) string {
	t.Helper()
	s.page("/admin/campaigns/" + campaignID + "/judging")
	res, body := s.post("/admin/campaigns/"+campaignID+"/rounds", url.Values{"round_name": {name}, "kind": {kind}, "rule": {rule}, "top_n": {n}})
	m := roundRE.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("add round %s: %d %s", name, res.StatusCode, body)
	}
	return m[1]
}

// applyCut applies the cut the round page shows.
func applyCut(t *testing.T, s *staffClient, roundID string) *http.Response {
	t.Helper()
	_, page := s.page("/admin/rounds/" + roundID)
	m := digestRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no cut preview on the round page: %s", page)
	}
	res, _ := s.post("/admin/rounds/"+roundID+"/cut", url.Values{"digest": {m[1]}, "action": {"apply"}})
	return res
}

// TestJudgingFlow runs a contest through the console: rubric, a public
// round, a jury round cut by votes (previewed, refused when votes moved),
// judges scoring blind with a conflict, the ranking, a confirmed winner,
// the CSV and a seeded draw on the public winners page.
func TestJudgingFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.addStaff("j1@example.com", "judge one password", staff.Judge)
	e.addStaff("j2@example.com", "judge two password", staff.Judge)
	e.addStaff("analyst@example.com", "analyst password", staff.Analyst)
	cid, list := e.judgingCampaign(t, "jury-cup", 40, 30, 20, 10, 5)
	owner := e.staffLogin(e.user, e.pass)

	// A rubric with a mistake is refused with the field named; then saved.
	owner.page("/admin/campaigns/" + cid + "/judging")
	bad := url.Values{"name": {"Creativity", ""}, "description": {"Is it new?", "no name"}, "min": {"1", "1"}, "max": {"10", "10"}, "weight": {"2", "1"}, "jury_weight": {"70"}, "blind": {"1"}}
	if res, body := owner.post("/admin/campaigns/"+cid+"/judging", bad); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "give the criterion a name") {
		t.Fatalf("bad rubric: %d", res.StatusCode)
	}
	good := url.Values{"name": {"Creativity", "Skill", ""}, "description": {"Is it new?", "", ""}, "min": {"1", "1", "1"}, "max": {"10", "10", "10"}, "weight": {"2", "1", "1"}, "jury_weight": {"70"}, "blind": {"1"}}
	if res, body := owner.post("/admin/campaigns/"+cid+"/judging", good); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("rubric: %d %s", res.StatusCode, body)
	}
	if st, _ := e.app.Judging.Setup(ctx, cid); len(st.Criteria) != 2 || st.Criteria[0].Weight != 2 || !st.Blind {
		t.Fatalf("saved setup: %+v", st)
	}

	// Round 1: every live entry; nobody is told anything.
	r1 := addRound(t, owner, cid, "Public vote", "public_vote", "all_live", "")
	if res := applyCut(t, owner, r1); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("cut 1: %d", res.StatusCode)
	}
	// Round 2: top 3 by votes. Votes move after the preview: refused.
	r2 := addRound(t, owner, cid, "Jury", "jury", "top_votes", "3")
	_, page := owner.page("/admin/rounds/" + r2)
	for i, want := range []bool{true, true, true, false, false} {
		in := strings.Index(page, list[i].Title) < strings.Index(page, "do not enter")
		if in != want {
			t.Errorf("preview: %s in=%v", list[i].Title, in)
		}
	}
	stale := digestRE.FindStringSubmatch(page)[1]
	if err := e.app.Gallery.AddVotes(ctx, cid, list[3].ID, 100); err != nil {
		t.Fatal(err)
	}
	if res, body := owner.post("/admin/rounds/"+r2+"/cut", url.Values{"digest": {stale}, "action": {"apply"}}); res.StatusCode != http.StatusConflict || !strings.Contains(body, "changed since you looked") {
		t.Fatalf("stale cut: %d", res.StatusCode)
	}
	if res := applyCut(t, owner, r2); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("cut 2: %d", res.StatusCode)
	}
	round, _ := e.app.Judging.Round(ctx, r2)
	in := []string{list[3].ID, list[0].ID, list[1].ID} // D now leads with 110
	if !slices.Equal(round.Entries, in) {
		t.Fatalf("round 2 entries: %v, want %v", round.Entries, in)
	}
	msgs, _ := e.app.Outbox.List(ctx, 100)
	advanced := 0
	for _, m := range msgs {
		if strings.Contains(m.Subject, "is through to Round 2: Jury") {
			advanced++
		}
	}
	if advanced != 3 {
		t.Errorf("advanced messages: %d, want 3", advanced)
	}

	// Judges are assigned; one of them scores blind.
	var ids []string
	for _, email := range []string{"j1@example.com", "j2@example.com"} {
		u, _ := e.app.Staff.GetByEmail(ctx, email)
		ids = append(ids, u.ID)
	}
	owner.page("/admin/rounds/" + r2)
	if res, _ := owner.post("/admin/rounds/"+r2+"/judges", url.Values{"judge": ids}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("assign: %d", res.StatusCode)
	}
	j1 := e.staffLogin("j1@example.com", "judge one password")
	res, _ := j1.page("/admin/rounds/" + r2 + "/score")
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "/score/"+in[0]) {
		t.Fatalf("first to score: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, page = j1.page("/admin/rounds/" + r2 + "/score/" + in[0])
	for _, leak := range []string{"Maker D", "110", "votes"} {
		if strings.Contains(strings.ReplaceAll(page, "its votes", ""), leak) {
			t.Errorf("blind scoring page shows %q", leak)
		}
	}
	if _, review := j1.page("/admin/entries/" + in[0]); strings.Contains(review, "Entry D maker") || strings.Contains(review, "Staff actions") {
		t.Errorf("the review page shows a blind judge who made the entry or staff actions")
	}
	// A number off the scale is refused, nothing saved, the typed values kept.
	res, body := j1.post("/admin/rounds/"+r2+"/score/"+in[0], url.Values{"c1": {"11"}, "c2": {"7"}, "comment": {"Bold idea"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Creativity is scored from 1 to 10") || !strings.Contains(body, "Bold idea") {
		t.Fatalf("off-scale score: %d", res.StatusCode)
	}
	if _, err := e.app.Judging.Store.GetSheet(ctx, r2, ids[0], in[0]); err == nil {
		t.Error("a refused sheet was saved")
	}
	score := func(s *staffClient, entry, c1, c2 string) {
		t.Helper()
		if res, body := s.post("/admin/rounds/"+r2+"/score/"+entry, url.Values{"c1": {c1}, "c2": {c2}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("score %s: %d %s", entry, res.StatusCode, body)
		}
	}
	score(j1, in[0], "9", "8")
	score(j1, in[1], "3", "4")
	// j1 has a conflict with the third entry.
	if res, _ := j1.post("/admin/rounds/"+r2+"/score/"+in[2]+"/conflict", url.Values{}); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/judging") {
		t.Fatalf("conflict: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, body := j1.post("/admin/rounds/"+r2+"/score/"+in[2], url.Values{"c1": {"10"}, "c2": {"10"}}); res.StatusCode != http.StatusConflict || !strings.Contains(body, "declared a conflict") {
		t.Errorf("score after a conflict: %d", res.StatusCode)
	}
	if _, home := j1.page("/admin/judging"); !strings.Contains(home, "<strong>3</strong> of 3 done") {
		t.Errorf("judge home progress: %s", home)
	}
	j2 := e.staffLogin("j2@example.com", "judge two password")
	j2.page("/admin/rounds/" + r2 + "/score/" + in[0])
	score(j2, in[0], "5", "5")
	score(j2, in[1], "2", "2")
	score(j2, in[2], "10", "10")

	// An analyst reads the ranking but cannot score; a judge cannot read it.
	analyst := e.staffLogin("analyst@example.com", "analyst password")
	if res, _ := analyst.post("/admin/rounds/"+r2+"/score/"+in[0], url.Values{"c1": {"1"}, "c2": {"1"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("analyst scoring: %d", res.StatusCode)
	}
	if res, _ := j1.page("/admin/rounds/" + r2 + "/ranking"); res.StatusCode != http.StatusForbidden {
		t.Errorf("judge reading the ranking: %d", res.StatusCode)
	}
	res, page = analyst.page("/admin/rounds/" + r2 + "/ranking")
	if res.StatusCode != http.StatusOK || strings.Contains(page, "Confirm place") {
		t.Errorf("analyst ranking: %d", res.StatusCode)
	}
	ranking, err := e.app.Judging.Ranking(ctx, round)
	if err != nil || len(ranking) != 3 || ranking[2].ID != in[1] || ranking[0].Conflicts+ranking[1].Conflicts != 1 {
		t.Fatalf("ranking: %+v %v", ranking, err)
	}

	// The owner confirms the proposed winner from the ranking.
	_, page = owner.page("/admin/rounds/" + r2 + "/ranking")
	if !strings.Contains(page, "Confirm place 1") || !strings.Contains(page, "70%") {
		t.Fatalf("owner ranking page lacks the proposal or the weights")
	}
	res, _ = owner.post("/admin/entries/"+ranking[0].ID+"/winner", url.Values{"action": {"set"}, "place": {"1"}, "prize": {"A camera"}, "back": {"/admin/rounds/" + r2 + "/ranking"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/rounds/"+r2+"/ranking?done=") {
		t.Fatalf("confirm winner: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if ws, _ := e.app.Winners.Winners(ctx, cid); len(ws) != 1 || ws[0].EntryID != ranking[0].ID || ws[0].Prize != "A camera" {
		t.Errorf("winners: %+v", ws)
	}

	// A final round by staff selection: the ticked entries become finalists.
	r3 := addRound(t, owner, cid, "Final", "final", "selection", "")
	owner.page("/admin/rounds/" + r3)
	if res, body := owner.post("/admin/rounds/"+r3+"/cut", url.Values{"action": {"preview"}, "pick": {in[0], in[2]}}); res.StatusCode != http.StatusOK || !strings.Contains(body, "Apply: 2 enter") {
		t.Fatalf("selection preview: %d", res.StatusCode)
	}
	if res, body := owner.post("/admin/rounds/"+r3+"/cut", url.Values{"action": {"apply"}, "pick": {in[0], in[2]}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("selection apply: %d %s", res.StatusCode, body)
	}
	for i, id := range in {
		if got, _ := e.app.Entries.Get(ctx, id); got.Finalist != (i != 1) {
			t.Errorf("finalist %s: %v", id, got.Finalist)
		}
	}

	// The CSV: a header and one row per sheet, the conflict marked.
	res, body = owner.page("/admin/rounds/" + r2 + "/scores.csv")
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if res.StatusCode != http.StatusOK || err != nil || len(recs) != 1+6 || recs[0][4] != "Creativity" {
		t.Fatalf("csv: %d %v %q", res.StatusCode, err, recs)
	}
	conflicts := 0
	for _, r := range recs[1:] {
		if r[3] == "true" {
			conflicts++
		}
	}
	if conflicts != 1 {
		t.Errorf("csv conflicts: %d", conflicts)
	}

	// A seeded draw among the live entries that have not won.
	owner.page("/admin/campaigns/" + cid + "/judging")
	res, body = owner.post("/admin/campaigns/"+cid+"/draws", url.Values{"prize": {"A T-shirt"}, "count": {"2"}, "place": {"10"}, "seed": {"lottery-7-12-33"}, "exclude_winners": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("draw: %d %s", res.StatusCode, body)
	}
	draws, _ := e.app.Judging.Draws(ctx, cid)
	if len(draws) != 1 || len(draws[0].Eligible) != 4 || slices.Contains(draws[0].Eligible, ranking[0].ID) || !draws[0].Verify() {
		t.Fatalf("draw: %+v", draws)
	}
	want := judging.Pick("lottery-7-12-33", draws[0].Eligible, 2)
	_, pub := e.get(http.DefaultClient, "/c/jury-cup/winners")
	if !strings.Contains(pub, "lottery-7-12-33") || !strings.Contains(pub, want[0]) || !strings.Contains(pub, draws[0].Eligible[3]) || !strings.Contains(pub, "A T-shirt") {
		t.Errorf("the winners page does not publish the draw")
	}
	if ws, _ := e.app.Winners.Winners(ctx, cid); len(ws) != 3 {
		t.Errorf("winners after the draw: %+v", ws)
	}

	// Everything was audited.
	log, _ := e.app.Audit.List(ctx, "", 200)
	var actions []string
	for _, r := range log {
		actions = append(actions, r.Action)
	}
	for _, a := range []string{"judging.setup", "round.add", "round.cut", "round.judges", "score.save", "score.conflict", "winner.set", "round.export", "draw.run"} {
		if !slices.Contains(actions, a) {
			t.Errorf("not audited: %s", a)
		}
	}
}

// matrixRounds adds two rounds to a campaign for the role matrix, the
// judge assigned to the first (the matrix may change the second's judges).
func (e *env) matrixRounds(t *testing.T, campaignID string) (string, string) {
	t.Helper()
	ctx := context.Background()
	var out []string
	for _, name := range []string{"Jury", "Final"} {
		r, err := e.app.Judging.AddRound(ctx, testActor, judging.Round{CampaignID: campaignID, Name: name, Kind: judging.Jury, Rule: judging.AllLive})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r.ID)
	}
	j, err := e.app.Staff.GetByEmail(ctx, "judge@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.app.Judging.Store.SetJudges(ctx, out[0], []string{j.ID}); err != nil {
		t.Fatal(err)
	}
	return out[0], out[1]
}
