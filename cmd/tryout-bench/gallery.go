package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tryout/tryout/internal/app"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/mongodb"
)

const (
	galleryEntries = 100_000
	loadWorkers    = 8
	loadDuration   = 10 * time.Second
)

// benchGallery puts 100k live entries in one campaign (straight into the
// embedded FerretDB), rebuilds the gallery read model from it with the
// product's own rebuild, then loads the real HTTP handler on loopback:
//
//   - gallery_rps: the gallery's first page (Discover with a fresh seed per
//     request, Top and Newest in turn) against a static file from the same
//     server, same load tool, same concurrency; p99 latency on the line, and
//     Discover alone (never from the page cache) as extra fields.
func benchGallery(ctx context.Context) error {
	work, err := os.MkdirTemp("", "tryout-bench-gallery-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	a, cleanup, err := benchApp(ctx, work, "g", "4", nil)
	if err != nil {
		return err
	}
	defer cleanup()

	now := time.Now().UTC()
	cp := campaigns.Campaign{ID: ids.New(campaigns.IDPrefix), Slug: "bench", Name: "Bench campaign", Description: "100k entries",
		EntryOpensAt: now.Add(-time.Hour), EntryClosesAt: now.Add(time.Hour), MaxFileBytes: 1 << 30, MaxDurationSeconds: 60,
		MaxEntriesPerEntrant: 1, RulesVersion: "1", ModerationMode: "review_all", CreatedAt: now}
	if err := a.Campaigns.Create(ctx, cp); err != nil {
		return err
	}
	start := time.Now()
	if err := seedLive(ctx, a, cp.ID, galleryEntries, now); err != nil {
		return err
	}
	seedSecs := time.Since(start).Seconds()
	start = time.Now()
	n, err := a.Entries.RebuildCampaign(ctx, cp.ID)
	if err != nil {
		return err
	}
	rebuildSecs := time.Since(start).Seconds()
	if n != galleryEntries {
		return fmt.Errorf("rebuild found %d live entries, want %d", n, galleryEntries)
	}

	base, stop, err := serveApp(a)
	if err != nil {
		return err
	}
	defer stop()

	pages := []string{"/c/bench/gallery", "/c/bench/gallery?sort=top", "/c/bench/gallery?sort=new"}
	for _, p := range pages { // warm up and check each page shows a full page of cards
		body, err := fetch(ctx, base+p)
		if err != nil {
			return err
		}
		if got := strings.Count(body, `class="entry-card"`); got != 24 {
			return fmt.Errorf("%s shows %d cards, want 24", p, got)
		}
	}
	get := func(url func(int) string) (loadResult, error) {
		return load(ctx, loadSpec{workers: loadWorkers, method: "GET", url: url})
	}
	static, err := get(func(int) string { return base + "/static/site.css" })
	if err != nil {
		return err
	}
	stopProfile, err := startProfile()
	if err != nil {
		return err
	}
	defer stopProfile()
	gallery, err := get(func(i int) string { return base + pages[i%len(pages)] })
	if err != nil {
		return err
	}
	// The worst case on its own: Discover pages with a new seed each, so
	// none comes from the page cache.
	discover, err := get(func(int) string { return base + pages[0] })
	if err != nil {
		return err
	}
	bench("gallery_rps", gallery.rps, "req/s", static.rps,
		fmt.Sprintf("p99_ms=%.1f", gallery.p99.Seconds()*1000), fmt.Sprintf("p50_ms=%.1f", gallery.p50.Seconds()*1000),
		fmt.Sprintf("baseline_p99_ms=%.1f", static.p99.Seconds()*1000), fmt.Sprintf("entries=%d", galleryEntries),
		fmt.Sprintf("discover_uncached_rps=%.0f", discover.rps), fmt.Sprintf("discover_uncached_p99_ms=%.1f", discover.p99.Seconds()*1000),
		fmt.Sprintf("concurrency=%d", loadWorkers), fmt.Sprintf("seed_s=%.1f", seedSecs), fmt.Sprintf("rebuild_s=%.1f", rebuildSecs))
	return nil
}

// seedLive inserts n live entries with published renditions, 1000 per
// insertMany.
func seedLive(ctx context.Context, a *app.App, campaignID string, n int, now time.Time) error {
	coll := a.DB.Collection(mongodb.Entries)
	names := []string{"Maya", "Jon", "Priya", "Luca", "Amara", "Kenji", "Sofia", "Omar"}
	for done := 0; done < n; {
		batch := make([]any, 0, 1000)
		for ; len(batch) < 1000 && done < n; done++ {
			id := ids.New("en_")
			at := now.Add(-time.Duration(n-done) * time.Second)
			prefix := "renditions/" + id + "/v1/"
			batch = append(batch, map[string]any{
				"_id": id, "campaign_id": campaignID, "entrant_id": "et_bench" + strconv.Itoa(done), "title": "Bench entry number " + strconv.Itoa(done),
				"description": "", "creator_name": names[done%len(names)], "status": "live",
				"history":  []map[string]any{{"from": "in_review", "to": "live", "reason": "", "at": at}},
				"original": map[string]any{"key": "originals/" + id, "size": 1, "content_type": "video/mp4", "filename": "a.mp4"},
				"renditions": map[string]any{"prefix": prefix, "master": prefix + "hls/master.m3u8", "fallback": prefix + "fallback.mp4",
					"poster": prefix + "poster.jpg", "sprite": prefix + "sprite.jpg", "sprite_vtt": prefix + "sprite.vtt", "preview": prefix + "preview.mp4"},
				"media":    map[string]any{"duration_s": 30.0, "width": 1280, "height": 720},
				"progress": 100, "views": int64(done % 997), "unique_viewers": int64(done % 500), "votes": int64((done * 7919) % 10007),
				"created_at": at, "updated_at": at,
			})
		}
		if _, err := coll.InsertMany(ctx, batch); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	return nil
}

func fetch(ctx context.Context, url string) (string, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		return "", fmt.Errorf("GET %s: %d", url, res.StatusCode)
	}
	return string(b), err
}
