package votes

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Journal is the second durable-ballot design: a vote is decided and
// written in Redis in one script (the voter's ballots this period, the
// ballot appended to a stream, the counters), acknowledged once Redis has
// it in its append-only file, and drained to MongoDB in large batches.
// It needs Redis to fsync every write (appendonly yes, appendfsync
// always): Redis then writes and syncs the file before it replies, so an
// acknowledged ballot survives a crash of Tryout or of Redis. Durable
// reports whether the server is set up so.
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
	// "votes" field counts the votes cast that day).
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

// dayKeep is how long an entry's daily counters are kept (as the gallery's).
const dayKeep = 120 * 24 * time.Hour

// castScript decides and records one vote atomically.
//
// KEYS: voter's ballots this period (hash entry -> ballot id), journal
// stream, entry card, campaign Top order, the entry's counters today.
// ARGV: entry id, slots (0: one per entry, no campaign limit), seconds
// to keep the voter's record, ballot id, ballot document, key base,
// seconds to keep the day's counters.
// Returns {slot, votes} (votes -1 when the card is gone), or {-1} already
// voted for this entry, {-2} no votes left.
var castScript = redis.NewScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return {-1} end
local slots = tonumber(ARGV[2])
local n = redis.call('HLEN', KEYS[1]) + 1
if slots > 0 and n > slots then return {-2} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[3])
local key = ARGV[6]
if slots > 0 then key = key .. '|' .. n end
redis.call('XADD', KEYS[2], '*', 'b', ARGV[5], 'k', key)
local votes = -1
if redis.call('EXISTS', KEYS[3]) == 1 then
  votes = redis.call('HINCRBY', KEYS[3], 'votes', 1)
  redis.call('ZINCRBY', KEYS[4], 1, ARGV[1])
  redis.call('HINCRBY', KEYS[5], 'votes', 1)
  redis.call('EXPIRE', KEYS[5], ARGV[7])
