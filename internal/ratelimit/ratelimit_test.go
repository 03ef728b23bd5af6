package ratelimit_test

import (
	"context"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/ratelimit"
	"github.com/tryout/tryout/internal/testkit"
)

func TestFixedWindow(t *testing.T) {
	k := testkit.New(t)
	l := &ratelimit.Limiter{Redis: k.Redis, Prefix: "t:", Limit: 3, Window: time.Minute}
	ctx := context.Background()
	for i := range 3 {
		if ok, _, err := l.Allow(ctx, "a"); !ok || err != nil {
			t.Fatalf("event %d refused: %v", i+1, err)
		}
	}
	ok, wait, err := l.Allow(ctx, "a")
	if ok || err != nil || wait <= 0 || wait > time.Minute {
		t.Errorf("4th event: ok=%v wait=%v err=%v", ok, wait, err)
	}
	if ok, _, _ := l.Allow(ctx, "b"); !ok {
		t.Error("another key was limited too")
	}
	if ttl := k.Redis.PTTL(ctx, "t:a").Val(); ttl <= 0 {
		t.Errorf("window key has no expiry (%v): it would block forever", ttl)
	}
}
