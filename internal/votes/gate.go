package votes

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Limits are the velocity limits and friction thresholds every vote is
// counted against in Redis, in the same script that records it. Zero
// values turn a limit off.
type Limits struct {
	// Hard limits (the vote is refused with LimitedError): votes per
	// Window from one address (its keyed hash) and from one /24 (IPv6
	// /64) network.
	PerIP, PerNetwork int64
	Window            time.Duration
	// Challenge turns graduated friction on: a vote that looks automated
	// must come with a solved proof of work (Voter.Proof) or from a voter
	// who confirmed their email; otherwise it is refused with
	// ChallengeError. It looks automated when it has no page view or came
	// within two seconds of it, when its address sent more than Burst
	// votes in BurstWindow, or when more than Crowd different voters voted
	// from its address this hour.
	Challenge   bool
	Burst       int64
	BurstWindow time.Duration
	Crowd       int64
}

// Why a vote looks automated (ChallengeError.Reasons).
const (
	ReasonNoPageView = "no_page_view"
	ReasonTooFast    = "too_fast"
	ReasonBurst      = "burst"
	ReasonCrowded    = "crowded_address"
)

// reasonBits are the reasons in the order they are reported; the script
// uses their positions as bits.
var reasonBits = []string{ReasonNoPageView, ReasonTooFast, ReasonBurst, ReasonCrowded}

func reasonsOf(bits int64) []string {
	var out []string
	for i, r := range reasonBits {
		if bits&(1<<i) != 0 {
			out = append(out, r)
		}
	}
	return out
}

// LimitedError says the vote's address or network is over its hard limit.
type LimitedError struct{ Wait time.Duration }

func (e *LimitedError) Error() string { return "votes: too many votes from this address or network" }

// ChallengeError says the vote looks automated and must come back with a
// solved challenge (or from a voter who confirmed their email).
type ChallengeError struct{ Reasons []string }

func (e *ChallengeError) Error() string { return "votes: challenge required" }

// Proof is a proof-of-work answer the caller has checked (signature,
// subject, expiry and work). The gate uses it up, once, by setting UsedKey
// in the same script that counts the vote.
type Proof struct {
	UsedKey string
	Until   time.Time // when the challenge expires
}

// Gate is where every vote passes in Redis. Votes arriving together are
// gathered into one script call (group commit: a batch is sent as soon as
// a sender is free, up to MaxBatch votes, with Senders batches in flight),
// which for each vote in order checks the entry (in the gallery, not the
// voter's own), counts the address and network limits and the friction
// signals, and, with a journal, records the ballot: the voter's record for
// the period (the dedupe), the ballot in the journal, the entry's counter
// and the campaign's Top order (the entrant's daily figures are counted
// when the drain moves ballots to MongoDB). Counters that several
// votes of a batch share are read once and written once, so a batch costs
// Redis little more than its votes' records. Redis fsyncs the batch before
// it answers (see Durable), so every vote answered OK is durable.
//
// Without a journal the gate only checks, and the caller writes the ballot
// to MongoDB (group commit) and adds it to the counters.
type Gate struct {
	Redis   *redis.Client
	Keys    CounterKeys
	Journal *Journal // nil: check only
	Limits  Limits
	// MaxBatch caps the votes in one script call (default 256); Senders is
	// how many calls may be in flight at once (default 2: measured here,
	// fewer and larger batches beat more and smaller ones; 1 leaves Redis
	// idle while a batch travels).
	MaxBatch, Senders int

	mu     sync.RWMutex // read-held to queue; write-held to close in
	in     chan *gateCall
	closed bool
	done   chan struct{} // closed when the last sender has finished
}

