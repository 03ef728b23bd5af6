package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/app"
	"github.com/tryout/tryout/internal/testkit"
	"github.com/tryout/tryout/internal/votes"
)

// TestNewStartsNothing: New only builds. Before Start no vote gate sender
// and no group committer run (a ballot handed to the committer is refused
// at once, never queued); Start runs them, Close stops them. Commands that
// do not serve votes (migrate, admin create-user, gallery rebuild, votes
// reconcile) never call Start.
func TestNewStartsNothing(t *testing.T) {
	t.Parallel()
	k := testkit.New(t)
	ctx := context.Background()
	for _, journal := range []string{"off", "auto"} {
		t.Run("journal_"+journal, func(t *testing.T) {
			cfg := k.Config
			cfg.VoteJournal = journal
			a, err := app.New(ctx, cfg, k.Log, app.Clients{Mongo: k.Mongo, DB: k.DB, Redis: k.Redis, Blobs: k.Blobs})
			if err != nil {
				t.Fatal(err)
			}
			if a.Started() || a.Votes.Gate.Done() != nil {
				t.Fatal("New started the vote gate")
			}
			b := votes.Ballot{ID: "bl_" + journal, Key: "k_" + journal, CampaignID: "cp_x", EntryID: "en_x", Voter: "d:1", Period: "all", At: time.Now()}
			if journal == "off" {
				if err := a.Votes.Commit.Insert(ctx, b); !errors.Is(err, votes.ErrStopped) {
					t.Fatalf("a ballot before Start: %v, want ErrStopped (no committer running)", err)
				}
			} else if a.VoteDesign() != "journal" {
				t.Fatalf("test Redis fsyncs every write, want the journal design, got %s", a.VoteDesign())
			}
			a.Start(ctx)
			a.Start(ctx) // a second Start does nothing
			if !a.Started() || a.Votes.Gate.Done() == nil {
				t.Fatal("Start did not run the vote gate")
			}
			if journal == "off" {
				if err := a.Votes.Commit.Insert(ctx, b); err != nil {
					t.Fatalf("a ballot after Start: %v", err)
				}
			}
			a.Close(ctx)
			select {
			case <-a.Votes.Gate.Done():
			case <-time.After(time.Minute): // hang guard only
				t.Fatal("the vote gate still runs after Close")
			}
		})
	}
}
