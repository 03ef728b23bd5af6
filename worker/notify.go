package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/messages"
	"github.com/tryout/tryout/internal/notify"
	"github.com/tryout/tryout/internal/outreach"
	"github.com/tryout/tryout/internal/tasks"
)

// MilestoneHandler runs notify:milestone: the entrant hears that their
// entry reached a vote total (once per total: the message has its key),
// paced so nobody is spammed: not in quiet hours, at most one milestone
// email per entrant a day, and a milestone overtaken by a higher one
// before it went out is folded into that one.
type MilestoneHandler struct {
	Entries            entries.Store
	Notify             Teller
	Redis              *redis.Client
	QuietFrom, QuietTo int // UTC hours
	Now                func() time.Time
}

// Teller sends an entrant a stage's message.
type Teller interface {
	Tell(ctx context.Context, stage messages.Stage, e entries.Entry, note notify.Note) error
}

// milestoneTop records the highest milestone an entry reached (kept a
// week) and returns it.
var milestoneTop = redis.NewScript(`
local c = tonumber(redis.call('GET', KEYS[1]) or '0')
local n = tonumber(ARGV[1])
if n > c then redis.call('SET', KEYS[1], n, 'EX', 604800) return n end
return c`)

// ProcessTask implements asynq.Handler.
func (h *MilestoneHandler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := tasks.ParseNotifyMilestone(t)
	if err != nil {
		return err
	}
	e, err := h.Entries.Get(ctx, p.EntryID)
	if errors.Is(err, entries.ErrNotFound) {
		return fmt.Errorf("milestone: entry %s is gone: %w", p.EntryID, asynq.SkipRetry)
	}
	if err != nil {
		return err
	}
	if e.Status != entries.Live {
		return nil // taken down meanwhile: no cheering
	}
	top, err := milestoneTop.Run(ctx, h.Redis, []string{"milestone:top:" + e.ID}, p.Votes).Int64()
	if err != nil {
		return err
	}
	if top > p.Votes {
		return nil // a higher milestone's message says it
	}
	if d := messages.QuietFor(h.Now(), h.QuietFrom, h.QuietTo); d > 0 {
		return tasks.Later(d, "quiet hours")
	}
	// One milestone email per entrant a day: the day's slot is claimed
	// before sending and given back if the send fails.
	slot := "milestone:sent:" + e.EntrantID
	ok, err := h.Redis.SetNX(ctx, slot, e.ID, 24*time.Hour).Result()
	if err != nil {
		return err
	}
	if !ok {
		ttl, err := h.Redis.PTTL(ctx, slot).Result()
		if err != nil {
			return err
		}
		return tasks.Later(ttl, "one milestone email a day")
	}
	e.Votes = p.Votes // the stored count lags the counter until the next flush
	if err := h.Notify.Tell(ctx, messages.Milestone, e, notify.Note{Milestone: p.Votes}); err != nil {
		h.Redis.Del(ctx, slot)
		return err
	}
	return nil
}

// BroadcastHandler runs broadcast:send: a staff message goes to its
// segment as it stands when the message is due.
type BroadcastHandler struct {
	Outreach *outreach.Service
}

// ProcessTask implements asynq.Handler.
func (h *BroadcastHandler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := tasks.ParseBroadcastSend(t)
	if err != nil {
		return err
	}
	err = h.Outreach.Send(ctx, p.BroadcastID)
	if errors.Is(err, outreach.ErrNotFound) {
		return fmt.Errorf("broadcast: %w: %w", err, asynq.SkipRetry)
	}
	return err
}
