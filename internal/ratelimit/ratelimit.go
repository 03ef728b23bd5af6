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
// and if not, how long until the window resets.
func (l *Limiter) Allow(ctx context.Context, key string) (bool, time.Duration, error) {
	pipe := l.Redis.TxPipeline()
	result := l.Queue(ctx, pipe, key)
	if _, err := pipe.Exec(ctx); err != nil {
		return false, 0, fmt.Errorf("ratelimit: %w", err)
	}
	ok, wait := result()
	return ok, wait, nil
}

// Queue adds the counting of one event for key to a pipeline, so several
// limits (and other reads) share one round trip. After the pipeline runs,
// the returned func tells what Allow would have.
func (l *Limiter) Queue(ctx context.Context, p redis.Pipeliner, key string) func() (bool, time.Duration) {
	k := l.Prefix + key
	incr := p.Incr(ctx, k)
	p.ExpireNX(ctx, k, l.Window)
	ttl := p.PTTL(ctx, k)
	return func() (bool, time.Duration) {
		if incr.Val() > l.Limit {
			return false, max(ttl.Val(), time.Second)
		}
		return true, 0
	}
}
