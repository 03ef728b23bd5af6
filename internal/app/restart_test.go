package app_test

import (
	"context"
	"net/http"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tryout/tryout/internal/testkit"
)

// voteLoad sends votes for targets from new voters (one per request) with
// workers goroutines until stop is called or limit votes were sent; it
// counts the 201s. Two votes in seven come from a browser that reports
// automation (navigator.webdriver), so it is held for review.
type voteLoad struct {
	acked, sent atomic.Int64
	stopped     chan struct{}
	wg          sync.WaitGroup
}

func startVoteLoad(base string, targets []string, tokens map[string]string, workers, limit int) *voteLoad {
	l := &voteLoad{stopped: make(chan struct{})}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	for w := range workers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for i := w; i < limit; i += workers {
				select {
				case <-l.stopped:
					return
				default:
				}
				entry := targets[i%len(targets)]
				l.sent.Add(1)
				req, _ := http.NewRequest("POST", base+"/api/entries/"+entry+"/votes", nil)
				req.Header.Set("X-Page-Token", tokens[entry])
				if i%7 < 2 {
					req.Header.Set("X-Webdriver", "1")
				}
				res, err := client.Do(req)
				if err != nil {
					continue
				}
				res.Body.Close()
				if res.StatusCode == http.StatusCreated {
					l.acked.Add(1)
				}
			}
		}()
	}
	return l
}

// waitAcked waits (bounded) until n votes were acknowledged.
func (l *voteLoad) waitAcked(t *testing.T, n int64) {
	t.Helper()
	for i := 0; l.acked.Load() < n; i++ {
		if i == 1200 {
			t.Fatalf("only %d of %d votes acknowledged", l.acked.Load(), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (l *voteLoad) stop() {
	close(l.stopped)
	l.wg.Wait()
}

// TestShownTotalsExactAfterRestartRebuildAndRedisLoss: `tryout dev` takes
// votes and is stopped mid-load, once cleanly (SIGTERM) and once with
// SIGKILL. The moment the restarted process is ready, every total the
// gallery shows equals the ballots in MongoDB plus those in the journal
// that count in public, and every held count the ballots held (two in seven of
// the votes come from an automation browser and are held).
// Then `tryout gallery rebuild` runs against the live process, and then
// Redis loses everything: both times the shown totals equal the ballots
// again (after a loss, as soon as the watcher has rebuilt the galleries).
func TestShownTotalsExactAfterRestartRebuildAndRedisLoss(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the tryout binary")
	}
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	e.createCampaign("restart-vote", now.Add(-2*time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(time.Hour)})
	cid := campaignID(t, e, "restart-vote")
	var targets []string
	for _, title := range []string{"One", "Two", "Three"} {
		targets = append(targets, e.liveEntry(t, "restart-vote", title, "").ID)
	}
	env := append(e.kit.Env(), "TRYOUT_LOG_LEVEL=warn", "TRYOUT_DATA_DIR="+t.TempDir(),
		"TRYOUT_VOTE_LIMIT_PER_IP=1000000", "TRYOUT_VOTE_LIMIT_PER_NETWORK=1000000",
		// One client address plays every voter: no proof-of-work challenges,
		// no voter cap, and only the automation check holds votes.
		"TRYOUT_VOTE_CHALLENGE_PER_IP=1000000", "TRYOUT_VOTE_CHALLENGE_VOTERS_PER_IP=1000000",
		"TRYOUT_VOTE_VOTER_CAP_PER_IP=0", "TRYOUT_VOTE_HOLD_NEW_DEVICES_PER_IP=0", "TRYOUT_VOTE_HOLD_NEW_DEVICES_PER_NETWORK=0",
		"TRYOUT_VOTE_HOLD_UNWATCHED_PER_IP=0", "TRYOUT_VOTE_HOLD_REGULAR_STREAK=0",
		"TRYOUT_GALLERY_CHECK_INTERVAL=200ms")
	ctx := context.Background()
	exact := func(when string) {
		t.Helper()
		truth, err := e.app.VoteTruth(ctx, cid)
		if err != nil {
			t.Fatal(err)
		}
		totals, err := e.app.VoteTotals(ctx, cid)
		if err != nil {
			t.Fatal(err)
		}
		held, err := e.app.Votes.Held(ctx, cid, targets...)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range targets {
			if held[id].Total != totals.Held[id].Total || held[id].Total == 0 || held[id].ByCheck["automation"] != held[id].Total {
				t.Errorf("%s: %s shows %d held (%v), ballots held %d", when, id, held[id].Total, held[id].ByCheck, totals.Held[id].Total)
			}
		}
		shown, err := e.app.Gallery.Votes(ctx, cid)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range targets {
			card, _, _ := e.app.Gallery.Card(ctx, id)
			if card.Votes != truth[id] {
				t.Errorf("%s: card of %s shows %d votes, ballots %d", when, id, card.Votes, truth[id])
			}
			if _, ok := truth[id]; !ok {
				truth[id] = 0
			}
		}
		if d := cmp.Diff(truth, shown); d != "" {
			t.Errorf("%s: shown totals (+) differ from ballots (-):\n%s", when, d)
		}
	}

	p := testkit.StartProc(t, "dev", env, "dev")
	total := int64(0)
	for round, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		// Votes sooner than 2 s after the page are challenged: the process
		// shares the test's session secret, so the test signs tokens for a
		// page served a minute ago instead of waiting.
		tokens := map[string]string{}
		for _, id := range targets {
			tokens[id] = e.pageToken(id)
		}
		load := startVoteLoad(p.Base, targets, tokens, 8, 20000)
		load.waitAcked(t, 150)
		p.Signal(sig)
		load.stop()
		total += load.acked.Load()
		p = testkit.StartProc(t, "dev", env, "dev")
		exact(map[int]string{0: "after a clean restart", 1: "after SIGKILL and restart"}[round])
	}
	rebuild := exec.Command(testkit.Binary(t), "gallery", "rebuild")
	rebuild.Env = env
	if out, err := rebuild.CombinedOutput(); err != nil {
		t.Fatalf("gallery rebuild: %v\n%s", err, out)
	}
	exact("after `tryout gallery rebuild`")

	// Redis loses its data: the journal goes with it, so drain it first
	// (what a loss takes away is not the point here); the running process
	// notices and rebuilds.
	if err := e.app.DrainVotes(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.kit.Redis.FlushDB(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		if n, _ := e.kit.Redis.Exists(ctx, "gallery:built").Result(); n == 1 {
			break
		}
		if i == 600 {
			t.Fatal("the galleries were not rebuilt within a minute of Redis losing its data")
		}
		time.Sleep(100 * time.Millisecond)
	}
	exact("after Redis lost its data")
	t.Logf("%d votes acknowledged over two restarts", total)
}
