package votes

import (
	"context"
	"time"
)

// BatchInserter inserts ballots together and reports each one's outcome.
type BatchInserter interface {
	InsertMany(ctx context.Context, bs []Ballot) []error
}

// Committer is group commit: concurrent ballots are gathered for up to
// Wait (or MaxBatch ballots) and written with one unordered insertMany. A
// caller returns only once its ballot is durable, or with why not, so a
// ballot is acknowledged only after MongoDB has it. On the embedded
// FerretDB one insert takes about as long as a batch of a hundred, so this
// is what makes voting fast there; on MongoDB it saves round trips.
type Committer struct {
	Store    BatchInserter
	MaxBatch int
	Wait     time.Duration
	reqs     chan commitReq
	stopped  chan struct{}
}

type commitReq struct {
	ctx  context.Context
	b    Ballot
	done chan error
}

// Start runs the committer until ctx ends; ballots still queued then are
// refused with ErrStopped (never acknowledged).
func (c *Committer) Start(ctx context.Context) {
	if c.MaxBatch <= 0 {
		c.MaxBatch = 200
	}
	if c.Wait <= 0 {
		c.Wait = 2 * time.Millisecond
	}
	c.reqs = make(chan commitReq, 4*c.MaxBatch)
	c.stopped = make(chan struct{})
	go c.run(ctx)
}

// Insert queues a ballot and waits until it is durable (nil), a duplicate
// (ErrDuplicate), or failed.
func (c *Committer) Insert(ctx context.Context, b Ballot) error {
	if c.reqs == nil {
		return ErrStopped // never started: nothing would write it
	}
	r := commitReq{ctx: ctx, b: b, done: make(chan error, 1)}
	select {
	case c.reqs <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-c.stopped:
		return ErrStopped
	}
	// Once queued, wait for the answer even if the caller gives up: the
	// ballot may be written, and the answer says whether it was.
	select {
	case err := <-r.done:
		return err
	case <-c.stopped:
		select {
		case err := <-r.done:
			return err
		default:
			return ErrStopped // queued after the last batch: never written
		}
	}
}

func (c *Committer) run(ctx context.Context) {
	for {
		var first commitReq
		select {
		case first = <-c.reqs:
		case <-ctx.Done():
			c.drain()
			close(c.stopped)
			return
		}
		batch := []commitReq{first}
		timer := time.NewTimer(c.Wait)
	gather:
		for len(batch) < c.MaxBatch {
			select {
			case r := <-c.reqs:
				batch = append(batch, r)
			case <-timer.C:
				break gather
			}
		}
		timer.Stop()
		bs := make([]Ballot, len(batch))
		for i, r := range batch {
			bs[i] = r.b
		}
		// The batch is written with a context of its own: one caller
		// giving up must not cancel the others' ballots.
		wctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		errs := c.Store.InsertMany(wctx, bs)
		cancel()
		for i, r := range batch {
			r.done <- errs[i]
		}
	}
}

func (c *Committer) drain() {
	for {
		select {
		case r := <-c.reqs:
			r.done <- ErrStopped
		default:
			return
		}
	}
}
