package votes

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Journal is the second durable-ballot design: the gate decides and
// records each vote in Redis (the voter's record for the period, the
// ballot appended to a stream, the counters) in the script of its batch,
// acknowledged once Redis has the batch in its append-only file, and a
// drainer moves ballots to MongoDB in large batches. It needs Redis to
// fsync every write (appendonly yes, appendfsync always): Redis then
// writes and syncs the file before it replies, so an acknowledged ballot
// survives a crash of Tryout or of Redis. Durable reports whether the
// server is set up so.
//
// MongoDB stays the system of record and its unique indexes the final
// judge: a drained ballot whose key is already taken by another ballot
// (possible only if Redis lost its data) is dropped and its count taken
// back.
type Journal struct {
	Redis *redis.Client
	// Keys names the counters a vote adds to (the gallery card and the
	// campaign's Top order).
	Keys CounterKeys
	// Batch is how many ballots one drain inserts (default 1000).
	Batch int
	// Stream is the stream's key (default "votes:journal").
	Stream string
}

// CounterKeys names the fast counters of an entry: a hash whose "votes"
// field is its total (absent when the entry is not live) and a sorted set
// of the campaign's entries by votes.
type CounterKeys interface {
	CardKey(entryID string) string
	TopKey(campaignID string) string
	// DayKey is the hash of the entry's counters for the day of at (its
	// "votes" field counts the votes cast that day; the drain adds them).
	DayKey(entryID string, at time.Time) string
}

func (j *Journal) stream() string {
	if j.Stream == "" {
		return "votes:journal"
	}
	return j.Stream
}

func (j *Journal) lockKey() string { return j.stream() + ":lock" }

func voterKey(campaignID, voter, period string) string {
	return "votes:voter:" + campaignID + ":" + voter + ":" + period
}

// Durable reports whether the Redis server fsyncs every write before it
// answers; without that the journal would acknowledge ballots a crash can
// lose.
func Durable(ctx context.Context, r *redis.Client) (bool, error) {
	got := map[string]string{}
	for _, p := range []string{"appendonly", "appendfsync"} {
		m, err := r.ConfigGet(ctx, p).Result()
		if err != nil {
			return false, fmt.Errorf("votes: read redis %s: %w", p, err)
		}
		got[p] = m[p]
	}
	return got["appendonly"] == "yes" && got["appendfsync"] == "always", nil
}

// CheckRedis fails unless the server runs Redis 7.0 or newer (the gate's
// script uses EXPIRE NX).
func CheckRedis(ctx context.Context, r *redis.Client) error {
	info, err := r.Info(ctx, "server").Result()
	if err != nil {
		return fmt.Errorf("votes: read redis version: %w", err)
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "redis_version:"); ok {
			major, _, _ := strings.Cut(v, ".")
			if n, err := strconv.Atoi(major); err != nil || n < 7 {
				return fmt.Errorf("votes: Redis %s is too old: Tryout needs Redis 7.0 or newer", v)
			}
			return nil
		}
	}
	return errors.New("votes: cannot tell the Redis version")
}

// dayKeep is how long an entry's daily counters are kept (as the gallery's).
const dayKeep = 120 * 24 * time.Hour

// voted lists the entries the voter voted for in the period.
func (j *Journal) voted(ctx context.Context, campaignID, voter, period string) ([]string, error) {
	out, err := j.Redis.HKeys(ctx, voterKey(campaignID, voter, period)).Result()
	if err != nil {
		return nil, fmt.Errorf("votes: journal: %w", err)
	}
	return out, nil
}

// Drainer moves journaled ballots to MongoDB.
type Drainer struct {
	Journal *Journal
	Store   interface {
		BatchInserter
		Existing(ctx context.Context, ids []string) (map[string]bool, error)
	}
	// Tally takes back the count of a ballot MongoDB refused as a
	// duplicate.
	Tally Tally
	// OnDropped is told of each such ballot.
	OnDropped func(b Ballot)
	// Figures names more counters each counted ballot adds to (the
	// campaign's analytics), in the same transaction as the daily figures.
	Figures func(b Ballot) []Figure
	// MaxLag and Quiet pace Run (see there); MaxLag 0 drains at once.
	MaxLag, Quiet time.Duration
}

// ErrLocked says another drain or reconcile holds the journal.
var ErrLocked = errors.New("votes: journal busy")

// lock takes the journal's lock: one drain or reconcile at a time moves
// ballots or reads them, so a reconcile sees every ballot exactly once.
// The lease outlives any batch (inserts are bounded by 30 s).
func (j *Journal) lock(ctx context.Context) (unlock func(), err error) {
	return lockKey(ctx, j.Redis, j.lockKey())
}

