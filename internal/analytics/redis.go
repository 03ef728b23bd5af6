package analytics

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Counter keeps the counters in Redis. Every key is per campaign:
//
//	an:{c}:tot          hash  step -> total
//	an:{c}:d:YYYYMMDD   hash  step -> that UTC day's count
//	an:{c}:src          hash  "source|step" -> count
//	an:{c}:srcs         set   the campaign's distinct sources (at most MaxSources)
//	an:{c}:once:{step}  hash  subject -> 1 (a step counted once per subject)
//	an:{c}:esrc         hash  entry -> the source it came with
//	an:{c}:flag         hash  entry -> its flagged ballots
//	an:{c}:v:YYYYMMDD:{visitor}  a visit claimed for the day (expires)
//
// The counters are kept without expiry: a campaign's figures are its
// record (Redis runs with its append-only file).
type Counter struct {
	Redis *redis.Client
	Now   func() time.Time
	// MaxSources bounds distinct sources per campaign (the cookie is the
	// visitor's to forge); later ones count as Other. 0 means 200.
	MaxSources int
}

var _ Events = (*Counter)(nil)

func key(campaignID, part string) string { return "an:" + campaignID + ":" + part }

// DayKey is the campaign's hash for the UTC day of at.
func DayKey(campaignID string, at time.Time) string {
	return key(campaignID, "d:"+at.UTC().Format("20060102"))
}

// TotalsKey is the campaign's hash of totals.
func TotalsKey(campaignID string) string { return key(campaignID, "tot") }

// FlaggedKey is the campaign's hash of flagged ballots per entry.
func FlaggedKey(campaignID string) string { return key(campaignID, "flag") }

//go:embed count.lua
var countScriptLua string

// countScript claims the event (when it has a claim key), adds to the
// totals and the day (unless only crediting), and credits the source: the
// one given, else the one the subject (an entry) came with. One script,
// so a claimed event is always counted, and counted once.
//
// KEYS: claim (” for none), totals, day, sources hash, sources set, entry sources
// ARGV: step, n, subject, source, max sources, claim ttl seconds (0: a
// permanent claim in a hash), totals (1 or 0)
var countScript = redis.NewScript(countScriptLua)

type event struct {
	campaignID string
	step       Step
	n          int64
	claim      string // key of the claim; "" for none
	subject    string
	ttl        time.Duration // of the claim; 0: a field in the step's once-hash
	totals     bool
}

func (c *Counter) run(ctx context.Context, ev event) (bool, error) {
	maxSources := c.MaxSources
	if maxSources <= 0 {
		maxSources = 200
	}
	cid := ev.campaignID
	keys := []string{ev.claim, TotalsKey(cid), DayKey(cid, c.Now()), key(cid, "src"), key(cid, "srcs"), key(cid, "esrc")}
	totals := "0"
	if ev.totals {
		totals = "1"
	}
	n, err := countScript.Run(ctx, c.Redis, keys, string(ev.step), ev.n, ev.subject, SourceFor(ctx, cid), maxSources,
		int64(ev.ttl/time.Second), totals).Int()
	if err != nil {
		return false, fmt.Errorf("analytics: count %s: %w", ev.step, err)
	}
	return n == 1, nil
}

// Count counts one event of a step: once per subject when subject is not
// empty (an entry's upload, its going live), every time otherwise.
func (c *Counter) Count(ctx context.Context, campaignID string, step Step, subject string) error {
	ev := event{campaignID: campaignID, step: step, n: 1, subject: subject, totals: true}
	if subject != "" {
		ev.claim = key(campaignID, "once:"+string(step))
	}
	_, err := c.run(ctx, ev)
	return err
}

// Visit counts a landing visit, once per visitor and UTC day; it reports
// whether this one counted.
func (c *Counter) Visit(ctx context.Context, campaignID, visitor string) (bool, error) {
	ev := event{campaignID: campaignID, step: Visits, n: 1, totals: true}
	if visitor != "" {
		ev.claim, ev.ttl = key(campaignID, "v:"+c.Now().UTC().Format("20060102")+":"+visitor), 26*time.Hour
	}
	return c.run(ctx, ev)
}

// Credit credits the source in ctx with one event of a step counted
// elsewhere (a vote: the ballot is counted when it reaches MongoDB, where
// the visitor's cookie is not known).
func (c *Counter) Credit(ctx context.Context, campaignID string, step Step) error {
	if SourceFor(ctx, campaignID) == "" {
		return nil
	}
	_, err := c.run(ctx, event{campaignID: campaignID, step: step, n: 1})
	return err
}

// Add adds n to a step's totals and today's count, with no claim and no
// source (fraud review's discounts and restores).
func (c *Counter) Add(ctx context.Context, campaignID string, step Step, n int64) error {
	_, err := c.run(ctx, event{campaignID: campaignID, step: step, n: n, totals: true})
	return err
}

func num(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }
