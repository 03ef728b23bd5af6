package judging

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// DrawPrefix starts every draw id.
const DrawPrefix = "dr_"

// Draw is a random pick among eligible entries for a sweepstakes prize.
// Everything needed to check it is kept and published: the seed, the
// eligible entries and the method (Pick).
type Draw struct {
	ID, CampaignID string
	Prize          string
	Place          int // the place its winners take on the winners page
	Count          int
	Seed           string
	Source         string   // who was eligible, in words ("every live entry", "Round 2: Jury")
	Eligible       []string // entry ids, sorted
	Winners        []string // entry ids, in the order drawn
	By             string
	At             time.Time
}

// Method says how anyone can repeat a draw.
const Method = "Each eligible entry id is hashed as SHA-256(seed + \":\" + id); the entries are sorted by that hash " +
	"(as lower-case hex, smallest first) and the first ones win."

// Pick draws n winners from the eligible ids with a seed. The same seed
// and the same set of ids give the same winners in the same order,
// whatever order the ids come in.
func Pick(seed string, eligible []string, n int) []string {
	type keyed struct{ key, id string }
	list := make([]keyed, 0, len(eligible))
	for _, id := range eligible {
		sum := sha256.Sum256([]byte(seed + ":" + id))
		list = append(list, keyed{hex.EncodeToString(sum[:]), id})
	}
	slices.SortFunc(list, func(a, b keyed) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	n = min(n, len(list))
	out := make([]string, n)
	for i := range n {
		out[i] = list[i].id
	}
	return out
}

// NewSeed returns 128 random bits as hex.
func NewSeed() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// DrawRequest is what an owner asks for.
type DrawRequest struct {
	Prize          string
	Place          int
	Count          int
	Seed           string // "" for a fresh random seed
	RoundID        string // "" for every live entry
	ExcludeWinners bool   // leave out entries that already won
}

// Validate checks the request's fields.
func (r *DrawRequest) Validate() error {
	fe := FieldErrors{}
	r.Prize, r.Seed = strings.TrimSpace(r.Prize), strings.TrimSpace(r.Seed)
	if n := utf8.RuneCountInString(r.Prize); n == 0 || n > 200 {
		fe["prize"] = "name the prize in up to 200 characters"
	}
	if r.Count < 1 || r.Count > 100 {
		fe["count"] = "draw from 1 to 100 winners"
	}
	if r.Place < 1 || r.Place > 100 {
		fe["place"] = "must be a whole number from 1 to 100"
	}
	if len(r.Seed) > 128 || strings.ContainsFunc(r.Seed, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
		fe["seed"] = "use up to 128 letters, digits and punctuation, without spaces (or leave it empty)"
	}
	return fe.orNil()
}

// Verify repeats a recorded draw and reports whether it gives the same
// winners.
func (d Draw) Verify() bool { return slices.Equal(Pick(d.Seed, d.Eligible, d.Count), d.Winners) }

// String is the draw in one line, for logs and audit records.
func (d Draw) String() string {
	return fmt.Sprintf("%d of %d eligible, seed %s", len(d.Winners), len(d.Eligible), d.Seed)
}
