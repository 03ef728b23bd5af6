package judging

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind is what a round is for.
type Kind string

// The round kinds.
const (
	PublicVote Kind = "public_vote" // fans vote; no judges needed
	Jury       Kind = "jury"        // judges score against the rubric
	Final      Kind = "final"       // the last round; its entries are the finalists
)

// Label is the kind as staff read it.
func (k Kind) Label() string {
	switch k {
	case PublicVote:
		return "Public vote"
	case Jury:
		return "Jury"
	case Final:
		return "Final"
	}
	return string(k)
}

// Rule is how entries enter a round.
type Rule string

// The entry rules.
const (
	AllLive   Rule = "all_live"  // every live entry of the campaign
	TopVotes  Rule = "top_votes" // the top N by counted votes (of the previous round's entries)
	TopScore  Rule = "top_score" // the top N of the previous round's ranking
	Selection Rule = "selection" // the live entries staff tick
)

// Label is the rule as staff read it.
func (r Rule) Label() string {
	switch r {
	case AllLive:
		return "every live entry"
	case TopVotes:
		return "top N by counted votes"
	case TopScore:
		return "top N of the previous round's ranking"
	case Selection:
		return "staff selection"
	}
	return string(r)
}

// Kinds and Rules list the choices in the order forms show them.
var (
	Kinds = []Kind{PublicVote, Jury, Final}
	Rules = []Rule{AllLive, TopVotes, TopScore, Selection}
)

// RoundPrefix starts every round id.
const RoundPrefix = "rd_"

// Round is one stage of a campaign's judging.
type Round struct {
	ID         string
	CampaignID string
	Number     int // 1 for the first
	Name       string
	Kind       Kind
	Rule       Rule
	TopN       int
	Judges     []string // staff ids
	Entries    []string // who is in, once the cut is applied
	Cut        bool
	CutAt      time.Time
	CutBy      string
	Locked     bool // judges can no longer change their sheets
	CreatedAt  time.Time
}

// Title is the round as entrants read it: "Round 2: Jury".
func (r Round) Title() string { return fmt.Sprintf("Round %d: %s", r.Number, r.Name) }

// IsJudge reports whether a staff member judges the round.
func (r Round) IsJudge(id string) bool { return slices.Contains(r.Judges, id) }

// Has reports whether an entry is in the round.
func (r Round) Has(entryID string) bool { return slices.Contains(r.Entries, entryID) }

// MaxTopN bounds a top-N rule.
const MaxTopN = 10000

// Validate checks a new round's fields (name, kind, rule, top N).
func (r *Round) Validate() error {
	fe := FieldErrors{}
	r.Name = strings.TrimSpace(r.Name)
	if n := utf8.RuneCountInString(r.Name); n == 0 || n > MaxName {
		fe["name"] = fmt.Sprintf("give the round a name of up to %d characters", MaxName)
	}
	if !slices.Contains(Kinds, r.Kind) {
		fe["kind"] = "choose public vote, jury or final"
	}
	if !slices.Contains(Rules, r.Rule) {
		fe["rule"] = "choose how entries enter the round"
	}
	if r.Rule == TopScore && r.Number == 1 {
		fe["rule"] = "the first round has no previous ranking: use votes, every live entry or a selection"
	}
	if (r.Rule == TopVotes || r.Rule == TopScore) && (r.TopN < 1 || r.TopN > MaxTopN) {
		fe["top_n"] = fmt.Sprintf("how many enter: a whole number from 1 to %d", MaxTopN)
	}
	return fe.orNil()
}

// Candidate is an entry that may enter a round, with what the rule ranks
// it by.
type Candidate struct {
	ID, Title string
	Votes     int64 // counted votes (the gallery's read model)
	Place     int   // place in the previous round's ranking (0: none)
	Final     float64
	CreatedAt time.Time
}

// Cut is who enters a round under its rule, before or after it is applied.
type Cut struct {
	In, Out []Candidate
	// TieAtLine says the last one in and the first one out are level on
	// what the rule ranks by (the tie-break decided: earliest entry first
	// for votes, the ranking's tie-breaks for scores).
	TieAtLine bool
}

// CutBy applies a rule to the candidates. selected names the entries a
// Selection takes; the other rules ignore it.
func CutBy(rule Rule, n int, cands []Candidate, selected []string) Cut {
	list := slices.Clone(cands)
	switch rule {
	case TopVotes:
		sort.SliceStable(list, func(i, j int) bool { return byVotes(list[i], list[j]) })
		return topN(list, n, func(a, b Candidate) bool { return a.Votes == b.Votes })
	case TopScore:
		sort.SliceStable(list, func(i, j int) bool { return byPlace(list[i], list[j]) })
		return topN(list, n, func(a, b Candidate) bool { return same(a.Final, b.Final) })
	case Selection:
		var c Cut
		for _, x := range list {
			if slices.Contains(selected, x.ID) {
				c.In = append(c.In, x)
			} else {
				c.Out = append(c.Out, x)
			}
		}
		return c
	}
	return Cut{In: list}
}

// byVotes orders by counted votes, then earliest entry, then id.
func byVotes(a, b Candidate) bool {
	if a.Votes != b.Votes {
		return a.Votes > b.Votes
	}
	if !a.CreatedAt.Equal(b.CreatedAt) {
		return a.CreatedAt.Before(b.CreatedAt)
	}
	return a.ID < b.ID
}

// byPlace orders by the previous ranking's place; unranked entries last.
func byPlace(a, b Candidate) bool {
	pa, pb := a.Place, b.Place
	if pa == 0 {
		pa = 1 << 30
	}
	if pb == 0 {
		pb = 1 << 30
	}
	if pa != pb {
		return pa < pb
	}
	return byVotes(a, b)
}

func topN(list []Candidate, n int, level func(a, b Candidate) bool) Cut {
	if n >= len(list) {
		return Cut{In: list}
	}
	return Cut{In: list[:n], Out: list[n:], TieAtLine: n > 0 && level(list[n-1], list[n])}
}

// Digest names exactly who is in, so the cut an owner applies is the one
// they were shown: if votes moved meanwhile, the digests differ.
func (c Cut) Digest() string {
	ids := make([]string, len(c.In))
	for i, x := range c.In {
		ids[i] = x.ID
	}
	slices.Sort(ids)
	sum := sha256.Sum256([]byte(strings.Join(ids, ",")))
	return hex.EncodeToString(sum[:12])
}

// IDs are the ids of the entries in.
func (c Cut) IDs() []string {
	out := make([]string, len(c.In))
	for i, x := range c.In {
		out[i] = x.ID
	}
	return out
}
