package app_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/rights"
	"github.com/tryout/tryout/internal/testkit"
)

// TestAccountDeletion: an entrant with a processed, captioned, live entry,
// votes, a reply and a share link deletes their account from the emailed
// link. The deletion task fails once midway (as after a crash) and the
// retry finishes it: every object under the entry's prefixes is gone
// (listed before and after), another entrant's files and totals are
// untouched, the votes they cast still count anonymously, no collection
// holds their address, title or words, the audit says only that a
// deletion happened, their session is over, and the address can sign up
// again, fresh.
func TestAccountDeletion(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var failures atomic.Int32
	e.app.Rights.Deleter.BeforeStep = func(_ context.Context, step string) error {
		if step == "messages" && failures.Add(1) == 1 {
			return errors.New("worker killed") // the first attempt stops here
		}
		return nil
	}
	e.startWorker()
	ctx := context.Background()
	now := time.Now()
	c := e.createCampaign("delete-me", now.Add(-time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(48 * time.Hour)})
	bo := e.liveEntry(t, "delete-me", "Bo's clip", "Bo")
	planted := "entries/" + bo.ID + "/v1/poster.jpg" // someone else's file: must stay
	if _, err := e.kit.Blobs.Put(ctx, e.kit.Config.S3BucketRenditions, planted, bytes.NewReader([]byte("jpeg")), 4, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	const email = "ana-delete@example.com"
	ana := e.signIn(email)
	video := readFile(t, testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 4, Width: 320, Height: 240, Audio: true}))
	var created map[string]any
	if res := e.upload(ana, c.Slug, append(consents(), part{name: "title", content: "Ana's last clip"}, part{name: "file", filename: "last.mp4", content: video}), &created); res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %v", res.StatusCode, created)
	}
	id := created["id"].(string)
	e.waitStatus(ana, id, "in_review")
	req, _ := http.NewRequest("PUT", e.srv.URL+"/api/entries/"+id+"/captions", strings.NewReader("WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n"))
	if res := e.doWith(ana, req, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("captions: %d", res.StatusCode)
	}
	mine, _ := e.app.Entries.Get(ctx, id)
	if _, err := entries.Move(ctx, e.app.Entries, mine, entries.Live, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	who, _ := e.app.Entrants.GetOrCreate(ctx, entrants.Entrant{Email: email})

	// Votes: Ana for Bo, a fan for Bo and for Ana.
	vote := func(c *http.Client, entryID string) {
		t.Helper()
		r := e.jsonReq("POST", "/api/entries/"+entryID+"/votes", nil)
		r.Header.Set("X-Page-Token", e.pageToken(entryID))
		if res := e.doWith(c, r, nil); res.StatusCode != http.StatusCreated {
			t.Fatalf("vote for %s: %d", entryID, res.StatusCode)
		}
	}
	fan := jar()
	vote(ana, bo.ID)
	vote(fan, bo.ID)
	vote(fan, id)
	e.drainVotes(t)
	var inbox struct{ Messages []struct{ ID string } }
	e.doWith(ana, e.jsonReq("GET", "/api/me/messages", nil), &inbox)
	if len(inbox.Messages) == 0 {
		t.Fatal("no message")
	}
	e.doWith(ana, e.jsonReq("POST", "/api/me/messages/"+inbox.Messages[0].ID+"/replies", map[string]any{"text": "Ana's secret reply"}), nil)
	e.doWith(ana, e.jsonReq("POST", "/api/entries/"+bo.ID+"/share-links", nil), nil)

	before := e.objects(t, c.ID, id)
	for _, want := range []string{"/hls/master.m3u8", "/poster.jpg", "/sprite.jpg", "/sprite.vtt", "/preview.mp4", "/captions.vtt", "/orig_"} {
		if !slices.ContainsFunc(before, func(k string) bool { return strings.Contains(k, want) }) {
			t.Errorf("before: no %s among %v", want, before)
		}
	}
	boVotes, _ := e.app.Gallery.Votes(ctx, c.ID)
	if boVotes[bo.ID] != 2 {
		t.Fatalf("Bo's votes before: %v", boVotes)
	}

	// Ask, open the emailed link (which deletes nothing), confirm.
	var asked map[string]any
	if res := e.doWith(ana, e.jsonReq("POST", "/api/me/deletion", nil), &asked); res.StatusCode != http.StatusAccepted || !strings.Contains(asked["message"].(string), email) {
		t.Fatalf("ask: %d %v", res.StatusCode, asked)
	}
	link := e.outboxLink(t, email, mail.KindAccount)
	res, page := e.get(jar(), strings.TrimPrefix(link, e.srv.URL))
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "Delete my account") || !strings.Contains(page, "cannot be undone") {
		t.Fatalf("confirm page: %d", res.StatusCode)
	}
	if _, err := e.app.Rights.Deletions.Get(ctx, who.ID); !errors.Is(err, rights.ErrNotFound) {
		t.Fatalf("opening the link started a deletion: %v", err)
	}
	token, _ := url.Parse(link)
	res, err := ana.PostForm(e.srv.URL+"/account/delete", url.Values{"token": {token.Query().Get("token")}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("confirm: %d", res.StatusCode)
	}
	if res, _ := ana.PostForm(e.srv.URL+"/account/delete", url.Values{"token": {token.Query().Get("token")}}); res.StatusCode != http.StatusConflict {
		t.Errorf("the link worked twice: %d", res.StatusCode)
	}
	rec := e.waitDeleted(t, who.ID)
	if rec.Attempts != 1 || len(rec.Steps) != len(e.app.Rights.Deleter.Steps()) || rec.Anon != "" {
		t.Errorf("deletion record after a failed first attempt: %+v", rec)
	}
	if err := e.app.Rights.Deleter.Run(ctx, who.ID); err != nil {
		t.Errorf("running a finished deletion again: %v", err)
	}

	// Every object of the entry is gone; Bo's file stays.
	if after := e.objects(t, c.ID, id); len(after) != 0 {
		t.Errorf("objects left after deletion: %v", after)
	}
	if keys, _ := e.kit.Blobs.List(ctx, e.kit.Config.S3BucketRenditions, planted); len(keys) != 1 {
		t.Errorf("another entrant's file was deleted")
	}
	// Out of the gallery; everyone else's totals unchanged, before and after a reconcile.
	if _, ok, _ := e.app.Gallery.Card(ctx, id); ok {
		t.Error("the entry is still in the gallery")
	}
	got, _ := e.app.Entries.Get(ctx, id)
	if got.Status != entries.Withdrawn || !got.Erased || got.Title != "" || got.Original.Key != "" || len(got.Consents) != 0 {
		t.Errorf("entry after deletion: %+v", got)
	}
	if v, _ := e.app.Gallery.Votes(ctx, c.ID); v[bo.ID] != 2 {
		t.Errorf("Bo's votes after deletion: %v", v)
	}
	if _, err := e.app.ReconcileVotes(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if v, _ := e.app.Gallery.Votes(ctx, c.ID); v[bo.ID] != 2 {
		t.Errorf("Bo's votes after reconcile: %v", v)
	}
	ballots, _ := e.app.Ballots.ByEntry(ctx, bo.ID, 10)
	anon := 0
	for _, b := range ballots {
		if b.Voter == "e:"+who.ID {
			t.Errorf("a ballot still names the deleted voter: %+v", b)
		}
		if strings.HasPrefix(b.Voter, "x:anon_") && !b.Discounted && b.Signals.IPHash == "" && !strings.Contains(b.Key, who.ID) {
			anon++
		}
	}
	if anon != 1 {
		t.Errorf("want Ana's vote kept as one anonymous counted ballot: %+v", ballots)
	}
	e.assertNowhere(t, email, "Ana's last clip", "Ana's secret reply", "last.mp4")

	// The audit says a deletion happened, not what.
	recs, _ := e.app.Audit.List(ctx, who.ID, 10)
	var actions []string
	for _, r := range recs {
		actions = append(actions, r.Action)
		if len(r.Before)+len(r.After) > 0 {
			t.Errorf("the audit keeps details: %+v", r)
		}
	}
	if !slices.Contains(actions, "entrant.delete_requested") || !slices.Contains(actions, "entrant.deleted") {
		t.Errorf("audit: %v", actions)
	}
	// The old session is over; the address signs up again, fresh.
	if res := e.doWith(ana, e.jsonReq("GET", "/api/me", nil), nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("old session after deletion: %d", res.StatusCode)
	}
	again := e.signIn(email)
	var me struct{ ID, Email string }
	e.doWith(again, e.jsonReq("GET", "/api/me", nil), &me)
	var list struct{ Entries []any }
	e.doWith(again, e.jsonReq("GET", "/api/me/entries", nil), &list)
	if me.Email != email || me.ID == who.ID || len(list.Entries) != 0 {
		t.Errorf("signing up again: %+v, %d entries", me, len(list.Entries))
	}
}

// objects lists every stored object under an entry's prefixes, and any
// unfinished upload there.
func (e *env) objects(t *testing.T, campaignID, entryID string) []string {
	t.Helper()
	ctx := context.Background()
	en := entries.Entry{ID: entryID, CampaignID: campaignID}
	orig, err := e.kit.Blobs.List(ctx, e.kit.Config.S3BucketOriginals, entries.OriginalsPrefix(en))
	if err != nil {
		t.Fatal(err)
	}
	rend, err := e.kit.Blobs.List(ctx, e.kit.Config.S3BucketRenditions, entries.RenditionsPrefix(en))
	if err != nil {
		t.Fatal(err)
	}
	pending, err := e.kit.Blobs.ListPending(ctx, e.kit.Config.S3BucketOriginals, "")
	if err != nil {
		t.Fatal(err)
	}
	out := append(orig, rend...)
	for _, p := range pending {
		if strings.HasPrefix(p.Key, entries.OriginalsPrefix(en)) {
			out = append(out, "pending:"+p.Key)
		}
	}
	return out
}

// outboxLink is the link in the newest message of kind to the address.
func (e *env) outboxLink(t *testing.T, to string, kind mail.Kind) string {
	t.Helper()
	return strings.Replace(e.outboxMessage(t, to, kind).Link, e.app.Cfg.PublicURL, e.srv.URL, 1)
}

// waitDeleted waits for the worker to finish a deletion (a hang guard;
// the first attempt fails and asynq retries after a few seconds).
func (e *env) waitDeleted(t *testing.T, entrantID string) rights.Deletion {
	t.Helper()
	var rec rights.Deletion
	for i := 0; i < 1200; i++ {
		var err error
		if rec, err = e.app.Rights.Deletions.Get(context.Background(), entrantID); err == nil && rec.Status == rights.Done {
			return rec
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the deletion never finished: %+v", rec)
	return rec
}

// assertNowhere scans every document of every collection for the strings.
func (e *env) assertNowhere(t *testing.T, needles ...string) {
	t.Helper()
	ctx := context.Background()
	names, err := e.app.DB.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		cur, err := e.app.DB.Collection(n).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		for cur.Next(ctx) {
			doc := cur.Current.String()
			for _, s := range needles {
				if strings.Contains(doc, s) || strings.Contains(doc, strings.ReplaceAll(s, "'", `\u0027`)) {
					t.Errorf("%s still holds %q: %.300s", n, s, doc)
				}
			}
		}
		cur.Close(ctx)
	}
}
