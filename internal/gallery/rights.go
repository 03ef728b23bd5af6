package gallery

import (
	"context"
	"fmt"
	"time"
)

// DeleteDays removes an entry's daily counters for every day from since to
// until (a deleted account's entries; DayKeep bounds how far back any
// exist).
func (x *Index) DeleteDays(ctx context.Context, id string, since, until time.Time) error {
	if earliest := until.Add(-DayKeep); since.Before(earliest) {
		since = earliest
	}
	var keys []string
	for d := since.UTC().Truncate(24 * time.Hour); !d.After(until); d = d.Add(24 * time.Hour) {
		keys = append(keys, x.DayKey(id, d))
	}
	for len(keys) > 0 {
		n := min(len(keys), 200)
		if err := x.Redis.Del(ctx, keys[:n]...).Err(); err != nil {
			return fmt.Errorf("gallery: delete days: %w", err)
		}
		keys = keys[n:]
	}
	return nil
}