// gateVote is one vote as the script sees it.
type gateVote struct {
	entryID, campaignID string
	ipHash, subnetHash  string
	voter               string
	ownerCheck          string // entrant id the card's owner must not be ("": no check)
	reasons             int64  // reason bits found before Redis (page view)
	verified            bool
	proof               *Proof
	slots               int // 0: one per entry; n: n per campaign and period
	voterKey            string
	keep                time.Duration // how long to keep the voter's record
	record              string        // the ballot as journaled; "" checks only
	request             string        // the client's idempotency key ("": none)
	at                  time.Time
}

// gateResult is what the script decided for one vote.
type gateResult struct {
	slot      int    // the campaign-scope slot taken (0 per entry)
	votes     int64  // the entry's total after the vote; -1 when not recorded
	challenge string // "email" or "pow" when friction was passed so
	// replayed: the voter's record already holds this vote under the same
	// idempotency key (a retry of a vote that was counted); slot is then
	// how many votes the voter has in the period, votes the entry's total.
	replayed bool
}

type gateCall struct {
	v    gateVote
	res  gateResult
	err  error
	done chan struct{}
}

// ErrStopped says the gate (or committer) is not running: the vote was not
// recorded.
var ErrStopped = errors.New("votes: stopped")

// Start runs the gate's senders until ctx ends. Votes queued by then are
// still sent; later ones are refused with ErrStopped (never recorded). A
// gate that was never started sends each vote alone.
func (g *Gate) Start(ctx context.Context) {
	if g.MaxBatch <= 0 {
		g.MaxBatch = 256
	}
	if g.Senders <= 0 {
		g.Senders = 2
	}
	g.in = make(chan *gateCall, 4*g.MaxBatch)
	g.done = make(chan struct{})
	var wg sync.WaitGroup
	for range g.Senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g.send()
		}()
	}
	go func() {
		wg.Wait()
		close(g.done)
	}()
	go func() {
		<-ctx.Done()
		g.mu.Lock()
		g.closed = true
		close(g.in)
		g.mu.Unlock()
	}()
}

// Done is closed once a started gate has stopped and sent every vote
// queued before.
func (g *Gate) Done() <-chan struct{} { return g.done }

// pass runs one vote through the gate and waits for its outcome. Once
// queued, it waits even if ctx ends: the vote may be recorded, and the
// answer says whether it was.
func (g *Gate) pass(ctx context.Context, v gateVote) (gateResult, error) {
	c := &gateCall{v: v, done: make(chan struct{})}
	if g.in == nil {
		g.run(ctx, []*gateCall{c})
		return c.res, c.err
	}
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return gateResult{}, ErrStopped
	}
	select {
	case g.in <- c:
	case <-ctx.Done():
		g.mu.RUnlock()
		return gateResult{}, ctx.Err()
	}
	g.mu.RUnlock()
	<-c.done
	return c.res, c.err
}

// send takes whatever votes are waiting, up to MaxBatch, and runs them as
// one batch, until the gate is closed and empty.
func (g *Gate) send() {
	batch := make([]*gateCall, 0, g.MaxBatch)
	for c := range g.in {
		batch = append(batch[:0], c)
	gather:
		for len(batch) < g.MaxBatch {
			select {
			case c, ok := <-g.in:
				if !ok {
					break gather
				}
				batch = append(batch, c)
			default:
				break gather
			}
		}
		// A batch runs on a context of its own: one caller giving up must
		// not cancel the others' votes.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		g.run(ctx, batch)
		cancel()
	}
}

// run sends one batch and hands each call its outcome.
func (g *Gate) run(ctx context.Context, batch []*gateCall) {
	keys, args := g.encode(batch)
	res, err := gateScript.Run(ctx, g.Redis, keys, args...).Int64Slice()
	if err == nil && len(res) != 4*len(batch) {
		err = fmt.Errorf("script answered %d values for %d votes", len(res), len(batch))
	}
	for i, c := range batch {
		if err != nil {
			c.err = fmt.Errorf("votes: gate: %w", err)
		} else {
			c.res, c.err = decodeOutcome(c.v, res[4*i:4*i+4])
		}
		close(c.done)
	}
}

