package worker

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
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

// Teller sends an entrant a stage's message, or several milestones in
// one digest.
type Teller interface {
	Tell(ctx context.Context, stage messages.Stage, e entries.Entry, note notify.Note) error
	MilestoneDigest(ctx context.Context, items []notify.Reached) error
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
	// before sending and given back if the send fails. A milestone that
	// finds the slot taken waits in the entrant's pending set; whichever
	// milestone next gets a slot sends them all in one digest.
	member := fmt.Sprintf("%s:%d", e.ID, p.Votes)
	if n, err := h.Redis.Exists(ctx, doneKey(member)).Result(); err != nil || n > 0 {
		return err // n > 0: it went out in a digest
	}
	slot, pending := "milestone:sent:"+e.EntrantID, "milestone:pending:"+e.EntrantID
	ok, err := h.Redis.SetNX(ctx, slot, e.ID, 24*time.Hour).Result()
	if err != nil {
		return err
	}
	if !ok {
		tx := h.Redis.TxPipeline()
		tx.SAdd(ctx, pending, member)
		tx.Expire(ctx, pending, 8*24*time.Hour)
		ttl := tx.PTTL(ctx, slot)
		if _, err := tx.Exec(ctx); err != nil {
			return err
		}
		return tasks.Later(ttl.Val(), "one milestone email a day")
	}
	e.Votes = p.Votes // the stored count lags the counter until the next flush
	items, settled, err := h.gather(ctx, pending, member, notify.Reached{Entry: e, Votes: p.Votes})
	if err == nil {
		if len(items) == 1 {
			err = h.Notify.Tell(ctx, messages.Milestone, e, notify.Note{Milestone: p.Votes})
		} else {
			err = h.Notify.MilestoneDigest(ctx, items)
		}
	}
	if err != nil {
		h.Redis.Del(ctx, slot)
		return err
	}
	// Settle: every milestone told (or overtaken) leaves the pending set
	// and is marked done, so its own waiting task ends quietly.
	pipe := h.Redis.TxPipeline()
	for _, m := range settled {
		pipe.Set(ctx, doneKey(m), 1, 8*24*time.Hour)
		pipe.SRem(ctx, pending, m)
	}
	_, err = pipe.Exec(ctx)
	return err
}

func doneKey(member string) string { return "milestone:done:" + member }

// gather is this milestone and the entrant's waiting ones still worth
// telling (live, not overtaken), and every member it settles.
func (h *MilestoneHandler) gather(ctx context.Context, pending, member string, first notify.Reached) ([]notify.Reached, []string, error) {
	items, settled := []notify.Reached{first}, []string{member}
	others, err := h.Redis.SMembers(ctx, pending).Result()
	if err != nil {
		return nil, nil, err
	}
	for _, m := range others {
		if m == member {
			continue
		}
		id, n, ok := strings.Cut(m, ":")
		votes, err := strconv.ParseInt(n, 10, 64)
		if !ok || err != nil {
			settled = append(settled, m)
			continue
		}
		top, err := h.Redis.Get(ctx, "milestone:top:"+id).Int64()
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, nil, err
		}
		e, err := h.Entries.Get(ctx, id)
		if err != nil && !errors.Is(err, entries.ErrNotFound) {
			return nil, nil, err
		}
		settled = append(settled, m)
		if err == nil && e.Status == entries.Live && top <= votes {
			e.Votes = votes
			items = append(items, notify.Reached{Entry: e, Votes: votes})
		}
	}
	return items, settled, nil
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
