// Package ratelimit counts requests per key in fixed windows in Redis, so
// limits hold across every server process.
package ratelimit

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Limiter allows at most Limit events per key per Window.
type Limiter struct {
	Redis  *redis.Client
	Prefix string
	Limit  int64
	Window time.Duration
}

// Allow counts one event for key and reports whether it is within the limit,
// and if not, how long until the window resets. (Votes count their limits
// inside the vote gate's script instead, in the same round trip.)
func (l *Limiter) Allow(ctx context.Context, key string) (bool, time.Duration, error) {
	k := l.Prefix + key
	pipe := l.Redis.TxPipeline()
	incr := pipe.Incr(ctx, k)
	pipe.ExpireNX(ctx, k, l.Window)
	ttl := pipe.PTTL(ctx, k)
	if _, err := pipe.Exec(ctx); err != nil {
		return false, 0, fmt.Errorf("ratelimit: %w", err)
	}
	if incr.Val() > l.Limit {
		return false, max(ttl.Val(), time.Second), nil
	}
	return true, 0, nil
}

// Over reports, without counting an event, whether key is already past
// its limit, and how long until its window ends.
func (l *Limiter) Over(ctx context.Context, key string) (bool, time.Duration, error) {
	k := l.Prefix + key
	pipe := l.Redis.Pipeline()
	get := pipe.Get(ctx, k)
	ttl := pipe.PTTL(ctx, k)
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		return false, 0, fmt.Errorf("ratelimit: %w", err)
	}
	n, _ := get.Int64()
	if n >= l.Limit {
		return true, max(ttl.Val(), time.Second), nil
	}
	return false, 0, nil
}
