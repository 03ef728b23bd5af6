package votes_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/votes"
)

func TestTestRedisFsyncsEveryWrite(t *testing.T) {
	r := newRig(t, "journal")
	ok, err := votes.Durable(context.Background(), r.gallery.Redis)
	if err != nil || !ok {
		t.Fatalf("the test Redis must run with appendonly yes and appendfsync always (scripts/services.sh), or the journal is not exercised: %v %v", ok, err)
	}
}

// TestJournalReconcileWhileVoting: reconcile runs again and again while
// votes arrive and the drainer moves them; since the counters are never
// wrong, no run may report a difference, and at the end counters, ballots
// and acknowledged votes agree.
func TestJournalReconcileWhileVoting(t *testing.T) {
	r := newRig(t, "journal")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	records := recordsFor(t, r)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		r.drainer.Run(ctx, 30*time.Millisecond, func(err error) { t.Errorf("drain: %v", err) })
	}()
	var wg sync.WaitGroup
	entries := []string{"en_a", "en_b", "en_c"}
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				if _, err := r.svc.Vote(ctx, r.rules(), target(entries[i%3]), votes.Voter{ID: fmt.Sprintf("d:%d-%d", w, i)}, votes.Signals{}); err != nil {
					t.Errorf("vote: %v", err)
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	runs := 0
	for stop := false; !stop; runs++ {
		select {
		case <-done:
			stop = true
		default:
		}
		rep, err := r.reconcile(ctx, records)
		if err != nil || len(rep.Differences) != 0 {
			t.Fatalf("reconcile %d during voting: %+v %v", runs, rep, err)
		}
	}
	cancel()
	<-drained
	r.drain(t)
	counts, _ := r.ballots.Counts(context.Background(), "cp_x")
	for id, want := range map[string]int64{"en_a": 8 * 17, "en_b": 8 * 17, "en_c": 8 * 16} {
		if counts[id] != want || r.votesOf(t, id) != want {
			t.Errorf("%s: ballots %d counter %d, want %d", id, counts[id], r.votesOf(t, id), want)
		}
	}
	t.Logf("%d reconciles while voting", runs)
}

// flaky fails every insert after doing it, as a drain does that stops
// between writing to MongoDB and removing from the journal.
type flaky struct{ *votes.MongoBallots }

func (f flaky) InsertMany(ctx context.Context, bs []votes.Ballot) []error {
	errs := f.MongoBallots.InsertMany(ctx, bs)
	for i := range errs {
		errs[i] = errors.New("connection reset")
	}
	return errs
}

// TestJournalDrainIsIdempotent: ballots written by a drain that failed
// before clearing the journal are written once, counted once.
func TestJournalDrainIsIdempotent(t *testing.T) {
	r := newRig(t, "journal")
	ctx := context.Background()
	r.voteN(t, "en_a", 5)
	bad := &votes.Drainer{Journal: r.journal, Store: flaky{r.ballots}, Tally: r.gallery}
	if _, err := bad.Once(ctx); err == nil {
		t.Fatal("a failed drain reported success")
	}
	if n, _ := r.journal.Backlog(ctx); n != 5 {
		t.Fatalf("after a failed drain the journal holds %d ballots, want 5", n)
	}
	r.drain(t)
	counts, _ := r.ballots.Counts(ctx, "cp_x")
	if n, _ := r.journal.Backlog(ctx); n != 0 || counts["en_a"] != 5 || r.votesOf(t, "en_a") != 5 {
		t.Errorf("backlog %d, ballots %d, counter %d; want 0, 5, 5", n, counts["en_a"], r.votesOf(t, "en_a"))
	}
}

// TestJournalLostVoterRecord: if Redis forgot that a voter voted (its data
// was lost), the second ballot is taken by the journal but MongoDB's
// unique index refuses it and its count is taken back.
func TestJournalLostVoterRecord(t *testing.T) {
	r := newRig(t, "journal")
	ctx := context.Background()
	fan := votes.Voter{ID: "d:fan"}
	if _, err := r.svc.Vote(ctx, r.rules(), target("en_a"), fan, votes.Signals{}); err != nil {
		t.Fatal(err)
	}
	r.drain(t)
	keys, err := r.gallery.Redis.Keys(ctx, "votes:voter:*").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("voter records: %v %v", keys, err)
	}
	r.gallery.Redis.Del(ctx, keys...)
	if _, err := r.svc.Vote(ctx, r.rules(), target("en_a"), fan, votes.Signals{}); err != nil {
		t.Fatalf("the journal no longer knows the voter, so it takes the vote: %v", err)
	}
	if got := r.votesOf(t, "en_a"); got != 2 {
		t.Fatalf("counter before the drain: %d", got)
	}
	var dropped []votes.Ballot
	d := &votes.Drainer{Journal: r.journal, Store: r.ballots, Tally: r.gallery, OnDropped: func(b votes.Ballot) { dropped = append(dropped, b) }}
	if err := d.All(ctx); err != nil {
		t.Fatal(err)
	}
	counts, _ := r.ballots.Counts(ctx, "cp_x")
	if len(dropped) != 1 || counts["en_a"] != 1 || r.votesOf(t, "en_a") != 1 {
		t.Errorf("dropped %d, ballots %d, counter %d; want 1, 1, 1", len(dropped), counts["en_a"], r.votesOf(t, "en_a"))
	}
}

