package gallery

import (
	"context"
	"fmt"
	"time"
)

// builtKey marks a Redis whose read models were built from MongoDB. Redis
// that lost its data (a flush, a restore without the append-only file, a
// new server) has no marker: the galleries must be rebuilt.
const builtKey = "gallery:built"

// rebuildLockKey lets one process at a time rebuild after a loss.
const rebuildLockKey = "gallery:rebuilding"

// MarkBuilt records that every campaign's read model was built.
func (x *Index) MarkBuilt(ctx context.Context) error {
	if err := x.Redis.Set(ctx, builtKey, time.Now().UTC().Format(time.RFC3339), 0).Err(); err != nil {
		return fmt.Errorf("gallery: mark built: %w", err)
	}
	return nil
}

// NeedsRebuild reports whether the read models are missing, and if so
// claims the rebuild for lease (false for every other caller meanwhile).
func (x *Index) NeedsRebuild(ctx context.Context, lease time.Duration) (bool, error) {
	n, err := x.Redis.Exists(ctx, builtKey).Result()
	if err != nil || n == 1 {
		return false, err
	}
	ok, err := x.Redis.SetNX(ctx, rebuildLockKey, 1, lease).Result()
	if err != nil {
		return false, fmt.Errorf("gallery: claim rebuild: %w", err)
	}
	return ok, nil
}

// RebuildDone releases the claim NeedsRebuild took.
func (x *Index) RebuildDone(ctx context.Context) error {
	return x.Redis.Del(ctx, rebuildLockKey).Err()
}
