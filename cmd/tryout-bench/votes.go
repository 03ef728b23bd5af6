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
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/config"
	"github.com/tryout/tryout/internal/app"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/ids"
)

const (
	voteEntries = 100
	voteWorkers = 64
)

// benchVotes loads the real vote endpoint (in-process handler on loopback,
// embedded FerretDB, Redis) with new voters (no cookies: every request is
// a new device):
//
//   - vote_rps: the most votes per second 64 keep-alive clients get, against
//     a no-op gin handler under the same load tool; then p99 latency at
//     half that rate, on the same line;
//   - vote_exact: ballots in MongoDB against the total the gallery shows
//     (must be exactly 1), with the 201s the clients got.
func benchVotes(ctx context.Context) error {
	redisAddr, s3 := os.Getenv("TRYOUT_TEST_REDIS_ADDR"), os.Getenv("TRYOUT_TEST_S3_ENDPOINT")
	if redisAddr == "" || s3 == "" {
		return errors.New("run through scripts/bench.sh (make bench), which starts Redis and MinIO")
	}
	work, err := os.MkdirTemp("", "tryout-bench-votes-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	cfg, err := config.Load(func(k string) string {
		return map[string]string{
			"TRYOUT_DATA_DIR": filepath.Join(work, "data"), "TRYOUT_REDIS_ADDR": redisAddr, "TRYOUT_REDIS_DB": "5",
			"TRYOUT_S3_ENDPOINT": s3, "TRYOUT_S3_BUCKET_ORIGINALS": "bench-v-originals", "TRYOUT_S3_BUCKET_RENDITIONS": "bench-v-renditions",
			"TRYOUT_LOG_LEVEL": "warn",
			// Every bench request comes from 127.0.0.1: the per-address
			// limits still run (a Redis call each) but never refuse.
			"TRYOUT_VOTE_LIMIT_PER_IP": "1000000000", "TRYOUT_VOTE_LIMIT_PER_NETWORK": "1000000000",
			"TRYOUT_VOTE_CHALLENGE_PER_IP": "1000000000", "TRYOUT_VOTE_CHALLENGE_VOTERS_PER_IP": "1000000000",
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
	cp := campaigns.Campaign{ID: ids.New(campaigns.IDPrefix), Slug: "vote-bench", Name: "Vote bench", EntryOpensAt: now.Add(-time.Hour),
		EntryClosesAt: now.Add(time.Hour), MaxFileBytes: 1 << 30, MaxDurationSeconds: 60, MaxEntriesPerEntrant: 1, RulesVersion: "1",
		ModerationMode: "review_all", VotingOpensAt: now.Add(-time.Hour), VotingClosesAt: now.Add(24 * time.Hour), CreatedAt: now}
	if err := a.Campaigns.Create(ctx, cp); err != nil {
		return err
	}
	if err := seedLive(ctx, a, cp.ID, voteEntries, now); err != nil {
		return err
	}
	if _, err := a.Entries.RebuildCampaign(ctx, cp.ID); err != nil {
		return err
	}
	// Seeded records carry made-up vote counts: start the counters at zero.
	if _, err := a.ReconcileVotes(ctx, cp.ID); err != nil {
		return err
	}
	entryIDs, err := a.Gallery.Votes(ctx, cp.ID)
	if err != nil {
		return err
	}
	var targets []string
	for id := range entryIDs {
		targets = append(targets, id)
	}
	slices.Sort(targets)

	h, err := a.Handler()
	if err != nil {
		return err
	}
	base, stop, err := serveLoopback(h)
	if err != nil {
		return err
	}
	defer stop()
	gin.SetMode(gin.ReleaseMode)
	noop := gin.New()
	noop.POST("/noop", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	noopBase, stopNoop, err := serveLoopback(noop)
	if err != nil {
		return err
	}
	defer stopNoop()

	baseline, err := loadPost(ctx, 0, func(int) string { return noopBase + "/noop" }, nil, func(string) string { return "x" })
	if err != nil {
		return err
	}
	if path := os.Getenv("TRYOUT_BENCH_CPUPROFILE"); path != "" {
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
	// Fans vote from the entry page: each vote carries the page's token,
	// served more than two seconds earlier (so none is challenged).
	pages := a.Pages()
	tokens := map[string]string{}
	for _, id := range targets {
		tokens[id] = pages.Token(id)
	}
	time.Sleep(2100 * time.Millisecond)
	var accepted atomic.Int64
	url := func(i int) string { return base + "/api/entries/" + targets[i%len(targets)] + "/votes" }
	pageOf := func(u string) string { return tokens[u[len(base)+len("/api/entries/"):len(u)-len("/votes")]] }
	full, err := loadPost(ctx, 0, url, &accepted, pageOf)
	if err != nil {
		return err
	}
	half, err := loadPost(ctx, full.rps/2, url, &accepted, pageOf)
	if err != nil {
		return err
	}
	bench("vote_rps", full.rps, "req/s", baseline.rps, fmt.Sprintf("p99_ms=%.1f", full.p99.Seconds()*1000),
		fmt.Sprintf("p99_at_half_rate_ms=%.1f", half.p99.Seconds()*1000), fmt.Sprintf("half_rate_rps=%.0f", half.rps),
		fmt.Sprintf("concurrency=%d", voteWorkers), "voters=new_device_each")

	counts, err := a.Ballots.Counts(ctx, cp.ID)
	if err != nil {
		return err
	}
	shown, err := a.Gallery.Votes(ctx, cp.ID)
	if err != nil {
		return err
	}
	var ballots, displayed int64
	for _, n := range counts {
		ballots += n
	}
	for _, n := range shown {
		displayed += n
	}
	bench("vote_exact", float64(ballots), "ballots", float64(displayed), fmt.Sprintf("acknowledged=%d", accepted.Load()))
	return nil
}

// serveLoopback serves h on a free loopback port.
func serveLoopback(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// loadPost is load with POSTs and no cookies; rate > 0 paces the clients
// to that many requests per second in total. Every answer must be 2xx;
// created counts the 201s.
func loadPost(ctx context.Context, rate float64, url func(i int) string, created *atomic.Int64, pageToken func(url string) string) (loadResult, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: voteWorkers, MaxConnsPerHost: voteWorkers}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var (
		mu   sync.Mutex
		lat  []time.Duration
		fail error
		wg   sync.WaitGroup
	)
	var interval time.Duration
	if rate > 0 {
		interval = time.Duration(float64(time.Second) * voteWorkers / rate)
	}
	start := time.Now()
	deadline := start.Add(loadDuration)
	for w := range voteWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			next := time.Now()
			for i := w; time.Now().Before(deadline) && ctx.Err() == nil; i += voteWorkers {
				if interval > 0 {
					if d := time.Until(next); d > 0 {
						time.Sleep(d)
					}
					next = next.Add(interval)
				}
				t := time.Now()
				req, _ := http.NewRequestWithContext(ctx, "POST", url(i), nil)
				req.Header.Set("X-Page-Token", pageToken(url(i)))
				res, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if err == nil && res.StatusCode/100 != 2 {
						err = fmt.Errorf("POST %s: status %d", url(i), res.StatusCode)
					}
					if err == nil && res.StatusCode == http.StatusCreated && created != nil {
						created.Add(1)
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
