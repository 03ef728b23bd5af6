package notify

import (
	"context"
	_ "embed"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisPacing keeps the milestone pacing state in Redis.
type RedisPacing struct{ Redis *redis.Client }

var _ PacingStore = RedisPacing{}

//go:embed milestone_top.lua
var milestoneTopLua string

var milestoneTop = redis.NewScript(milestoneTopLua)

func topKey(entryID string) string       { return "milestone:top:" + entryID }
func doneKey(member string) string       { return "milestone:done:" + member }
func slotKey(entrantID string) string    { return "milestone:sent:" + entrantID }
func pendingKey(entrantID string) string { return "milestone:pending:" + entrantID }

// Top implements PacingStore.
func (s RedisPacing) Top(ctx context.Context, entryID string, votes int64) (int64, error) {
	return milestoneTop.Run(ctx, s.Redis, []string{topKey(entryID)}, votes).Int64()
}

// TopOf implements PacingStore.
func (s RedisPacing) TopOf(ctx context.Context, entryID string) (int64, error) {
	n, err := s.Redis.Get(ctx, topKey(entryID)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return n, err
}

// Done implements PacingStore.
func (s RedisPacing) Done(ctx context.Context, member string) (bool, error) {
	n, err := s.Redis.Exists(ctx, doneKey(member)).Result()
	return n > 0, err
}

// ClaimSlot implements PacingStore.
func (s RedisPacing) ClaimSlot(ctx context.Context, entrantID, entryID, member string) (bool, time.Duration, error) {
	ok, err := s.Redis.SetNX(ctx, slotKey(entrantID), entryID, 24*time.Hour).Result()
	if err != nil || ok {
		return ok, 0, err
	}
	tx := s.Redis.TxPipeline()
	tx.SAdd(ctx, pendingKey(entrantID), member)
	tx.Expire(ctx, pendingKey(entrantID), 8*24*time.Hour)
	ttl := tx.PTTL(ctx, slotKey(entrantID))
	if _, err := tx.Exec(ctx); err != nil {
		return false, 0, err
	}
	return false, max(ttl.Val(), time.Second), nil
}

// ReleaseSlot implements PacingStore.
func (s RedisPacing) ReleaseSlot(ctx context.Context, entrantID string) error {
	return s.Redis.Del(ctx, slotKey(entrantID)).Err()
}

// Pending implements PacingStore.
func (s RedisPacing) Pending(ctx context.Context, entrantID string) ([]string, error) {
	return s.Redis.SMembers(ctx, pendingKey(entrantID)).Result()
}

// Settle implements PacingStore.
func (s RedisPacing) Settle(ctx context.Context, entrantID string, members []string) error {
	pipe := s.Redis.TxPipeline()
	for _, m := range members {
		pipe.Set(ctx, doneKey(m), 1, 8*24*time.Hour)
		pipe.SRem(ctx, pendingKey(entrantID), m)
	}
	_, err := pipe.Exec(ctx)
	return err
}