// lockKey takes a lease on key (a minute), or fails with ErrLocked.
func lockKey(ctx context.Context, r *redis.Client, key string) (unlock func(), err error) {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	ok, err := r.SetNX(ctx, key, token, time.Minute).Result()
	if err != nil {
		return nil, fmt.Errorf("votes: lock: %w", err)
	}
	if !ok {
		return nil, ErrLocked
	}
	return func() { _ = unlockScript.Run(context.Background(), r, []string{key}, token).Err() }, nil
}

//go:embed unlock.lua
var unlockScriptLua string

var unlockScript = redis.NewScript(unlockScriptLua)

// waitLock takes the lock, waiting for its holder (bounded by ctx).
func (j *Journal) waitLock(ctx context.Context) (func(), error) {
	return waitKey(ctx, j.Redis, j.lockKey())
}

// waitKey takes the lease on key, waiting for its holder (bounded by ctx).
func waitKey(ctx context.Context, r *redis.Client, key string) (func(), error) {
	for {
		unlock, err := lockKey(ctx, r, key)
		if !errors.Is(err, ErrLocked) {
			return unlock, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// ledgerLock serialises everything that reads ballots and moves counters
// together (reconcile, clearing, discounting): the journal's lock (which
// drains also take), or without a journal a lock of its own.
func ledgerLock(ctx context.Context, r *redis.Client, j *Journal) (func(), error) {
	if j != nil {
		return j.waitLock(ctx)
	}
	if r == nil {
		return func() {}, nil
	}
	return waitKey(ctx, r, "votes:ledger:lock")
}

// Once drains about one batch (whole journal entries, at least Batch
// ballots when there are that many) and returns how many ballots left the
// journal. An entry stays until MongoDB has taken every ballot in it.
func (d *Drainer) Once(ctx context.Context) (int, error) {
	j := d.Journal
	// Look before taking the lock: an idle poll then writes nothing (every
	// write waits for Redis to fsync).
	if n, err := j.Redis.XLen(ctx, j.stream()).Result(); err != nil || n == 0 {
		return 0, err
	}
	unlock, err := j.lock(ctx)
	if err != nil {
		return 0, err
	}
	defer unlock()
	batch := j.Batch
	if batch <= 0 {
		batch = 1000
	}
	entries, bs, err := j.read(ctx, batch)
	if err != nil || len(entries) == 0 {
		return 0, err
	}
	wctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	errs := d.Store.InsertMany(wctx, bs)
	var dups []string
	for i, e := range errs {
		if errors.Is(e, ErrDuplicate) {
			dups = append(dups, bs[i].ID)
		}
	}
	// A duplicate is either this ballot written by an earlier drain that
	// stopped before removing it (fine), or another ballot with its key
	// (Redis lost the voter's record): MongoDB never counts that one, so
	// its count comes back off. (Taking it back and removing it from the
	// journal are two steps: a crash between them takes it back twice on
	// the next drain, and reconcile mends that.) The rest of the batch runs
	// on wctx, so shutting down mid-batch does not cut it short.
	have := map[string]bool{}
	if len(dups) > 0 {
		if have, err = d.Store.Existing(wctx, dups); err != nil {
			return 0, err
		}
	}
	var done []string
	var failed error
	var unreadable []journalEntry
	moved := 0
	days := map[string]int64{} // the entrant's daily figures
	more := map[Figure]int64{}
entries:
	for _, e := range entries {
		if e.unreadable != nil {
			unreadable = append(unreadable, e)
			continue
		}
		for i := e.from; i < e.to; i++ {
			if err := errs[i]; err != nil && !errors.Is(err, ErrDuplicate) {
				failed = err // the entry stays for the next drain
				continue entries
			}
		}
		for i := e.from; i < e.to; i++ {
			if errs[i] == nil || have[bs[i].ID] {
				if !bs[i].Held { // a held vote counts in the day's figures once cleared
					days[j.Keys.DayKey(bs[i].EntryID, bs[i].At)]++
					if d.Figures != nil {
						for _, f := range d.Figures(bs[i]) {
							more[f]++
						}
					}
				}
				continue
			}
			switch {
			case bs[i].Held:
				_ = addHeld(wctx, j.Redis, bs[i].CampaignID, bs[i].EntryID, -1, bs[i].Hold)
			case d.Tally != nil:
				_ = d.Tally.AddVotes(wctx, bs[i].CampaignID, bs[i].EntryID, -1)
			}
			if d.OnDropped != nil {
				d.OnDropped(bs[i])
			}
		}
		done = append(done, e.id)
		moved += e.to - e.from
	}
	if err := j.remove(wctx, done, days, more, unreadable); err != nil {
		return 0, err
	}
	if len(unreadable) > 0 {
		failed = errors.Join(failed, fmt.Errorf("%d unreadable journal entries set aside in %s", len(unreadable), j.unreadableKey()))
	}
	if failed != nil {
		return moved, fmt.Errorf("votes: drain: %w", failed)
	}
	return moved, nil
}

func (j *Journal) unreadableKey() string { return j.stream() + ":unreadable" }

// remove takes drained entries out of the journal and adds their ballots
// to the entries' daily vote counts (the entrant's dashboard), in one
// transaction: a drain that stops before it meets the same ballots again
// (as duplicates of themselves) and counts them then, so each is counted
// once. Unreadable entries are moved, as they are, to a stream of their
// own for a person to look at, so they neither block the drain nor vanish.
func (j *Journal) remove(ctx context.Context, done []string, days map[string]int64, more map[Figure]int64, unreadable []journalEntry) error {
	if len(done) == 0 && len(unreadable) == 0 {
		return nil
	}
	_, err := j.Redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for k, n := range days {
			p.HIncrBy(ctx, k, "votes", n)
			p.Expire(ctx, k, dayKeep)
		}
		for f, n := range more {
			p.HIncrBy(ctx, f.Key, f.Field, n)
		}
		for _, e := range unreadable {
			values := []any{"journal_id", e.id}
			for k, v := range e.unreadable {
				values = append(values, k, v)
			}
			p.XAdd(ctx, &redis.XAddArgs{Stream: j.unreadableKey(), Values: values})
			done = append(done, e.id)
		}
		p.XDel(ctx, j.stream(), done...)
		return nil
	})
	if err != nil {
		return fmt.Errorf("votes: journal: %w", err)
	}
	return nil
}

// journalEntry is one stream entry and where its ballots sit in the batch
// read with it. An entry that cannot be read (the gate never writes one)
// has no ballots and keeps its fields, to be set aside.
type journalEntry struct {
	id         string
	from, to   int
	unreadable map[string]any
}

// read takes whole entries from the start of the journal until it has at
// least want ballots or the journal ends.
func (j *Journal) read(ctx context.Context, want int) ([]journalEntry, []Ballot, error) {
	var entries []journalEntry
	var bs []Ballot
	err := j.scan(ctx, "+", 64, func(m redis.XMessage) bool {
		e := journalEntry{id: m.ID, from: len(bs)}
		if got, err := decodeEntry(m.Values); err == nil {
			bs = append(bs, got...)
		} else {
			e.unreadable = m.Values
		}
		e.to = len(bs)
		entries = append(entries, e)
		return len(bs) < want
	})
	return entries, bs, err
}

// scan walks the journal's entries from its start up to end ("+" for all),
// page entries per round trip, while each returns true.
func (j *Journal) scan(ctx context.Context, end string, page int64, each func(redis.XMessage) bool) error {
	for start := "-"; ; {
		msgs, err := j.Redis.XRangeN(ctx, j.stream(), start, end, page).Result()
		if err != nil {
			return fmt.Errorf("votes: journal: %w", err)
		}
		for _, m := range msgs {
			if !each(m) {
				return nil
			}
		}
		if int64(len(msgs)) < page {
			return nil
		}
		start = "(" + msgs[len(msgs)-1].ID
	}
}

// Run drains until ctx ends. While votes arrive in a steady stream the
// drain waits (up to MaxLag behind the oldest waiting ballot), so moving
// ballots to MongoDB does not take the processor from voting in a rush (on
// one machine with the embedded database an insert costs several times
// what a vote does); it drains at once when voting pauses for Quiet, when
// the oldest ballot has waited MaxLag, and always when MaxLag is 0. Every
// ballot is durable in the journal meanwhile, and reconcile counts it.
// Failures are told to onErr and retried after a pause.
func (d *Drainer) Run(ctx context.Context, idle time.Duration, onErr func(error)) {
	for ctx.Err() == nil {
		wait, err := d.due(ctx, idle)
		if err == nil && wait == 0 {
			var n int
			if n, err = d.Once(ctx); n > 0 && err == nil {
				continue
			}
			wait = idle
		}
		if err != nil && !errors.Is(err, ErrLocked) && ctx.Err() == nil {
			if onErr != nil {
				onErr(err)
			}
			wait = time.Second
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
}

// due says how long the drain should wait before its next batch (see Run).
func (d *Drainer) due(ctx context.Context, idle time.Duration) (time.Duration, error) {
	if d.MaxLag <= 0 {
		return 0, nil
	}
	j := d.Journal
	var first, last *redis.XMessageSliceCmd
	var now *redis.TimeCmd
	_, err := j.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
		first = p.XRangeN(ctx, j.stream(), "-", "+", 1)
		last = p.XRevRangeN(ctx, j.stream(), "+", "-", 1)
		now = p.Time(ctx)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("votes: journal: %w", err)
	}
	if len(first.Val()) == 0 || len(last.Val()) == 0 {
		return idle, nil
	}
	t := now.Val()
	return pace(t.Sub(entryTime(first.Val()[0].ID)), t.Sub(entryTime(last.Val()[0].ID)), d.MaxLag, d.Quiet), nil
}

// pace is the drain's policy: given how long the oldest and the newest
// waiting ballots have waited, it waits for a pause in voting of at least
// quiet, but never lets the oldest wait longer than maxLag.
func pace(oldest, newest, maxLag, quiet time.Duration) time.Duration {
	if oldest >= maxLag || newest >= quiet {
		return 0
	}
	return min(quiet-newest, maxLag-oldest)
}

// entryTime is when Redis wrote a stream entry (its id is "ms-seq").
func entryTime(id string) time.Time {
	ms, _, _ := strings.Cut(id, "-")
	n, _ := strconv.ParseInt(ms, 10, 64)
	return time.UnixMilli(n)
}

// All drains until the journal is empty (tests, benches, shutdown).
func (d *Drainer) All(ctx context.Context) error {
	for {
		n, err := d.Once(ctx)
		if errors.Is(err, ErrLocked) {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
			continue
		}
		if err != nil {
			return err
		}
		if n == 0 {
			left, err := d.Journal.Redis.XLen(ctx, d.Journal.stream()).Result()
			if err != nil || left == 0 {
				return err
			}
		}
	}
}

// pending counts, under the journal lock, the ballots of a campaign still
// in the journal per entry (counted and held), up to the journal's
// position at.
func (j *Journal) pending(ctx context.Context, campaignID, at string) (Totals, error) {
	out := newTotals()
	if at == "" {
		return out, nil
	}
	err := j.scan(ctx, at, 5000, func(m redis.XMessage) bool {
		bs, _ := decodeEntry(m.Values)
		for _, b := range bs {
			if b.CampaignID == campaignID {
				out.add(b, 1)
			}
		}
		return true
	})
	if err != nil {
		return Totals{}, err
	}
	return out, nil
}

// snapshot reads a campaign's counters (shown and held) and the journal's
// last position in one transaction: every journaled ballot up to that
// position is in the counters, none after it.
func (j *Journal) snapshot(ctx context.Context, campaignID string) (Totals, string, error) {
	var top *redis.ZSliceCmd
	var last *redis.XMessageSliceCmd
	var held *redis.MapStringStringCmd
	_, err := j.Redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
		top = p.ZRangeWithScores(ctx, j.Keys.TopKey(campaignID), 0, -1)
		last = p.XRevRangeN(ctx, j.stream(), "+", "-", 1)
		held = p.HGetAll(ctx, heldKey(campaignID))
		return nil
	})
	if err != nil {
		return Totals{}, "", fmt.Errorf("votes: snapshot: %w", err)
	}
	out := Totals{Counted: make(map[string]int64, len(top.Val())), Held: parseHeld(held.Val())}
	for _, z := range top.Val() {
		id, _ := z.Member.(string)
		out.Counted[id] = int64(z.Score)
	}
	at := ""
	if ms := last.Val(); len(ms) > 0 {
		at = ms[0].ID
	}
	return out, at, nil
}

// Backlog is how many ballots wait in the journal (it reads the whole
// journal: for tests and operators, not for a hot path).
func (j *Journal) Backlog(ctx context.Context) (int64, error) {
	var n int64
	err := j.scan(ctx, "+", 500, func(m redis.XMessage) bool {
		raw, _ := m.Values["b"].(string)
		if v, _ := m.Values["v"].(string); v == "2" || v == "3" {
			n += int64(strings.Count(raw, recordSep)) + 1
		} else {
			n++
		}
		return true
	})
	return n, err
}

// keepFor is how long a voter's record for a period is kept from now: a
// day past the period's end (past the close of voting for Once).
func keepFor(r Rules, now, next time.Time) time.Duration {
	if next.IsZero() {
		next = r.ClosesAt
	}
	return next.Add(24 * time.Hour).Sub(now)
}
