package admin

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/entries"
)

// evidenceView is a duplicate or similar finding shown side by side: this
// entry's poster and the other's, the matching time ranges, the score.
type evidenceView struct {
	F           entries.Finding
	Other       entries.Entry
	Found       bool   // the other entry still exists
	ThisPoster  string // console URLs of the two posters ("" when none)
	OtherPoster string
	Exact       bool // an exact copy (the only kind refused automatically)
}

// evidence builds the side-by-side views of e's duplicate and similar
// findings; thisPoster is e's poster URL on the console.
func (a *Admin) evidence(c *gin.Context, e entries.Entry, thisPoster string) []evidenceView {
	var out []evidenceView
	for _, f := range e.Findings {
		if f.Other == "" {
			continue
		}
		v := evidenceView{F: f, ThisPoster: thisPoster, Exact: f.Kind == "duplicate"}
		if o, err := a.Entries.Get(c, f.Other); err == nil {
			v.Other, v.Found = o, true
			if r := o.Renditions; r != nil && r.Poster != "" {
				v.OtherPoster = "/admin/media/" + o.ID + "/" + strings.TrimPrefix(r.Poster, r.Prefix)
			}
		}
		out = append(out, v)
	}
	return out
}
