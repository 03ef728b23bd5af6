package present

import (
	"strings"

	"github.com/tryout/tryout/internal/votes"
)

// ReviewView tells an entrant how many of their entry's votes are held for
// review, and why, in plain words. A machine held them: the note says so.
type ReviewView struct {
	Count   int64    `json:"count"`
	Because []string `json:"because"`
	Note    string   `json:"note"`
}

// NewReviewView describes held votes (nil when none are held).
func NewReviewView(h votes.Held) *ReviewView {
	if h.Total <= 0 {
		return nil
	}
	v := &ReviewView{Count: h.Total, Because: []string{}}
	for _, name := range votes.CheckNames() {
		if h.ByCheck[name] > 0 {
			v.Because = append(v.Because, votes.Plain(name))
		}
	}
	v.Note = reviewNote(h, v.Because)
	return v
}

// reviewNote says, in plain words, that a machine held the votes, why,
// and what happens next: votes held for automation count only when a
// person clears them.
func reviewNote(h votes.Held, because []string) string {
	it, is, counts, self := "them", "They are", "they count", "by themselves "
	if h.Total == 1 {
		it, is, counts, self = "it", "It is", "it counts", "by itself "
	}
	why := strings.Join(because, "; and ")
	if why == "" {
		why = "of how they were cast"
	}
	if h.ByCheck["automation"] == h.Total {
		return "Our automatic checks held " + it + " because " + why + ". " + is + " saved, but not in your public total: " + counts + " if the campaign team clears " + it + "."
	}
	return "Our automatic checks held " + it + " because " + why + ". " + is + " saved, but not in your public total yet: " + counts + " " + self +
		"once the pattern stops, or when the campaign team clears " + it + "."
}
