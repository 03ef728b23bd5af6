package votes

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Limits are the velocity limits, friction thresholds and holding checks
// every vote is counted against in Redis, in the same script that records
// it. Zero values turn a limit off. Every window is a fixed window of the
// vote's own clock (Service.Now), so a test's clock moves them too.
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
	// votes in BurstWindow, or when Crowd new voters had already voted
	// from its address in the HoldWindow.
	Challenge   bool
	Burst       int64
	BurstWindow time.Duration
	Crowd       int64
	// Escalation. A challenge asks PowBits of work, one more bit for every
	// two voters beyond the first two that the address has shown in the
	// HoldWindow, up to PowMaxBits (PowBits 0: the challenger's fixed
	// difficulty). Once VoterCap new voters have voted from an address in
	// the HoldWindow, a new voter there must confirm their email first
	// (ErrConfirmEmail).
	PowBits, PowMaxBits int
	VoterCap            int64
	// Holding (see Checks): a vote is recorded but held out of the public
	// totals when a check its campaign keeps on finds its address's
	// cluster suspicious. The counts run over HoldWindow (default an
	// hour). NewPerIP and NewPerNetwork: new voters from one address or
	// /24 before their votes are held; UnwatchedPerIP: new voters who
	// watched nothing, from one address, before theirs are held;
	// RegularStreak: machine-regular votes in a row from one address
	// before the next are held; Automation: hold votes whose browser
	// reports automation.
	HoldWindow                    time.Duration
	NewPerIP, NewPerNetwork       int64
	UnwatchedPerIP, RegularStreak int64
	Automation                    bool
}

// holdWindow is the window the address counts run over.
func (l Limits) holdWindow() time.Duration {
	if l.HoldWindow <= 0 {
		return time.Hour
	}
	return l.HoldWindow
}