// decodeOutcome turns the script's four numbers for a vote into its result.
func decodeOutcome(v gateVote, r []int64) (gateResult, error) {
	switch r[0] {
	case 0:
		out := gateResult{slot: int(r[1]), votes: r[2]}
		switch r[3] {
		case 1:
			out.challenge = "email"
		case 2:
			out.challenge = "pow"
		}
		return out, nil
	case 1:
		return gateResult{}, ErrNotVotable
	case 2:
		return gateResult{}, &LimitedError{Wait: time.Duration(r[1]) * time.Millisecond}
	case 3:
		return gateResult{}, &ChallengeError{Reasons: reasonsOf(r[1])}
	case 4:
		return gateResult{}, ErrAlreadyVoted
	case 5:
		return gateResult{}, ErrNoVotesLeft
	case 6:
		return gateResult{}, ErrSelfVote
	case 7:
		return gateResult{slot: int(r[1]), votes: r[2], replayed: true}, nil
	}
	return gateResult{}, fmt.Errorf("votes: gate: unknown outcome %d", r[0])
}

// Arguments the script reads by position: KEYS[1] is the journal, then
// gateKeys keys per vote; ARGV holds gateHeader values, then gateFields
// per vote.
const (
	gateKeys   = 8
	gateHeader = 8
	gateFields = 10
)

