package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

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
//     (must be exactly 1), with the 201s the clients got, after the drain
//     has moved every journaled ballot (how long that took is shown).
//
// The drain runs as the product configures it (TRYOUT_VOTE_DRAIN_MAX_LAG,
// 60 s): it waits while votes pour in. Set TRYOUT_VOTE_DRAIN_MAX_LAG=0 to
// measure with the drain inserting into the embedded FerretDB during the
// load, on the same cores.
func benchVotes(ctx context.Context) error {
	work, err := os.MkdirTemp("", "tryout-bench-votes-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	cfg := map[string]string{
		// Every bench request comes from 127.0.0.1: the per-address limits
		// and challenge thresholds are still counted but never bite.
		"TRYOUT_VOTE_LIMIT_PER_IP": "1000000000", "TRYOUT_VOTE_LIMIT_PER_NETWORK": "1000000000",
		"TRYOUT_VOTE_CHALLENGE_PER_IP": "1000000000", "TRYOUT_VOTE_CHALLENGE_VOTERS_PER_IP": "1000000000",
		"TRYOUT_VOTE_DRAIN_MAX_LAG": "60s", // the product's default
	}
	if lag := os.Getenv("TRYOUT_VOTE_DRAIN_MAX_LAG"); lag != "" { // 0: drain while voting
		cfg["TRYOUT_VOTE_DRAIN_MAX_LAG"] = lag
	}
	a, cleanup, err := benchApp(ctx, work, "v", "5", cfg)
	if err != nil {
		return err
	}
	defer cleanup()
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

	base, stop, err := serveApp(a)
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

	baseline, err := load(ctx, loadSpec{workers: voteWorkers, method: "POST", url: func(int) string { return noopBase + "/noop" }})
	if err != nil {
		return err
	}
	// Fans vote from the entry page: each vote carries the page's token,
	// served more than two seconds earlier (so none is challenged).
	pages := a.Pages()
	tokens := map[string]string{}
	for _, id := range targets {
		tokens[id] = pages.Token(id)
	}
	time.Sleep(2100 * time.Millisecond)
	stopProfile, err := startProfile() // the two vote loads only
	if err != nil {
		return err
	}
	var accepted atomic.Int64
	votes := loadSpec{workers: voteWorkers, method: "POST", created: &accepted,
		url:    func(i int) string { return base + "/api/entries/" + targets[i%len(targets)] + "/votes" },
		header: func(r *http.Request) { r.Header.Set("X-Page-Token", tokens[strings.Split(r.URL.Path, "/")[3]]) }}
	full, err := load(ctx, votes)
	if err != nil {
		stopProfile()
		return err
	}
	votes.rate = full.rps / 2
	half, err := load(ctx, votes)
	stopProfile()
	if err != nil {
		return err
	}
	bench("vote_rps", full.rps, "req/s", baseline.rps, fmt.Sprintf("p99_ms=%.1f", full.p99.Seconds()*1000),
		fmt.Sprintf("p99_at_half_rate_ms=%.1f", half.p99.Seconds()*1000), fmt.Sprintf("half_rate_rps=%.0f", half.rps),
		fmt.Sprintf("concurrency=%d", voteWorkers), "voters=new_device_each")

	// Journaled ballots reach MongoDB in the background: wait for the last.
	drainStart := time.Now()
	if err := a.DrainVotes(ctx); err != nil {
		return err
	}
	drainTook := time.Since(drainStart)
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
	bench("vote_exact", float64(ballots), "ballots", float64(displayed), fmt.Sprintf("acknowledged=%d", accepted.Load()),
		fmt.Sprintf("design=%s", a.VoteDesign()), "drain_max_lag="+cfg["TRYOUT_VOTE_DRAIN_MAX_LAG"], fmt.Sprintf("drain_after_load_s=%.1f", drainTook.Seconds()))
	return nil
}
