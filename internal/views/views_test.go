package views_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/signing"
	"github.com/tryout/tryout/internal/testkit"
	"github.com/tryout/tryout/internal/views"
)

// clock is a settable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func newClock() *clock               { return &clock{t: time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)} }

func TestViewRules(t *testing.T) {
	k := testkit.New(t)
	ctx := context.Background()
	clk := newClock()
	seen := map[string]int{}
	v := &views.Counter{Redis: k.Redis, Signer: signing.New([]byte("0123456789abcdef0123456789abcdef")), MinWatch: 5 * time.Second,
		Window: time.Hour, Now: clk.Now, OnView: func(_ context.Context, id string) error { seen[id]++; return nil }}

	tok := v.Start("en_a", "d:alice")
	if _, err := v.Claim(ctx, "en_a", "d:alice", tok); !errors.Is(err, views.ErrTooSoon) {
		t.Fatalf("claim at once: %v, want ErrTooSoon", err)
	}
	clk.Add(6 * time.Second)
	for _, bad := range []struct{ entry, viewer, token string }{
		{"en_b", "d:alice", tok}, {"en_a", "d:bob", tok}, {"en_a", "d:alice", tok + "x"}, {"en_a", "d:alice", "garbage"},
	} {
		if _, err := v.Claim(ctx, bad.entry, bad.viewer, bad.token); !errors.Is(err, views.ErrBadToken) {
			t.Errorf("claim %s as %s: %v, want ErrBadToken", bad.entry, bad.viewer, err)
		}
	}
	if ok, err := v.Claim(ctx, "en_a", "d:alice", tok); !ok || err != nil {
		t.Fatalf("claim after 6 s: %v %v", ok, err)
	}
	// Watching again within the hour does not count; after it, it does.
	tok2 := v.Start("en_a", "d:alice")
	clk.Add(10 * time.Second)
	if ok, _ := v.Claim(ctx, "en_a", "d:alice", tok2); ok {
		t.Error("a second view within the hour counted")
	}
	if ok, _ := v.Claim(ctx, "en_a", "d:alice", tok); ok {
		t.Error("replaying the first token counted")
	}
	k.Redis.Del(ctx, "views:seen:en_a:d:alice") // the hour passes (Redis expiry)
	tok3 := v.Start("en_a", "d:alice")
	clk.Add(5 * time.Second)
	if ok, _ := v.Claim(ctx, "en_a", "d:alice", tok3); !ok {
		t.Error("a view after the hour did not count")
	}
	if ttl := k.Redis.TTL(ctx, "views:seen:en_a:d:alice").Val(); ttl <= 0 || ttl > time.Hour {
		t.Errorf("dedupe key ttl %v", ttl)
	}
	// A token older than six hours is refused.
	old := v.Start("en_a", "d:carol")
	clk.Add(7 * time.Hour)
	if _, err := v.Claim(ctx, "en_a", "d:carol", old); !errors.Is(err, views.ErrBadToken) {
		t.Errorf("stale token: %v", err)
	}
	if seen["en_a"] != 2 {
		t.Errorf("OnView ran %d times, want 2", seen["en_a"])
	}
}

func TestFlushToMongo(t *testing.T) {
	k := testkit.New(t)
	ctx := context.Background()
	clk := newClock()
	store := entries.NewMongoStore(k.DB.Collection(mongodb.Entries))
	for _, id := range []string{"en_a", "en_b"} {
		if err := store.Create(ctx, entries.Entry{ID: id, CampaignID: "cp_x", Title: id, Status: entries.Live, CreatedAt: clk.Now(), UpdatedAt: clk.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	v := &views.Counter{Redis: k.Redis, Signer: signing.New([]byte("0123456789abcdef0123456789abcdef")), MinWatch: time.Second, Window: time.Hour, Now: clk.Now}
	watch := func(entry, viewer string) {
		tok := v.Start(entry, viewer)
		clk.Add(2 * time.Second)
		if ok, err := v.Claim(ctx, entry, viewer, tok); !ok || err != nil {
			t.Fatalf("view %s by %s: %v %v", entry, viewer, ok, err)
		}
	}
	for _, who := range []string{"d:1", "d:2", "d:3"} {
		watch("en_a", who)
	}
	watch("en_b", "d:1")
	watch("en_gone", "d:1") // an entry deleted meanwhile
	if n, err := v.Flush(ctx, store); err != nil || n != 3 {
		t.Fatalf("flush: %d %v", n, err)
	}
	// A view arriving after the rename, and a flush interrupted part way
	// (simulated by a leftover flushing hash), are both picked up next time.
	watch("en_a", "d:4")
	k.Redis.HSet(ctx, "views:flushing:1", "en_b", 2)
	if n, err := v.Flush(ctx, store); err != nil || n != 2 {
		t.Fatalf("second flush: %d %v", n, err)
	}
	a, _ := store.Get(ctx, "en_a")
	b, _ := store.Get(ctx, "en_b")
	if a.Views != 4 || a.UniqueViewers != 4 || b.Views != 3 || b.UniqueViewers != 1 {
		t.Errorf("after flushes: a views %d uniques %d, b views %d uniques %d; want 4 4 3 1", a.Views, a.UniqueViewers, b.Views, b.UniqueViewers)
	}
	if !a.UpdatedAt.Equal(time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("a flush changed updated_at to %v: moderators' version checks would trip", a.UpdatedAt)
	}
	if n, _ := v.Flush(ctx, store); n != 0 {
		t.Errorf("an idle flush updated %d entries", n)
	}
	if keys := k.Redis.Keys(ctx, "views:flushing:*").Val(); len(keys) != 0 {
		t.Errorf("flushing hashes left: %v", keys)
	}
}