// encode lays a batch out for the script (see gateScript).
func (g *Gate) encode(batch []*gateCall) (keys []string, args []any) {
	l := g.Limits
	stream := ""
	if g.Journal != nil {
		stream = g.Journal.stream()
	}
	keys = make([]string, 1, 1+gateKeys*len(batch))
	keys[0] = stream
	args = make([]any, 0, gateHeader+gateFields*len(batch))
	args = append(args, len(batch), limitOrMax(l.PerIP), limitOrMax(l.PerNetwork), l.Window.Milliseconds(),
		limitOrMax(l.Burst), l.BurstWindow.Milliseconds(), limitOrMax(l.Crowd), flag(l.Challenge))
	for _, c := range batch {
		v := c.v
		var ip, net, burst, crowd, voterKey, proof string
		var proofTTL int64
		if l.PerIP > 0 && v.ipHash != "" {
			ip = "rl:vote:ip:" + v.ipHash
		}
		if l.PerNetwork > 0 && v.subnetHash != "" {
			net = "rl:vote:net:" + v.subnetHash
		}
		if l.Challenge && l.Burst > 0 && v.ipHash != "" {
			burst = "rl:vote:burst:" + v.ipHash
		}
		if v.record != "" {
			voterKey = v.voterKey
		}
		if l.Challenge && l.Crowd > 0 && v.ipHash != "" {
			// With voter records the script counts the address's new
			// voters; without, it keeps a set of them.
			kind := "vote:voters:"
			if voterKey != "" {
				kind = "vote:newvoters:"
			}
			crowd = kind + v.ipHash + ":" + v.at.UTC().Format("2006010215")
		}
		if v.proof != nil {
			proof = v.proof.UsedKey
			proofTTL = max(v.proof.Until.Sub(v.at)+time.Minute, time.Second).Milliseconds()
		}
		keys = append(keys, g.Keys.CardKey(v.entryID), g.Keys.TopKey(v.campaignID), ip, net, burst, crowd, voterKey, proof)
		args = append(args, v.entryID, v.ownerCheck, v.reasons, flag(v.verified), v.slots, max(int64(v.keep.Seconds()), 1),
			v.voter, proofTTL, v.record, v.request)
	}
	return keys, args
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// limitOrMax is a limit for the script: off (0) is never reached.
func limitOrMax(n int64) int64 {
	if n <= 0 {
		return 1 << 53
	}
	return n
}

// gateScript checks, and with a journal records, a batch of votes in
// order.
//
// KEYS: the journal, then per vote its card, its campaign's Top order, its
// address's limit counter, its network's, its address's
// burst counter, its address's crowd counter (new voters this hour) or set
// (voters this hour, without voter records), its voter record, the
// used-proof marker ("" for a key not used).
//
// ARGV: vote count, address limit, network limit, their window (ms), burst
// limit, its window (ms), crowd limit, challenge on (1/0); then per vote the entry id, the entrant id its
// card's owner must not be (""), reason bits found before (1 no page view,
// 2 too fast), verified voter (1/0), slots (0: one vote per entry), seconds
// to keep the voter record, voter id, the proof's ttl (ms), the journal
// record ("": check only), the client's idempotency key ("": none). The
// voter record maps each entry voted for to the key its vote came with
// ("1" without one), so a retry of a counted vote is known before anything
// is counted again.
//
// An entry is live when it is in its campaign's Top order (the gallery
// keeps card and member together); one ZMSCORE per campaign asks for the
// whole batch.
//
// Per vote it answers four numbers: outcome (0 ok, 1 not live, 2 limited,
// 3 challenge, 4 already voted, 5 no votes left, 6 own entry, 7 a retry of
// a counted vote), then for 0 the slot, the entry's new total (-1 when not
// recorded) and how friction was passed (0 not needed, 1 email, 2 proof of
// work); for 2 the wait (ms); for 3 the reason bits (4 burst, 8 crowded
// added); for 7 the voter's votes this period and the entry's total.
//
// Counters several votes share are read once and written once at the end
// (INCRBY, HINCRBY, ZINCRBY, one XADD for the batch); the script runs
// atomically, so this is the same as counting vote by vote. Values are
// kept as strings where Redis only passes them on (number conversions cost
// more than the commands here). A voter record is new when EXPIRE NX sets
// its expiry (Redis 7.0).
var gateScript = redis.NewScript(`#!lua
-- The shebang (Redis 7) makes Redis refuse the whole script when it is out
-- of memory, before any write, instead of failing it part way.
local n = tonumber(ARGV[1])
local ipMax, netMax, win = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local burstMax, burstWin = tonumber(ARGV[5]), ARGV[6]
local crowdMax, challengeOn = tonumber(ARGV[7]), ARGV[8] == '1'
local hour, CH = '7200000', {'0', '1', '2'}
local live, owner, count, fresh, window, added, members, tally, recs, out = {}, {}, {}, {}, {}, {}, {}, {}, {}, {}

-- counter is a fixed-window counter's value: read once, plus this batch's.
local function counter(k, w)
  local c = count[k]
  if c == nil then
    local v = redis.call('GET', k)
    fresh[k], window[k], added[k] = not v, w, 0
    c = tonumber(v or '0')
    count[k] = c
  end
  return c
end
local function bump(k, w)
  local c = counter(k, w) + 1
  count[k], added[k] = c, added[k] + 1
  return c
end
-- wait is how long until counter k's window ends (ms).
local function wait(k)
  if not fresh[k] then
    local t = redis.call('PTTL', k)
    if t > 0 then return t end
  end
  return tonumber(window[k])
end

-- A live entry is in its campaign's Top order (the gallery adds and
-- removes the card and the member together): one ZMSCORE per campaign
-- tells which of the batch's entries are live.
local asked = {}
for i = 0, n - 1 do
  local top, entry = KEYS[3 + i * 8], ARGV[9 + i * 10]
  local q = asked[top]
  if q == nil then
    q = {seen = {}, list = {}}
    asked[top] = q
  end
  if not q.seen[entry] then
    q.seen[entry] = true
    q.list[#q.list + 1] = entry
  end
end
for top, q in pairs(asked) do
  local scores = redis.call('ZMSCORE', top, unpack(q.list))
  for j, e in ipairs(q.list) do live[top .. '\0' .. e] = scores[j] ~= false end
end

for i = 0, n - 1 do
  local k, a = 1 + i * 8, 8 + i * 10
  local card, top, ip, net, burst, crowd, vk, pk = KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[k + 4], KEYS[k + 5], KEYS[k + 6], KEYS[k + 7], KEYS[k + 8]
  local entry, notOwner, reasons, verified, slots = ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5]
  local keep, voter, pttl, rec, req = ARGV[a + 6], ARGV[a + 7], ARGV[a + 8], ARGV[a + 9], ARGV[a + 10]
  local code, x, y, ch = 0, 0, -1, 0
  local mark = '1'
  if req ~= '' then mark = req end
  if req ~= '' and vk ~= '' and redis.call('HGET', vk, entry) == req then
    -- A retry of a vote already counted: its first outcome, nothing
    -- counted again.
    code, x, y = 7, redis.call('HLEN', vk), tonumber(redis.call('HGET', card, 'votes') or '0')
  elseif not live[top .. '\0' .. entry] then
    code = 1
  elseif notOwner ~= '' then
    local o = owner[card]
    if o == nil then
      o = redis.call('HGET', card, 'owner') or ''
      owner[card] = o
    end
    if o == notOwner then code = 6 end
  end
  if code == 0 then
    local w = 0
    if ip ~= '' and bump(ip, win) > ipMax then w = math.max(w, wait(ip)) end
    if net ~= '' and bump(net, win) > netMax then w = math.max(w, wait(net)) end
    local r = tonumber(reasons)
    if burst ~= '' and bump(burst, burstWin) > burstMax then r = r + 4 end
    if crowd ~= '' then
      if vk ~= '' then
        if counter(crowd, hour) >= crowdMax then r = r + 8 end
      else
        local c = members[crowd]
        if c == nil then c = redis.call('SCARD', crowd) end
        if c <= crowdMax and redis.call('SADD', crowd, voter) == 1 then
          c = c + 1
          if c == 1 then redis.call('PEXPIRE', crowd, hour) end
        end
        members[crowd] = c
        if c > crowdMax then r = r + 8 end
      end
    end
    if w > 0 then
      code, x = 2, w
    elseif r > 0 and challengeOn then
      if verified == '1' then
        ch = 1
      elseif pk ~= '' and redis.call('SET', pk, '1', 'NX', 'PX', pttl) then
        ch = 2
      else
        code, x = 3, r
      end
    end
  end
  if code == 0 and vk ~= '' then
    local slot = '0'
    if slots == '0' then
      if redis.call('HSETNX', vk, entry, mark) == 0 then code = 4 end
    elseif redis.call('HEXISTS', vk, entry) == 1 then
      code = 4
    else
      local s = redis.call('HLEN', vk) + 1
      if s > tonumber(slots) then
        code = 5
      else
        redis.call('HSET', vk, entry, mark)
        slot, x = tostring(s), s
      end
    end
    if code == 0 then
      if redis.call('EXPIRE', vk, keep, 'NX') == 1 and crowd ~= '' then bump(crowd, hour) end
      recs[#recs + 1] = slot .. '\31' .. CH[ch + 1] .. '\31' .. rec
      local t = tally[card]
      if t == nil then
        t = {entry = entry, top = top, n = 0, at = {}}
        tally[card] = t
      end
      t.n = t.n + 1
      t.at[#t.at + 1] = #out + 3
      y = t.n
    end
  end
  out[#out + 1] = code
  out[#out + 1] = x
  out[#out + 1] = y
  out[#out + 1] = ch
end

for k, c in pairs(added) do
  redis.call('INCRBY', k, c)
  if fresh[k] then redis.call('PEXPIRE', k, window[k]) end
end
for card, t in pairs(tally) do
  local total = redis.call('HINCRBY', card, 'votes', t.n)
  for _, p in ipairs(t.at) do out[p] = total - t.n + out[p] end
  redis.call('ZINCRBY', t.top, t.n, t.entry)
end
if #recs > 0 then redis.call('XADD', KEYS[1], '*', 'v', '2', 'b', table.concat(recs, '\30')) end
return out`)
