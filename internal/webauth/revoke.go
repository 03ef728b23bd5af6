package webauth

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Revocations ends every session of an entrant at once (an account being
// deleted): sessions are signed cookies, so the revocation is a Redis key
// the session check reads, kept as long as a session can live.
type Revocations struct {
	Redis *redis.Client
	TTL   time.Duration // the session lifetime
}

func revokedKey(id string) string { return "entrant:revoked:" + id }

// Revoke ends the entrant's sessions.
func (r *Revocations) Revoke(ctx context.Context, entrantID string) error {
	if err := r.Redis.Set(ctx, revokedKey(entrantID), "1", r.TTL+time.Hour).Err(); err != nil {
		return fmt.Errorf("webauth: revoke: %w", err)
	}
	return nil
}

// Revoked reports whether the entrant's sessions were ended. If Redis
// cannot answer the session stands (everything else needs Redis too).
func (r *Revocations) Revoked(ctx context.Context, entrantID string) bool {
	n, err := r.Redis.Exists(ctx, revokedKey(entrantID)).Result()
	return err == nil && n > 0
}
