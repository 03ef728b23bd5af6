package judging_test

import (
	"errors"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/judging"
)

func cands() []judging.Candidate {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return []judging.Candidate{
		{ID: "a", Votes: 50, CreatedAt: base.Add(3 * time.Hour), Place: 4},
		{ID: "b", Votes: 90, CreatedAt: base.Add(2 * time.Hour), Place: 1, Final: 90},
		{ID: "c", Votes: 50, CreatedAt: base.Add(1 * time.Hour), Place: 3, Final: 60},
		{ID: "d", Votes: 10, CreatedAt: base, Place: 2, Final: 80},
		{ID: "e", Votes: 0, CreatedAt: base},
	}
}

func ids(cs []judging.Candidate) string {
	s := ""
	for _, c := range cs {
		s += c.ID
	}
	return s
}

func TestRoundCuts(t *testing.T) {
	// Top 2 by votes: b, then c over a (level on 50; c entered earlier).
	c := judging.CutBy(judging.TopVotes, 2, cands(), nil)
	if ids(c.In) != "bc" || ids(c.Out) != "ade" || !c.TieAtLine {
		t.Errorf("top 2 by votes: in %s out %s tie %v", ids(c.In), ids(c.Out), c.TieAtLine)
	}
	if c := judging.CutBy(judging.TopVotes, 1, cands(), nil); ids(c.In) != "b" || c.TieAtLine {
		t.Errorf("top 1: %s tie %v", ids(c.In), c.TieAtLine)
	}
	if c := judging.CutBy(judging.TopVotes, 10, cands(), nil); len(c.In) != 5 || len(c.Out) != 0 {
		t.Errorf("top 10 of 5: %s", ids(c.In))
	}
	// Top 3 of the previous ranking, unranked last.
	if c := judging.CutBy(judging.TopScore, 3, cands(), nil); ids(c.In) != "bdc" || ids(c.Out) != "ae" {
		t.Errorf("top 3 by score: %s | %s", ids(c.In), ids(c.Out))
	}
	if c := judging.CutBy(judging.Selection, 0, cands(), []string{"e", "a", "zz"}); ids(c.In) != "ae" {
		t.Errorf("selection: %s", ids(c.In))
	}
	if c := judging.CutBy(judging.AllLive, 1, cands(), nil); len(c.In) != 5 {
		t.Errorf("every live entry: %s", ids(c.In))
	}
	// The digest names who is in, whatever their order.
	one := judging.CutBy(judging.Selection, 0, cands(), []string{"a", "c"})
	two := judging.Cut{In: []judging.Candidate{{ID: "c"}, {ID: "a"}}}
	three := judging.CutBy(judging.Selection, 0, cands(), []string{"a", "d"})
	if one.Digest() != two.Digest() || one.Digest() == three.Digest() {
		t.Errorf("digests: %s %s %s", one.Digest(), two.Digest(), three.Digest())
	}
}

func TestRoundValidation(t *testing.T) {
	r := judging.Round{Number: 1, Name: " Public vote ", Kind: judging.PublicVote, Rule: judging.AllLive}
	if err := r.Validate(); err != nil || r.Name != "Public vote" || r.Title() != "Round 1: Public vote" {
		t.Fatalf("valid round: %v %q", err, r.Title())
	}
	for field, r := range map[string]judging.Round{
		"name":  {Number: 1, Kind: judging.Jury, Rule: judging.AllLive},
		"kind":  {Number: 1, Name: "x", Kind: "beauty", Rule: judging.AllLive},
		"rule":  {Number: 1, Name: "x", Kind: judging.Jury, Rule: judging.TopScore, TopN: 3},
		"top_n": {Number: 2, Name: "x", Kind: judging.Jury, Rule: judging.TopVotes},
	} {
		var fe judging.FieldErrors
		if err := r.Validate(); !errors.As(err, &fe) || fe[field] == "" {
			t.Errorf("%s: %v", field, err)
		}
	}
}
