package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tryout/tryout/config"
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
	redisAddr, s3 := os.Getenv("TRYOUT_TEST_REDIS_ADDR"), os.Getenv("TRYOUT_TEST_S3_ENDPOINT")
	if redisAddr == "" || s3 == "" {
		return errors.New("run through scripts/bench.sh (make bench), which starts Redis and MinIO")
	}
	work, err := os.MkdirTemp("", "tryout-bench-gallery-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	cfg, err := config.Load(func(k string) string {
		return map[string]string{
			"TRYOUT_DATA_DIR": filepath.Join(work, "data"), "TRYOUT_REDIS_ADDR": redisAddr, "TRYOUT_REDIS_DB": "4",
			"TRYOUT_S3_ENDPOINT": s3, "TRYOUT_S3_BUCKET_ORIGINALS": "bench-g-originals", "TRYOUT_S3_BUCKET_RENDITIONS": "bench-g-renditions",
			"TRYOUT_LOG_LEVEL": "warn",
		}[k]
	})
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), true)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	if err := a.Migrate(ctx); err != nil {
		return err
	}
	defer func() {
		for _, b := range []string{cfg.S3BucketOriginals, cfg.S3BucketRenditions} {
			_ = a.Blobs.RemoveBucket(context.Background(), b)
		}
		a.Redis.FlushDB(context.Background())
	}()
	a.Redis.FlushDB(ctx)

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

	h, err := a.Handler()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()

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
	static, err := load(ctx, func(int) string { return base + "/static/site.css" })
	if err != nil {
		return err
	}
	if path := os.Getenv("TRYOUT_BENCH_CPUPROFILE"); path != "" { // for finding where the time goes
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	gallery, err := load(ctx, func(i int) string { return base + pages[i%len(pages)] })
	if err != nil {
		return err
	}
	// The worst case on its own: Discover pages with a new seed each, so
	// none comes from the page cache.
	discover, err := load(ctx, func(int) string { return base + pages[0] })
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

type loadResult struct {
	rps      float64
	p50, p99 time.Duration
}

// load runs loadWorkers keep-alive clients for loadDuration, each request
// to url(i), and reports the rate of 200 responses and the latencies.
func load(ctx context.Context, url func(i int) string) (loadResult, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: loadWorkers, MaxConnsPerHost: loadWorkers}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var (
		mu   sync.Mutex
		lat  []time.Duration
		fail error
		wg   sync.WaitGroup
	)
	deadline := time.Now().Add(loadDuration)
	start := time.Now()
	for w := range loadWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for i := w; time.Now().Before(deadline) && ctx.Err() == nil; i += loadWorkers {
				t := time.Now()
				res, err := client.Get(url(i))
				if err == nil {
					_, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if err == nil && res.StatusCode != 200 {
						err = fmt.Errorf("status %d", res.StatusCode)
					}
				}
				if err != nil {
					mu.Lock()
					fail = err
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if fail != nil {
		return loadResult{}, fail
	}
	if len(lat) == 0 {
		return loadResult{}, errors.New("no requests completed")
	}
	slices.Sort(lat)
	return loadResult{rps: float64(len(lat)) / elapsed.Seconds(), p50: lat[len(lat)/2], p99: lat[len(lat)*99/100]}, nil
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
