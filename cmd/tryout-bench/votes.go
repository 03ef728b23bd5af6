package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/ids"
)

const (
	voteEntries = 100
	voteWorkers = 64
	voteRounds  = 5 // slices of the floor and the votes, taking turns
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
		// Every bench request comes from 127.0.0.1: the per-address limits,
		// challenge thresholds, voter cap and hold checks are still counted
		// and checked (the same script work, the played marker looked up)
		// but never bite.
		"TRYOUT_VOTE_LIMIT_PER_IP": "1000000000", "TRYOUT_VOTE_LIMIT_PER_NETWORK": "1000000000",
		"TRYOUT_VOTE_CHALLENGE_PER_IP": "1000000000", "TRYOUT_VOTE_CHALLENGE_VOTERS_PER_IP": "1000000000",
		"TRYOUT_VOTE_VOTER_CAP_PER_IP": "1000000000", "TRYOUT_VOTE_HOLD_NEW_DEVICES_PER_IP": "1000000000",
		"TRYOUT_VOTE_HOLD_NEW_DEVICES_PER_NETWORK": "1000000000", "TRYOUT_VOTE_HOLD_UNWATCHED_PER_IP": "1000000000",
		"TRYOUT_VOTE_HOLD_REGULAR_STREAK": "1000000000",
		"TRYOUT_VOTE_DRAIN_MAX_LAG":       "60s", // the product's default
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
	// The floor's voter records live in a Redis database of their own,
	// emptied once it is measured.
	floorOpts := *a.Redis.Options()
	floorOpts.DB = 7
	floorRedis := redis.NewClient(&floorOpts)
	defer floorRedis.Close()
	floor, stopFloor := floorVotes(floorRedis)
	defer stopFloor()
	floorBase, stopFloorServer, err := serveLoopback(floor)
	if err != nil {
		return err
	}
	defer stopFloorServer()
	noopLoad := loadSpec{workers: voteWorkers, method: "POST", url: func(int) string { return noopBase + "/noop" }}

	stopProfile, err := startProfile(".noop")
	if err != nil {
		return err
	}
	before, err := load(ctx, noopLoad)
	stopProfile()
	if err != nil {
		return err
	}
	floorLoad := loadSpec{workers: voteWorkers, method: "POST", url: func(i int) string { return floorBase + "/floor/" + strconv.Itoa(i%voteEntries) }}
	// Fans vote from the entry page: each vote carries the page's token,
	// served more than two seconds earlier (so none is challenged).
	pages := a.Pages()
	tokens := map[string]string{}
	for _, id := range targets {
		tokens[id] = pages.Token(id)
	}
	time.Sleep(2100 * time.Millisecond)
	var accepted atomic.Int64
	votes := loadSpec{workers: voteWorkers, method: "POST", created: &accepted,
		url:    func(i int) string { return base + "/api/entries/" + targets[i%len(targets)] + "/votes" },
		header: func(r *http.Request) { r.Header.Set("X-Page-Token", tokens[strings.Split(r.URL.Path, "/")[3]]) }}
	// The floor and the votes take turns in short slices (the order
	// alternating), so the machine's drift (it is shared) falls on both
	// alike; each is the sum of its slices.
	stopProfile, err = startProfile() // the vote load at full rate (and the floor's slices between)
	if err != nil {
		return err
	}
	var floorSlices, voteSlices []loadResult
	var redisUsed, scriptUsed time.Duration
	for round := range voteRounds {
		for turn := range 2 {
			spec := floorLoad
			if (round+turn)%2 == 1 {
				spec = votes
			}
			spec.for_ = loadDuration / voteRounds
			r0, s0 := redisCPU(ctx, a.Redis), scriptTime(ctx, a.Redis)
			res, err := load(ctx, spec)
			if err != nil {
				return err
			}
			if spec.created == nil {
				floorSlices = append(floorSlices, res)
			} else {
				voteSlices = append(voteSlices, res)
				redisUsed += redisCPU(ctx, a.Redis) - r0
				scriptUsed += scriptTime(ctx, a.Redis) - s0
			}
		}
	}
	stopProfile()
	if err := floorRedis.FlushDB(ctx).Err(); err != nil {
		return err
	}
	least, full := merge(floorSlices...), merge(voteSlices...)
	fullVotes := time.Duration(max(len(full.lat), 1))
	redisPerVote, scriptPerVote := redisUsed/fullVotes, scriptUsed/fullVotes
	votes.rate = full.rps / 2
	half, err := load(ctx, votes)
	if err != nil {
		return err
	}

	// Journaled ballots reach MongoDB in the background once voting
	// pauses: wait for the last.
	drainStart := time.Now()
	if err := a.DrainVotes(ctx); err != nil {
		return err
	}
	drainTook := time.Since(drainStart)
	// The machine's speed drifts over a run (it is shared): the baseline
	// is the mean of the no-op load before and after the vote loads.
	after, err := load(ctx, noopLoad)
	if err != nil {
		return err
	}
	baseline := (before.rps + after.rps) / 2
	bench("vote_rps", full.rps, "req/s", baseline, fmt.Sprintf("p99_ms=%.1f", full.p99.Seconds()*1000),
		fmt.Sprintf("p99_at_half_rate_ms=%.1f", half.p99.Seconds()*1000), fmt.Sprintf("half_rate_rps=%.0f", half.rps),
		fmt.Sprintf("concurrency=%d", voteWorkers), "voters=new_device_each",
		fmt.Sprintf("cpu_us=%.0f", full.cpu.Seconds()*1e6), fmt.Sprintf("redis_cpu_us=%.0f", redisPerVote.Seconds()*1e6),
		fmt.Sprintf("redis_script_us=%.1f", scriptPerVote.Seconds()*1e6),
		fmt.Sprintf("baseline_cpu_us=%.0f", before.cpu.Seconds()*1e6),
		fmt.Sprintf("baseline_before=%.0f", before.rps), fmt.Sprintf("baseline_after=%.0f", after.rps))
	bench("vote_floor_rps", least.rps, "req/s", baseline, fmt.Sprintf("p99_ms=%.1f", least.p99.Seconds()*1000),
		fmt.Sprintf("cpu_us=%.0f", least.cpu.Seconds()*1e6), "design=hsetnx_per_vote+xadd_per_batch",
		fmt.Sprintf("vote_ratio=%.3f", full.rps/least.rps), fmt.Sprintf("slices=%dx%.0fs_alternating", voteRounds, (loadDuration/voteRounds).Seconds()))
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

// scriptTime is the time Redis reports having spent running scripts
// (EVALSHA), which the floor's and the gate's calls both are.
func scriptTime(ctx context.Context, r *redis.Client) time.Duration {
	info, err := r.Info(ctx, "commandstats").Result()
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(info, "\r\n") {
		if rest, ok := strings.CutPrefix(line, "cmdstat_evalsha:"); ok {
			for _, f := range strings.Split(rest, ",") {
				if v, ok := strings.CutPrefix(f, "usec="); ok {
					n, _ := strconv.ParseInt(v, 10, 64)
					return time.Duration(n) * time.Microsecond
				}
			}
		}
	}
	return 0
}

// redisCPU is the CPU time (user and system) Redis reports having used.
func redisCPU(ctx context.Context, r *redis.Client) time.Duration {
	info, err := r.Info(ctx, "cpu").Result()
	if err != nil {
		return 0
	}
	var total float64
	for _, line := range strings.Split(info, "\r\n") {
		k, v, _ := strings.Cut(line, ":")
		if k == "used_cpu_sys" || k == "used_cpu_user" {
			f, _ := strconv.ParseFloat(v, 64)
			total += f
		}
	}
	return time.Duration(total * float64(time.Second))
}
