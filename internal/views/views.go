// Package views counts qualified views: a view counts once the viewer has
// watched for MinWatch (the player asks for a signed start token, then
// claims the view with it), at most once per viewer and entry per Window
// (PeerTube's rule: after some seconds, again after an hour). Unique
// viewers are estimated with a Redis HyperLogLog per entry. Counts land in
// Redis at once (the gallery card shows them) and are flushed to MongoDB in
// batches.
package views

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/signing"
)

// Errors callers can test with errors.Is.
var (
	ErrBadToken = errors.New("views: token invalid or for another entry or viewer")
	ErrTooSoon  = errors.New("views: claimed before the minimum watch time")
)

// Counter counts views.
type Counter struct {
	Redis    *redis.Client
	Signer   signing.Signer
	MinWatch time.Duration // watched this long before a view counts
	Window   time.Duration // one view per viewer and entry per window
	// OnView runs after a view counted (the gallery adds it to the card).
	OnView func(ctx context.Context, entryID string) error
	Now    func() time.Time
}

const (
	pendingKey  = "views:pending"   // hash entry id -> views not yet in MongoDB
	flushingKey = "views:flushing:" // pending hashes being flushed
	tokenMaxAge = 6 * time.Hour
)

func uniqueKey(entryID string) string { return "views:unique:" + entryID }

// PlayedKey names the marker that exists for a day after a viewer's view
// counted: the vote gate reads it as evidence of playback (a fan who
// watched), which bots that only load pages do not leave.
func PlayedKey(viewer string) string { return "views:played:" + viewer }

// playedFor is how long a counted view marks its viewer as one who watched.
const playedFor = 24 * time.Hour

// Start returns the token the player claims the view with.
func (v *Counter) Start(entryID, viewer string) string {
	return v.Signer.Sign("view", []byte(entryID+"|"+viewer+"|"+strconv.FormatInt(v.Now().UnixMilli(), 10)))
}

// Claim counts a view if the token is this viewer's for this entry, old
// enough and fresh enough, and the viewer has not been counted for the
// entry within the window. counted is false for a repeat view. An empty
// viewer (a request with no cookie: an embed where third-party cookies are
// blocked) takes the one the token was issued to; callers bound such
// claims per client address.
func (v *Counter) Claim(ctx context.Context, entryID, viewer, token string) (counted bool, err error) {
	payload, err := v.Signer.Verify("view", token)
	if err != nil {
		return false, ErrBadToken
	}
	parts := strings.Split(string(payload), "|")
	if len(parts) != 3 || parts[0] != entryID || viewer != "" && parts[1] != viewer {
		return false, ErrBadToken
	}
	viewer = parts[1]
	ms, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return false, ErrBadToken
	}
	switch age := v.Now().Sub(time.UnixMilli(ms)); {
	case age > tokenMaxAge:
		return false, ErrBadToken
	case age < v.MinWatch:
		return false, ErrTooSoon
	}
	var fresh *redis.BoolCmd
	_, err = v.Redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
		fresh = p.SetNX(ctx, "views:seen:"+entryID+":"+viewer, 1, v.Window)
		p.Set(ctx, PlayedKey(viewer), 1, playedFor)
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("views: %w", err)
	}
	if !fresh.Val() {
		return false, nil
	}
	_, err = v.Redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HIncrBy(ctx, pendingKey, entryID, 1)
		p.PFAdd(ctx, uniqueKey(entryID), viewer)
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("views: %w", err)
	}
	if v.OnView != nil {
		if err := v.OnView(ctx, entryID); err != nil {
			return true, err
		}
	}
	return true, nil
}

// Sink takes flushed counts (the entry store).
type Sink interface {
	AddCounts(ctx context.Context, id string, views, votes, uniqueViewers int64) error
}

// Flush moves pending views to MongoDB: the pending hash is renamed away
// (new views start a fresh one), then each entry's count is added and
// removed from the renamed hash one by one. A flush that dies part way
// leaves the rest under its flushing key, and the next flush finishes it
// (at least once: a crash between MongoDB's update and the hash's delete
// counts that one entry's batch twice). It returns how many entries it
// updated.
func (v *Counter) Flush(ctx context.Context, sink Sink) (int, error) {
	batch := flushingKey + strconv.FormatInt(v.Now().UnixNano(), 10)
	if err := v.Redis.Rename(ctx, pendingKey, batch).Err(); err != nil && !strings.Contains(err.Error(), "no such key") {
		return 0, fmt.Errorf("views: flush: %w", err)
	}
	var keys []string
	iter := v.Redis.Scan(ctx, 0, flushingKey+"*", 100).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return 0, fmt.Errorf("views: flush: %w", err)
	}
	n := 0
	for _, k := range keys {
		counts, err := v.Redis.HGetAll(ctx, k).Result()
		if err != nil {
			return n, fmt.Errorf("views: flush: %w", err)
		}
		for id, s := range counts {
			views, _ := strconv.ParseInt(s, 10, 64)
			uniques, err := v.Redis.PFCount(ctx, uniqueKey(id)).Result()
			if err != nil {
				return n, fmt.Errorf("views: flush: %w", err)
			}
			if err := sink.AddCounts(ctx, id, views, 0, uniques); err != nil && !errors.Is(err, entries.ErrNotFound) { // a deleted entry's views go with it
				return n, err
			}
			if err := v.Redis.HDel(ctx, k, id).Err(); err != nil {
				return n, fmt.Errorf("views: flush: %w", err)
			}
			n++
		}
	}
	return n, nil
}

// Unique returns the estimated unique viewers of an entry.
func (v *Counter) Unique(ctx context.Context, entryID string) (int64, error) {
	return v.Redis.PFCount(ctx, uniqueKey(entryID)).Result()
}
