package app_test

import (
	"bytes"
	"context"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/retention"
	"github.com/tryout/tryout/internal/votes"
)

// TestRetention: with the clock moved (never slept), a run deletes only
// what is due: originals after the campaign closed (a winner's kept, the
// renditions kept), every file of entries that never went live once
// settled (never one in review, never one that may still change while
// entries are open),
// and ballots' signal hashes past their days, leaving every total as it
// was. A second run finds nothing more; each run is recorded for owners.
func TestRetention(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	t0 := time.Now().UTC().Truncate(time.Millisecond)
	e.app.Now = func() time.Time { return t0 }
	e.createCampaign("ret-closed", t0.Add(-time.Hour), t0.Add(time.Hour), 50<<20, 60, map[string]any{
		"voting_opens_at": t0.Add(-time.Hour), "voting_closes_at": t0.Add(2 * time.Hour),
		"retain_originals_days": 10, "keep_winner_originals": true, "retain_unpublished_days": 5, "retain_signals_days": 7})
	e.createCampaign("ret-open", t0.Add(-time.Hour), t0.Add(60*24*time.Hour), 50<<20, 60)
	closed, _ := e.app.Campaigns.GetBySlug(ctx, "ret-closed")
	open, _ := e.app.Campaigns.GetBySlug(ctx, "ret-open")
	r := retentionEntries{e: e, t: t, at: t0}
	winner := r.entry(closed.ID, entries.Live)
	live := r.entry(closed.ID, entries.Live)
	rejected := r.entry(closed.ID, entries.Rejected)
	review := r.entry(closed.ID, entries.InReview)
	changes := r.entry(closed.ID, entries.NeedsChanges)
	openDraft := r.entry(open.ID, entries.NeedsChanges)
	openLive := r.entry(open.ID, entries.Live)
	if err := e.app.Winners.PutWinner(ctx, campaigns.Winner{CampaignID: closed.ID, EntryID: winner.ID, Place: 1, At: t0}); err != nil {
		t.Fatal(err)
	}
	old := r.ballot(closed.ID, live.ID, t0)
	recent := r.ballot(closed.ID, winner.ID, t0.Add(10*24*time.Hour))
	counts, _ := e.app.Ballots.Counts(ctx, closed.ID)

	// Three days on, nothing is due.
	run := r.runAt(t0.Add(3 * 24 * time.Hour))
	if run.OriginalsDeleted+run.MediaDeleted+run.ObjectsDeleted != 0 || run.SignalsExpired != 0 || len(run.Problems) > 0 {
		t.Errorf("nothing was due, yet: %+v", run)
	}
	// Eleven days on: originals (10 days after closing), never-live files
	// (5 days), signals (7 days).
	run = r.runAt(t0.Add(11 * 24 * time.Hour))
	if run.OriginalsDeleted != 2 || run.MediaDeleted != 2 || run.ObjectsDeleted != 2+2*2 || run.SignalsExpired != 1 || len(run.Problems) > 0 {
		t.Errorf("run: %+v", run)
	}
	r.want(winner, true, true)
	r.want(live, false, true)
	r.want(rejected, false, false)
	r.want(review, false, true) // the campaign is over: its original goes too, never its renditions
	r.want(changes, false, false)
	r.want(openDraft, true, true)
	r.want(openLive, true, true)
	if got, _ := e.app.Entries.Get(ctx, live.ID); got.OriginalDeletedAt.IsZero() || !got.MediaDeletedAt.IsZero() {
		t.Errorf("live entry after retention: %+v", got)
	}
	if got, _ := e.app.Entries.Get(ctx, rejected.ID); got.MediaDeletedAt.IsZero() || got.Renditions != nil {
		t.Errorf("rejected entry after retention: %+v", got)
	}
	bs, _ := e.app.Ballots.ByEntry(ctx, live.ID, 10)
	if len(bs) != 1 || bs[0].ID != old || bs[0].Signals.IPHash != "" || bs[0].Signals.Device != "" || bs[0].Discounted {
		t.Errorf("old ballot: %+v", bs)
	}
	bs, _ = e.app.Ballots.ByEntry(ctx, winner.ID, 10)
	if len(bs) != 1 || bs[0].ID != recent || bs[0].Signals.IPHash == "" {
		t.Errorf("recent ballot lost its signals: %+v", bs)
	}
	if after, _ := e.app.Ballots.Counts(ctx, closed.ID); !maps.Equal(after, counts) {
		t.Errorf("vote counts changed: %v, were %v", after, counts)
	}
	// Again: nothing more to do.
	if run = r.runAt(t0.Add(11*24*time.Hour + time.Hour)); run.OriginalsDeleted+run.MediaDeleted+run.ObjectsDeleted != 0 || run.SignalsExpired != 0 {
		t.Errorf("a second run deleted more: %+v", run)
	}
	// Owners see the runs.
	s := e.staffLogin(e.user, e.pass)
	if res, page := s.page("/admin/retention"); res.StatusCode != http.StatusOK || strings.Count(page, "<tr><td>") != 3 {
		t.Errorf("retention page: %d", res.StatusCode)
	}
}

