package votes

import (
	_ "embed"

	"github.com/redis/go-redis/v9"
)

//go:embed gate.lua
var gateScriptLua string

// gateScript checks, and with a journal records, a batch of votes in
// order.
//
// KEYS: the journal; then per entry group (entryKeys) its card, its
// campaign's Top order and held hash; per address group (addressKeys) its
// address's limit counter, its network's, its address's burst counter
// (each the current fixed window's), its address's state and its network's
// state in the hold window (hashes: n new voters, u new voters who watched
// nothing, and the timing of the last vote: t at, g gap, s streak of regular
// gaps, p page delay, q streak of regular delays; without voter records the
// address's hash also keeps "v:voter" for each voter seen); then per vote
// (voteKeys) its voter record, the used-proof marker and the voter's played
// marker (exists while they lately watched a video). "" is a key not used.
//
// ARGV: vote count, address limit, network limit, their window (ms), burst
// limit, its window (ms), crowd limit, challenge on (1/0), how long state
// hashes are kept (ms), the hold limits (new voters per address, per
// network, unwatched new voters per address, regular votes in a row), the
// voter cap, the base and the highest proof-of-work bits, the number of
// entry groups and of address groups; then per entry group (entryArgs) the
// entry id, slots (0: one vote per entry), when its voter records expire
// (ms) and the checks its campaign keeps on (bits, see Checks); then per
// vote (voteArgs) its packed numbers (voteBin: entry group, address group,
// reason bits found before (1 no page view, 2 too fast), verified voter,
// checks that hold it already, the proof's bits, its time, its page delay
// and the proof's ttl), the journal record ("": check only), the client's
// idempotency key ("": none), the entrant id its card's owner must not be
// (""), and the voter id (only without voter records). The voter record
// maps each entry voted for to the key its vote came with ("1" without
// one), followed by "|bits" when the vote was held, so a retry of a counted
// vote is known before anything is counted again.
//
// An entry is live when it is in its campaign's Top order (the gallery
// keeps card and member together); one ZMSCORE per campaign asks for the
// whole batch.
//
// Per vote it answers five numbers: outcome (0 ok, 1 not live, 2 limited,
// 3 challenge, 4 already voted, 5 no votes left, 6 own entry, 7 a retry of
// a counted vote, 8 confirm an email first), then for 0 the slot, the
// entry's new total (-1 when not recorded or held), how friction was passed
// (0 not needed, 1 email, 2 proof of work) and the checks that held it
// (bits; 0 counted in public); for 2 the wait (ms); for 3 the reason bits
// (4 burst, 8 crowded added) and, fifth, the proof-of-work bits asked (0:
// the challenger's own); for 7 the voter's votes this period, the entry's
// total and, fifth, the checks that held it.
//
// A vote is held (recorded, out of the public totals) when one of the
// checks its campaign keeps on fires: its address (or network) has shown
// more new voters than the limit in the window, or more new voters who
// watched nothing (and this voter watched nothing), or a streak of
// machine-regular votes; or it came held from Go (automation). A voter who
// confirmed their email is held only for automation. A held vote adds to
// the campaign's held hash instead of the card and the Top order.
//
// Counters several votes share are read once and written once at the end
// (INCRBY, HSET, HINCRBY, ZINCRBY, one XADD for the batch); the script
// runs atomically, so this is the same as counting vote by vote. Values
// are kept as strings where Redis only passes them on (number conversions
// cost more than the commands here). A voter record is new when EXPIRE NX
// sets its expiry (Redis 7.0).
var gateScript = redis.NewScript(gateScriptLua)
