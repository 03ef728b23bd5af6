// Package gallery is the public read model of a campaign's live entries:
// the cards fans see and the orders they browse them in (top, newest,
// shuffled), plus title and name search. It is kept in Redis so a busy
// gallery never waits on MongoDB, updated on every change to a live entry,
// and rebuildable from MongoDB at any time.
package gallery

import (
	"errors"
	"strings"
	"time"
	"unicode"

	"github.com/tryout/tryout/internal/entries"
)

// ErrBadCursor says a page cursor was not one this package made.
var ErrBadCursor = errors.New("gallery: bad cursor")

// Card is what the gallery shows of one live entry. Nothing private: no
// entrant id, email or address.
type Card struct {
	ID              string
	CampaignID      string
	Title           string
	CreatorName     string
	Poster          string // API path; "" when there is none
	Preview         string
	DurationSeconds float64
	LiveAt          time.Time
	Views           int64
	Votes           int64
	// OwnerID is the entrant who made the entry, kept for the self-vote
	// rule only: never rendered, never in JSON (the privacy crawl checks).
	OwnerID string
}

// CardOf builds the card of a public entry; ok is false for an entry the
// public may not see (not live, or its ladder not published).
func CardOf(e entries.Entry) (c Card, ok bool) {
	if e.Status != entries.Live || !e.Renditions.Ready() {
		return Card{}, false
	}
	c = Card{
		ID: e.ID, CampaignID: e.CampaignID, Title: e.Title, CreatorName: e.CreatorName,
		Poster: e.MediaPath(e.Renditions.Poster), Preview: e.MediaPath(e.Renditions.Preview),
		LiveAt: e.LiveAt(), Views: e.Views, Votes: e.Votes, OwnerID: e.EntrantID,
	}
	if c.LiveAt.IsZero() {
		c.LiveAt = e.UpdatedAt
	}
	if e.Media != nil {
		c.DurationSeconds = e.Media.DurationSeconds
	}
	return c, true
}

// Order is how a gallery page is sorted.
type Order string

// The orders fans can choose.
const (
	Top     Order = "top"     // most votes first
	Newest  Order = "new"     // most recently live first
	Shuffle Order = "shuffle" // a stable random order per visitor
)

// ParseOrder reads an order name; anything unknown is Shuffle, the fair
// default that gives every entrant a turn at the top.
func ParseOrder(s string) Order {
	switch Order(s) {
	case Top, Newest:
		return Order(s)
	}
	return Shuffle
}

// Query asks for one page of a campaign's gallery.
type Query struct {
	CampaignID string
	Order      Order
	Seed       uint64 // the visitor's shuffle seed
	Search     string // words matched as prefixes of title and creator name words; overrides Order
	Cursor     string // from the previous page's Next; "" for the first page
	Limit      int
}

// Page is one page of cards.
type Page struct {
	Cards []Card
	Next  string // cursor of the next page; "" on the last
	Total int64  // live entries in the campaign (matches, when searching)
}

// maxWords bounds the search words kept per entry.
const maxWords = 40

// Words splits text into lower-case search words (letters and digits).
func Words(text ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range text {
		for _, w := range strings.FieldsFunc(strings.ToLower(t), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			if !seen[w] && len(out) < maxWords {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	return out
}

// Permutation is a keyed bijection on [0, n): a four-round Feistel network
// over the next power of four, cycle-walked into range. Position p of a
// shuffled gallery shows entry Index(p) of the newest-first order, so a
// visitor's order is stable for their seed, and across seeds every entry is
// equally likely to be anywhere.
type Permutation struct {
	n    uint64
	half uint // bits per Feistel half
	keys [4]uint64
}

// NewPermutation returns the permutation of [0, n) for seed.
func NewPermutation(n, seed uint64) Permutation {
	p := Permutation{n: n, half: 1}
	for uint64(1)<<(2*p.half) < n {
		p.half++
	}
	s := seed
	for i := range p.keys {
		s = splitmix(s)
		p.keys[i] = s
	}
	return p
}

// Index maps position i (< n) to the entry index shown there.
func (p Permutation) Index(i uint64) uint64 {
	if p.n <= 1 {
		return 0
	}
	for {
		i = p.round(i)
		if i < p.n {
			return i
		}
	}
}

func (p Permutation) round(x uint64) uint64 {
	mask := uint64(1)<<p.half - 1
	l, r := x>>p.half, x&mask
	for _, k := range p.keys {
		l, r = r, l^(splitmix(r^k)&mask)
	}
	return l<<p.half | r
}

// splitmix is SplitMix64's output function: a fast, well-mixed hash.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