// perAddress reports whether the gate keeps any per-address state for the
// hold checks, the crowd, the voter cap or escalation.
func (l Limits) perAddress() bool {
	return l.Challenge && l.Crowd > 0 || l.NewPerIP > 0 || l.UnwatchedPerIP > 0 || l.RegularStreak > 0 || l.VoterCap > 0 || l.PowBits > 0
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
// solved challenge of Difficulty bits (0: the challenger's own) or from a
// voter who confirmed their email.
type ChallengeError struct {
	Reasons    []string
	Difficulty int
}

// ErrConfirmEmail says many new voters have voted from this address in the
// window: a new one there must confirm their email before their vote
// counts.
var ErrConfirmEmail = errors.New("votes: confirm an email to vote from this address")

func (e *ChallengeError) Error() string { return "votes: challenge required" }

// Proof is a proof-of-work answer the caller has checked (signature,
// subject, expiry and work). The gate uses it up, once, by setting UsedKey
// in the same script that counts the vote.
type Proof struct {
	UsedKey string
	Until   time.Time // when the challenge expires
	Bits    int       // the work it proves (leading zero bits)
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
	// PlayedKey names the Redis key that exists while a voter has lately
	// watched a video (a qualified view); nil: playback is not known and
	// no voter counts as unwatched.
	PlayedKey func(voter string) string
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
	sincePage           int64  // ms from the page view to the vote; -1 unknown
	hold                Checks // checks that hold it before Redis (automation)
	checks              Checks // the checks its campaign keeps on
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
	hold     Checks // the checks that held it (0: it counts in public)
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
	if err == nil && len(res) != gateOut*len(batch) {
		err = fmt.Errorf("script answered %d values for %d votes", len(res), len(batch))
	}
	for i, c := range batch {
		if err != nil {
			c.err = fmt.Errorf("votes: gate: %w", err)
		} else {
			c.res, c.err = decodeOutcome(res[gateOut*i : gateOut*i+gateOut])
		}
		close(c.done)
	}
}

// decodeOutcome turns the script's five numbers for a vote into its result.
func decodeOutcome(r []int64) (gateResult, error) {
	switch r[0] {
	case 0:
		out := gateResult{slot: int(r[1]), votes: r[2], hold: Checks(r[4])}
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
		return gateResult{}, &ChallengeError{Reasons: reasonsOf(r[1]), Difficulty: int(r[4])}
	case 4:
		return gateResult{}, ErrAlreadyVoted
	case 5:
		return gateResult{}, ErrNoVotesLeft
	case 6:
		return gateResult{}, ErrSelfVote
	case 7:
		return gateResult{slot: int(r[1]), votes: r[2], replayed: true, hold: Checks(r[4])}, nil
	case 8:
		return gateResult{}, ErrConfirmEmail
	}
	return gateResult{}, fmt.Errorf("votes: gate: unknown outcome %d", r[0])
}

// Arguments the script reads by position (see gateScript). Shared keys
// and values are sent once per group (an entry's, an address's) and each
// vote's numbers packed in one binary argument (voteBin), so a batch's
// arguments cost Redis little more than its votes' own keys and records.
const (
	gateHeader  = 18 // header values
	entryArgs   = 4  // per entry group: entry id, slots, keep-until (ms), checks on
	entryKeys   = 3  // per entry group: card, Top order, held hash
	addressKeys = 5  // per address group: limit, network limit, burst, state, network state
	voteArgs    = 5  // per vote: packed numbers, record, idempotency key, owner check, voter
	voteKeys    = 3  // per vote: voter record, used-proof marker, played marker
	gateOut     = 5  // numbers answered per vote
)

// voteBin is the layout of a vote's packed numbers (Redis's struct
// library): entry group, address group, reason bits, verified, hold bits
// from Go, proof bits, time (ms), page delay (ms), proof ttl (ms).
const voteBin = ">HHBBBBddd"

// encode lays a batch out for the script (see gateScript).
func (g *Gate) encode(batch []*gateCall) (keys []string, args []any) {
	l := g.Limits
	stream := ""
	if g.Journal != nil {
		stream = g.Journal.stream()
	}
	type entryGroup struct {
		entry, campaign string
		slots           int
		keepUntil       int64
		checks          Checks
	}
	entries, addrs := map[entryGroup]int{}, map[[addressKeys]string]int{}
	var eOrder []entryGroup
	var aOrder [][addressKeys]string
	hw := l.holdWindow()
	voteIdx := make([][2]int, len(batch))
	for i, c := range batch {
		v := c.v
		eg := entryGroup{v.entryID, v.campaignID, v.slots, v.at.Add(v.keep).UnixMilli(), v.checks}
		e, ok := entries[eg]
		if !ok {
			e = len(eOrder) + 1
			entries[eg] = e
			eOrder = append(eOrder, eg)
		}
		ag := g.addressKeys(v, hw)
		a, ok := addrs[ag]
		if !ok {
			a = len(aOrder) + 1
			addrs[ag] = a
			aOrder = append(aOrder, ag)
		}
		voteIdx[i] = [2]int{e, a}
	}
	keys = make([]string, 1, 1+entryKeys*len(eOrder)+addressKeys*len(aOrder)+voteKeys*len(batch))
	keys[0] = stream
	args = make([]any, 0, gateHeader+entryArgs*len(eOrder)+voteArgs*len(batch))
	args = append(args, len(batch), limitOrMax(l.PerIP), limitOrMax(l.PerNetwork), max(l.Window.Milliseconds(), 1),
		limitOrMax(l.Burst), l.BurstWindow.Milliseconds(), limitOrMax(l.Crowd), flag(l.Challenge), (2 * hw).Milliseconds(),
		limitOrMax(l.NewPerIP), limitOrMax(l.NewPerNetwork), limitOrMax(l.UnwatchedPerIP), limitOrMax(l.RegularStreak),
		limitOrMax(l.VoterCap), l.PowBits, max(l.PowMaxBits, l.PowBits), len(eOrder), len(aOrder))
	for _, eg := range eOrder {
		held := ""
		if g.Journal != nil {
			held = heldKey(eg.campaign)
		}
		keys = append(keys, g.Keys.CardKey(eg.entry), g.Keys.TopKey(eg.campaign), held)
		args = append(args, eg.entry, eg.slots, eg.keepUntil, int64(eg.checks))
	}
	for _, ag := range aOrder {
		keys = append(keys, ag[:]...)
	}
	for i, c := range batch {
		v := c.v
		var voterKey, proof, played, voter string
		var proofTTL int64
		proofBits := 0
		if v.record != "" {
			voterKey = v.voterKey
		} else {
			voter = v.voter // without voter records, the address's state tells new voters by id
		}
		if v.proof != nil {
			proof, proofBits = v.proof.UsedKey, v.proof.Bits
			proofTTL = max(v.proof.Until.Sub(v.at)+time.Minute, time.Second).Milliseconds()
		}
		if g.PlayedKey != nil && l.UnwatchedPerIP > 0 && v.checks.Has(CheckNoPlayback) && !v.verified {
			played = g.PlayedKey(v.voter)
		}
		keys = append(keys, voterKey, proof, played)
		args = append(args, packVote(voteIdx[i], v, proofBits, proofTTL), v.record, v.request, v.ownerCheck, voter)
	}
	return keys, args
}

// addressKeys are the keys of a vote's address and network in the current
// windows ("" for those not kept).
func (g *Gate) addressKeys(v gateVote, hw time.Duration) (out [addressKeys]string) {
	l := g.Limits
	if l.PerIP > 0 && v.ipHash != "" {
		out[0] = windowKey("rl:vote:ip:"+v.ipHash, v.at, l.Window)
	}
	if l.PerNetwork > 0 && v.subnetHash != "" {
		out[1] = windowKey("rl:vote:net:"+v.subnetHash, v.at, l.Window)
	}
	if l.Challenge && l.Burst > 0 && v.ipHash != "" {
		out[2] = windowKey("rl:vote:burst:"+v.ipHash, v.at, l.BurstWindow)
	}
	if l.perAddress() && v.ipHash != "" {
		out[3] = windowKey("vote:addr:"+v.ipHash, v.at, hw)
		if l.NewPerNetwork > 0 && v.subnetHash != "" {
			out[4] = windowKey("vote:net:"+v.subnetHash, v.at, hw)
		}
	}
	return out
}

// packVote packs a vote's numbers as voteBin.
func packVote(idx [2]int, v gateVote, proofBits int, proofTTL int64) string {
	var b [32]byte
	binary.BigEndian.PutUint16(b[0:], uint16(idx[0]))
	binary.BigEndian.PutUint16(b[2:], uint16(idx[1]))
	b[4], b[5], b[6], b[7] = byte(v.reasons), byte(flagInt(v.verified)), byte(v.hold), byte(proofBits)
	binary.BigEndian.PutUint64(b[8:], math.Float64bits(float64(v.at.UnixMilli())))
	binary.BigEndian.PutUint64(b[16:], math.Float64bits(float64(v.sincePage)))
	binary.BigEndian.PutUint64(b[24:], math.Float64bits(float64(proofTTL)))
	return string(b[:])
}

func flagInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// windowKey is the key of a fixed window's counter: its base and the
// window's number (from the epoch).
func windowKey(base string, at time.Time, w time.Duration) string {
	if w <= 0 {
		w = time.Minute
	}
	return base + ":" + strconv.FormatInt(at.UnixMilli()/w.Milliseconds(), 36)
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

// heldKey is the hash of a campaign's held votes: field entry id, its
// held total; field "entry id|check", how many of them that check held.
func heldKey(campaignID string) string { return "votes:held:" + campaignID }
