package present

import (
	"strings"

	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/votes"
)

// ReviewView tells an entrant how many of their entry's votes are held for
// review, and why, in plain words. A machine held them: the note says so.
type ReviewView struct {
	Count   int64    `json:"count"`
	Because []string `json:"because"`
	Note    string   `json:"note"`
}

// NewReviewView describes held votes in l (nil when none are held).
func NewReviewView(l i18n.Lang, h votes.Held) *ReviewView {
	if h.Total <= 0 {
		return nil
	}
	v := &ReviewView{Count: h.Total, Because: []string{}}
	for _, name := range votes.CheckNames() {
		if h.ByCheck[name] > 0 {
			v.Because = append(v.Because, l.T(votes.Plain(name)))
		}
	}
	v.Note = reviewNote(l, h, v.Because)
	return v
}

// reviewNote says, in plain words, that a machine held the votes, why,
// and what happens next: votes held for automation count only when a
// person clears them.
func reviewNote(l i18n.Lang, h votes.Held, because []string) string {
	why := strings.Join(because, l.T("; and "))
	if why == "" {
		why = l.T("of how they were cast")
	}
	one := h.Total == 1
	switch {
	case h.ByCheck["automation"] == h.Total && one:
		return l.T("Our automatic checks held it because %s. It is saved, but not in your public total: it counts if the campaign team clears it.", why)
	case h.ByCheck["automation"] == h.Total:
		return l.T("Our automatic checks held them because %s. They are saved, but not in your public total: they count if the campaign team clears them.", why)
	case one:
		return l.T("Our automatic checks held it because %s. It is saved, but not in your public total yet: it counts by itself once the pattern stops, or when the campaign team clears it.", why)
	}
	return l.T("Our automatic checks held them because %s. They are saved, but not in your public total yet: they count by themselves once the pattern stops, or when the campaign team clears them.", why)
}