end
return {n, votes}`)

// cast records b (its Key is the key base) for the rules' scope. It
// returns the slot the ballot took and the entry's new total (-1 when not
// live).
func (j *Journal) cast(ctx context.Context, r Rules, b Ballot, keep time.Duration) (slot int, total int64, err error) {
	slots := 0
	if r.Scope == PerCampaign {
		slots = r.PerPeriod
	}
	doc, err := bson.Marshal(toBallotDoc(b))
	if err != nil {
		return 0, 0, fmt.Errorf("votes: encode ballot: %w", err)
	}
	keys := []string{voterKey(b.CampaignID, b.Voter, b.Period), j.stream(), j.Keys.CardKey(b.EntryID), j.Keys.TopKey(b.CampaignID), j.Keys.DayKey(b.EntryID, b.At)}
	res, err := castScript.Run(ctx, j.Redis, keys, b.EntryID, slots, max(int64(keep.Seconds()), 1), b.ID, doc, b.Key, int64(dayKeep.Seconds())).Int64Slice()
	if err != nil {
		return 0, 0, fmt.Errorf("votes: journal: %w", err)
	}
	switch res[0] {
	case -1:
		return 0, 0, ErrAlreadyVoted
	case -2:
		return 0, 0, ErrNoVotesLeft
	}
	return int(res[0]), res[1], nil
}

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
}

// ErrLocked says another drain or reconcile holds the journal.
var ErrLocked = errors.New("votes: journal busy")

// lock takes the journal's lock: one drain or reconcile at a time moves
// ballots or reads them, so a reconcile sees every ballot exactly once.
// The lease outlives any batch (inserts are bounded by 30 s).
func (j *Journal) lock(ctx context.Context) (unlock func(), err error) {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	ok, err := j.Redis.SetNX(ctx, j.lockKey(), token, time.Minute).Result()
	if err != nil {
		return nil, fmt.Errorf("votes: journal lock: %w", err)
	}
	if !ok {
		return nil, ErrLocked
	}
	return func() { _ = unlockScript.Run(context.Background(), j.Redis, []string{j.lockKey()}, token).Err() }, nil
}

var unlockScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

// waitLock takes the lock, waiting for its holder (bounded by ctx).
func (j *Journal) waitLock(ctx context.Context) (func(), error) {
	for {
		unlock, err := j.lock(ctx)
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

// Once drains up to one batch and returns how many ballots left the
// journal. Ballots MongoDB could not take stay for the next try.
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
	msgs, err := j.Redis.XRangeN(ctx, j.stream(), "-", "+", int64(batch)).Result()
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	type item struct {
		id string
		b  Ballot
		at int // index in bs; -1 when it cannot be read (never for what cast wrote)
	}
	items := make([]item, len(msgs))
	bs := make([]Ballot, 0, len(msgs))
	for i, m := range msgs {
		items[i] = item{id: m.ID, at: -1}
		if b, err := decodeJournaled(m.Values); err == nil {
			items[i].b, items[i].at = b, len(bs)
			bs = append(bs, b)
		}
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
	for _, it := range items {
		if it.at < 0 {
			done = append(done, it.id)
			continue
		}
		switch e := errs[it.at]; {
		case e == nil:
			done = append(done, it.id)
		case errors.Is(e, ErrDuplicate):
			if !have[it.b.ID] {
				if d.Tally != nil {
					_ = d.Tally.AddVotes(wctx, it.b.CampaignID, it.b.EntryID, -1)
				}
				if d.OnDropped != nil {
					d.OnDropped(it.b)
				}
			}
			done = append(done, it.id)
		default:
			failed = e
		}
	}
	if len(done) > 0 {
		if err := j.Redis.XDel(wctx, j.stream(), done...).Err(); err != nil {
			return 0, fmt.Errorf("votes: journal: %w", err)
		}
	}
	if failed != nil {
		return len(done), fmt.Errorf("votes: drain: %w", failed)
	}
	return len(done), nil
}

func decodeJournaled(v map[string]any) (Ballot, error) {
	raw, _ := v["b"].(string)
	key, _ := v["k"].(string)
	var d ballotDoc
	if err := bson.Unmarshal([]byte(raw), &d); err != nil {
		return Ballot{}, fmt.Errorf("votes: journaled ballot: %w", err)
	}
	d.Key = key
	return d.ballot(), nil
}

// Run drains until ctx ends: at once while there is a backlog, otherwise
// every Idle. Failures are told to onErr and retried after a pause.
func (d *Drainer) Run(ctx context.Context, idle time.Duration, onErr func(error)) {
	for ctx.Err() == nil {
		n, err := d.Once(ctx)
		wait := idle
		switch {
		case err != nil && !errors.Is(err, ErrLocked) && ctx.Err() == nil:
			if onErr != nil {
				onErr(err)
			}
			wait = time.Second
		case n > 0 && err == nil:
			continue
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
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
// in the journal per entry, up to the journal's position at.
func (j *Journal) pending(ctx context.Context, campaignID, at string) (map[string]int64, error) {
	out := map[string]int64{}
	if at == "" {
		return out, nil
	}
	start := "-"
	for {
		msgs, err := j.Redis.XRangeN(ctx, j.stream(), start, at, 5000).Result()
		if err != nil {
			return nil, fmt.Errorf("votes: journal: %w", err)
		}
		for _, m := range msgs {
			b, err := decodeJournaled(m.Values)
			if err == nil && b.CampaignID == campaignID {
				out[b.EntryID]++
			}
		}
		if len(msgs) < 5000 {
			return out, nil
		}
		start = "(" + msgs[len(msgs)-1].ID
	}
}

// snapshot reads a campaign's counters and the journal's last position in
// one transaction: every journaled ballot up to that position is in the
// counters, none after it.
func (j *Journal) snapshot(ctx context.Context, campaignID string) (map[string]int64, string, error) {
	var top *redis.ZSliceCmd
	var last *redis.XMessageSliceCmd
	_, err := j.Redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
		top = p.ZRangeWithScores(ctx, j.Keys.TopKey(campaignID), 0, -1)
		last = p.XRevRangeN(ctx, j.stream(), "+", "-", 1)
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("votes: snapshot: %w", err)
	}
	out := make(map[string]int64, len(top.Val()))
	for _, z := range top.Val() {
		id, _ := z.Member.(string)
		out[id] = int64(z.Score)
	}
	at := ""
	if ms := last.Val(); len(ms) > 0 {
		at = ms[0].ID
	}
	return out, at, nil
}

// Backlog is how many ballots wait in the journal.
func (j *Journal) Backlog(ctx context.Context) (int64, error) {
	return j.Redis.XLen(ctx, j.stream()).Result()
}

// keepFor is how long a voter's record for a period is kept from now: a
// day past the period's end (past the close of voting for Once).
func keepFor(r Rules, now, next time.Time) time.Duration {
	if next.IsZero() {
		next = r.ClosesAt
	}
	return next.Add(24 * time.Hour).Sub(now)
}