type retentionEntries struct {
	e  *env
	t  *testing.T
	at time.Time
}

// entry stores an entry in a status, with an original and a rendition in
// storage.
func (r retentionEntries) entry(campaignID string, st entries.Status) entries.Entry {
	r.t.Helper()
	ctx := context.Background()
	en := entries.Entry{ID: ids.New(entries.IDPrefix), CampaignID: campaignID, Title: "Clip " + string(st), Status: st,
		History:   []entries.StatusChange{{To: entries.Received, At: r.at}, {From: entries.Received, To: st, At: r.at}},
		CreatedAt: r.at, UpdatedAt: r.at}
	en.Original = entries.Object{Key: entries.OriginalsPrefix(en) + "orig_1", Size: 4}
	en.Renditions = &entries.Renditions{Prefix: entries.RenditionsPrefix(en) + "orig_1/", Poster: entries.RenditionsPrefix(en) + "orig_1/poster.jpg"}
	if err := r.e.app.Entries.Create(ctx, en); err != nil {
		r.t.Fatal(err)
	}
	cfg := r.e.kit.Config
	for bucket, key := range map[string]string{cfg.S3BucketOriginals: en.Original.Key, cfg.S3BucketRenditions: en.Renditions.Poster} {
		if _, err := r.e.kit.Blobs.Put(ctx, bucket, key, bytes.NewReader([]byte("data")), 4, "application/octet-stream"); err != nil {
			r.t.Fatal(err)
		}
	}
	return en
}

func (r retentionEntries) ballot(campaignID, entryID string, at time.Time) string {
	r.t.Helper()
	b := votes.Ballot{ID: ids.New("bl_"), CampaignID: campaignID, EntryID: entryID, Voter: "d:" + ids.New(""), Period: at.Format("2006-01-02"), At: at,
		Signals: votes.Signals{IPHash: "iphash", SubnetHash: "subnet", Device: "device", UAFamily: "firefox"}}
	b.Key = entryID + "|" + b.Voter + "|" + b.Period
	if errs := r.e.app.Ballots.InsertMany(context.Background(), []votes.Ballot{b}); errs[0] != nil {
		r.t.Fatal(errs[0])
	}
	return b.ID
}

func (r retentionEntries) runAt(at time.Time) retention.Run {
	r.t.Helper()
	r.e.app.Now = func() time.Time { return at }
	got, err := r.e.app.Rights.Retention.Run(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	return got
}

// want checks whether the entry's original and rendition are still stored.
func (r retentionEntries) want(en entries.Entry, original, rendition bool) {
	r.t.Helper()
	cfg := r.e.kit.Config
	o, _ := r.e.kit.Blobs.List(context.Background(), cfg.S3BucketOriginals, en.Original.Key)
	p, _ := r.e.kit.Blobs.List(context.Background(), cfg.S3BucketRenditions, en.Renditions.Poster)
	if (len(o) == 1) != original || (len(p) == 1) != rendition {
		r.t.Errorf("%s (%s): original kept %v (want %v), rendition kept %v (want %v)", en.Title, en.ID, len(o) == 1, original, len(p) == 1, rendition)
	}
}
