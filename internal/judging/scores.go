package judging

import (
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Sheet is one judge's score for one entry in one round, or their
// declared conflict of interest (then it has no values and does not count).
type Sheet struct {
	RoundID, CampaignID, JudgeID, EntryID string
	Values                                map[string]int
	Comment                               string
	Conflict                              bool
	At                                    time.Time
}

// SheetID is a sheet's key: one per round, judge and entry.
func SheetID(roundID, judgeID, entryID string) string {
	return roundID + "|" + judgeID + "|" + entryID
}

// MaxComment bounds a judge's comment, in characters.
const MaxComment = 2000

// checkComment trims a comment and checks its length.
func checkComment(s string) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > MaxComment {
		return s, FieldErrors{"comment": "keep the comment under 2000 characters"}
	}
	return s, nil
}

// Normalise turns each judge's raw totals into z-scores within that
// judge's own sheets in the round: (raw - the judge's mean) / the judge's
// standard deviation. A harsh judge and a lenient one then weigh the same.
// A judge with fewer than two scores, or who gave everything the same
// total, says nothing about order and contributes 0. Conflicts are not
// scores. The result maps judge -> entry -> z.
func Normalise(setup Setup, sheets []Sheet) map[string]map[string]float64 {
	raw := map[string]map[string]float64{}
	for _, s := range sheets {
		if s.Conflict {
			continue
		}
		if raw[s.JudgeID] == nil {
			raw[s.JudgeID] = map[string]float64{}
		}
		raw[s.JudgeID][s.EntryID] = setup.Raw(s.Values)
	}
	out := make(map[string]map[string]float64, len(raw))
	for judge, byEntry := range raw {
		var sum, sq float64
		for _, v := range byEntry {
			sum += v
		}
		n := float64(len(byEntry))
		mean := sum / n
		for _, v := range byEntry {
			sq += (v - mean) * (v - mean)
		}
		sd := math.Sqrt(sq / n)
		out[judge] = make(map[string]float64, len(byEntry))
		for e, v := range byEntry {
			z := 0.0
			if sd > 1e-9 {
				z = (v - mean) / sd
			}
			out[judge][e] = z
		}
	}
	return out
}

// Facts are what the ranking needs to know of an entry.
type Facts struct {
	ID, Title string
	Votes     int64 // counted votes
	CreatedAt time.Time
}

// Standing is one entry's place in a round's ranking, with the breakdown.
type Standing struct {
	Facts
	Place     int
	Judged    int     // judges who scored it
	Conflicts int     // judges who declared a conflict
	RawMean   float64 // mean weighted sum over the judges who scored it
	Z         float64 // mean normalised score over the same judges
	Jury      float64 // 0-100 within the round
	Public    float64 // 0-100: votes as a share of the most votes
	Final     float64 // the hybrid: jury weight x Jury + the rest x Public
}

// Scored reports whether any judge scored the entry.
func (s Standing) Scored() bool { return s.Judged > 0 }

// Rank orders a round's entries by the hybrid of jury and public scores.
// Missing sheets do not count as zero: an entry's jury score is the mean
// over the judges who scored it. Jury scores (mean z) are spread to 0-100
// between the round's lowest and highest; public scores are votes as a
// share of the most votes. When the jury counts (weight above 0) and
// anyone was scored, unscored entries rank after scored ones. Ties go to
// the higher jury score, then more votes, then the earliest entry.
func Rank(setup Setup, entries []Facts, sheets []Sheet, juryWeight int) []Standing {
	out, scored := tally(setup, entries, sheets)
	lo, hi := math.Inf(1), math.Inf(-1)
	var maxVotes int64
	for _, s := range out {
		if s.Judged > 0 {
			lo, hi = math.Min(lo, s.Z), math.Max(hi, s.Z)
		}
		maxVotes = max(maxVotes, s.Votes)
	}
	w := float64(juryWeight) / 100
	for i := range out {
		s := &out[i]
		if s.Judged > 0 {
			s.Jury = 100
			if hi-lo > 1e-9 {
				s.Jury = (s.Z - lo) / (hi - lo) * 100
			}
		}
		if maxVotes > 0 {
			s.Public = float64(s.Votes) / float64(maxVotes) * 100
		}
		s.Final = w*s.Jury + (1-w)*s.Public
	}
	scoredFirst := juryWeight > 0 && scored
	sort.SliceStable(out, func(i, j int) bool { return ahead(out[i], out[j], scoredFirst) })
	for i := range out {
		out[i].Place = i + 1
	}
	return out
}

// tally counts each entry's judges and conflicts and averages its raw
// totals and z-scores over the judges who scored it; scored reports
// whether any entry was scored.
func tally(setup Setup, entries []Facts, sheets []Sheet) (out []Standing, scored bool) {
	z := Normalise(setup, sheets)
	out = make([]Standing, len(entries))
	index := make(map[string]int, len(entries))
	for i, e := range entries {
		out[i] = Standing{Facts: e}
		index[e.ID] = i
	}
	for _, s := range sheets {
		i, ok := index[s.EntryID]
		switch {
		case !ok:
		case s.Conflict:
			out[i].Conflicts++
		default:
			out[i].Judged++
			out[i].RawMean += setup.Raw(s.Values)
			out[i].Z += z[s.JudgeID][s.EntryID]
		}
	}
	for i := range out {
		if n := float64(out[i].Judged); n > 0 {
			out[i].RawMean /= n
			out[i].Z /= n
			scored = true
		}
	}
	return out, scored
}

// ahead is the ranking's order with its tie-breaks.
func ahead(a, b Standing, scoredFirst bool) bool {
	switch {
	case scoredFirst && a.Scored() != b.Scored():
		return a.Scored()
	case !same(a.Final, b.Final):
		return a.Final > b.Final
	case !same(a.Jury, b.Jury):
		return a.Jury > b.Jury
	case a.Votes != b.Votes:
		return a.Votes > b.Votes
	case !a.CreatedAt.Equal(b.CreatedAt):
		return a.CreatedAt.Before(b.CreatedAt)
	}
	return a.ID < b.ID
}

// same compares scores to a billionth, so float noise is a tie.
func same(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