// TestJournalDrainCountsDays: the entrant's daily vote figures are counted
// when ballots reach MongoDB, once even when a drain is retried.
func TestJournalDrainCountsDays(t *testing.T) {
	r := newRig(t, "journal")
	ctx := context.Background()
	r.voteN(t, "en_a", 4)
	day := func() int64 {
		n, _ := r.gallery.Redis.HGet(ctx, r.gallery.DayKey("en_a", r.clock.Now()), "votes").Int64()
		return n
	}
	if got := day(); got != 0 {
		t.Fatalf("counted before the drain: %d", got)
	}
	bad := &votes.Drainer{Journal: r.journal, Store: flaky{r.ballots}, Tally: r.gallery}
	if _, err := bad.Once(ctx); err == nil {
		t.Fatal("a failed drain reported success")
	}
	r.drain(t)
	if got := day(); got != 4 {
		t.Errorf("today's votes after the drains: %d, want 4", got)
	}
}

// TestJournalDrainsEntriesWrittenBeforeBatching: ballots journaled by the
// previous version (one BSON ballot per entry) still reach MongoDB.
func TestJournalDrainsEntriesWrittenBeforeBatching(t *testing.T) {
	r := newRig(t, "journal")
	ctx := context.Background()
	doc := bson.D{{Key: "_id", Value: "bl_legacy"}, {Key: "key", Value: "ignored"}, {Key: "campaign_id", Value: "cp_x"}, {Key: "entry_id", Value: "en_b"},
		{Key: "voter", Value: "d:old"}, {Key: "verified", Value: false}, {Key: "period", Value: "20260610"}, {Key: "at", Value: r.clock.Now()},
		{Key: "signals", Value: bson.D{{Key: "ip_hash", Value: "h"}}}, {Key: "discounted", Value: false}}
	raw, err := bson.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.gallery.Redis.XAdd(ctx, &redis.XAddArgs{Stream: "votes:journal", Values: []any{"b", string(raw), "k", "en_b|d:old|20260610"}}).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Vote(ctx, r.rules(), target("en_b"), votes.Voter{ID: "d:new"}, votes.Signals{}); err != nil {
		t.Fatal(err)
	}
	r.drain(t)
	var got struct{ Key string }
	if err := r.kit.DB.Collection(mongodb.Ballots).FindOne(ctx, bson.D{{Key: "_id", Value: "bl_legacy"}}).Decode(&got); err != nil || got.Key != "en_b|d:old|20260610" {
		t.Errorf("legacy ballot: %+v %v", got, err)
	}
	if counts, _ := r.ballots.Counts(ctx, "cp_x"); counts["en_b"] != 2 {
		t.Errorf("ballots for en_b: %d, want 2", counts["en_b"])
	}
}

// TestJournalSetsAsideUnreadableEntries: an entry the drain cannot read
// (the gate never writes one) is moved aside, as it was, and reported; it
// blocks nothing behind it.
func TestJournalSetsAsideUnreadableEntries(t *testing.T) {
	r := newRig(t, "journal")
	ctx := context.Background()
	if err := r.gallery.Redis.XAdd(ctx, &redis.XAddArgs{Stream: "votes:journal", Values: []any{"v", "2", "b", "not a record"}}).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Vote(ctx, r.rules(), target("en_a"), votes.Voter{ID: "d:after"}, votes.Signals{}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.drainer.Once(ctx); err == nil || !strings.Contains(err.Error(), "unreadable") {
		t.Errorf("drain: %v, want the unreadable entry reported", err)
	}
	aside, _ := r.gallery.Redis.XRange(ctx, "votes:journal:unreadable", "-", "+").Result()
	if len(aside) != 1 || aside[0].Values["b"] != "not a record" || aside[0].Values["journal_id"] == "" {
		t.Errorf("set aside: %+v", aside)
	}
	counts, _ := r.ballots.Counts(ctx, "cp_x")
	if n, _ := r.journal.Backlog(ctx); n != 0 || counts["en_a"] != 1 {
		t.Errorf("backlog %d, ballots %d; want 0, 1", n, counts["en_a"])
	}
}
