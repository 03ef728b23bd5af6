package app_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/testkit"
	"github.com/tryout/tryout/internal/webauth"
)

// TestServeKilledDuringVotingLosesNoAcknowledgedBallot: the real `tryout
// serve` binary takes a vote load and is killed with SIGKILL in the middle
// of it. Afterwards (once the journal is drained) every vote that got a
// 201 has its ballot in MongoDB,
// no voter has two ballots for one entry, and reconcile makes the totals
// equal the ballots.
func TestServeKilledDuringVotingLosesNoAcknowledgedBallot(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the serve binary")
	}
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	e.createCampaign("crash-vote", now.Add(-2*time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(time.Hour)})
	var targets []string
	for _, title := range []string{"One", "Two", "Three", "Four"} {
		targets = append(targets, e.liveEntry(t, "crash-vote", title, "").ID)
	}
	cmd := testkit.StartProc(t, "serve", append(e.kit.Env(), "TRYOUT_LOG_LEVEL=error",
		"TRYOUT_VOTE_LIMIT_PER_IP=1000000", "TRYOUT_VOTE_LIMIT_PER_NETWORK=1000000", "TRYOUT_DATA_DIR="+t.TempDir(),
		// One client address plays every voter: no proof-of-work challenges.
		"TRYOUT_VOTE_CHALLENGE_PER_IP=1000000", "TRYOUT_VOTE_CHALLENGE_VOTERS_PER_IP=1000000",
		// ... and no cap or hold check stops or holds its votes.
		"TRYOUT_VOTE_VOTER_CAP_PER_IP=0", "TRYOUT_VOTE_HOLD_NEW_DEVICES_PER_IP=0", "TRYOUT_VOTE_HOLD_NEW_DEVICES_PER_NETWORK=0",
		"TRYOUT_VOTE_HOLD_UNWATCHED_PER_IP=0", "TRYOUT_VOTE_HOLD_REGULAR_STREAK=0"), "serve")
	base := cmd.Base

	// Each entry page carries a page-view token; votes sent with one more
	// than two seconds old are not challenged. The process shares the
	// test's session secret, so the test signs tokens for a page served a
	// minute ago instead of waiting.
	pageTokens := map[string]string{}
	for _, id := range targets {
		pageTokens[id] = e.pageToken(id)
	}

	type ack struct{ entry, voter string }
	var (
		mu    sync.Mutex
		acked []ack
		sent  atomic.Int64
		wg    sync.WaitGroup
	)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	stop := make(chan struct{})
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < 100000; i += 16 { // bounded; the kill ends it long before
				select {
				case <-stop:
					return
				default:
				}
				entry := targets[i%len(targets)]
				sent.Add(1)
				req, _ := http.NewRequest("POST", base+"/api/entries/"+entry+"/votes", nil)
				req.Header.Set("X-Page-Token", pageTokens[entry])
				res, err := client.Do(req)
				if err != nil {
					continue // killed mid-request: not acknowledged, may or may not be written
				}
				res.Body.Close()
				if res.StatusCode == http.StatusCreated {
					for _, ck := range res.Cookies() {
						if ck.Name == webauth.DeviceCookie {
							mu.Lock()
							acked = append(acked, ack{entry, "d:" + ck.Value})
							mu.Unlock()
						}
					}
				}
			}
		}()
	}
	for i := 0; ; i++ { // let a few hundred votes through, then kill
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 300 || i == 600 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Signal(syscall.SIGKILL)
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	if len(acked) < 100 {
		t.Fatalf("only %d votes were acknowledged before the kill", len(acked))
	}

	ctx := context.Background()
	// Acknowledged ballots are durable in the Redis journal; they reach
	// MongoDB when a drain runs (this test's app runs one).
	if err := e.app.DrainVotes(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("vote design: %s", e.app.VoteDesign())
	ballots := e.app.DB.Collection("ballots")
	for _, a := range acked {
		n, err := ballots.CountDocuments(ctx, map[string]any{"entry_id": a.entry, "voter": a.voter})
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("acknowledged vote of %s for %s has %d ballots, want 1", a.voter, a.entry, n)
		}
	}
	total, err := ballots.CountDocuments(ctx, map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	if total < int64(len(acked)) || total > sent.Load() {
		t.Errorf("%d ballots for %d acknowledged and %d sent votes", total, len(acked), sent.Load())
	}
	rep, err := e.app.ReconcileVotes(ctx, campaignID(t, e, "crash-vote"))
	if err != nil || rep.Ballots != total {
		t.Fatalf("reconcile: %+v %v (ballots %d)", rep, err, total)
	}
	var shown int64
	for _, id := range targets {
		c, _, _ := e.app.Gallery.Card(ctx, id)
		shown += c.Votes
	}
	if shown != total {
		t.Errorf("after reconcile the gallery shows %d votes for %d ballots", shown, total)
	}
	t.Logf("%d sent, %d acknowledged, %d ballots, %d counters mended", sent.Load(), len(acked), total, len(rep.Differences))
}
