package judging_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/judging"
)

// oneCriterion is a rubric with a single 0-20 criterion of weight 1, so a
// sheet's raw total is its one number.
func oneCriterion() judging.Setup {
	s := judging.Setup{Criteria: []judging.Criterion{{Name: "Overall", Min: 0, Max: 20, Weight: 1}}}
	_ = s.Validate()
	return s
}

func sheets(judge string, scores map[string]int) []judging.Sheet {
	var out []judging.Sheet
	for e, v := range scores {
		out = append(out, judging.Sheet{JudgeID: judge, EntryID: e, Values: map[string]int{"c1": v}})
	}
	return out
}

func facts(n int) []judging.Facts {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []judging.Facts
	for i := range n {
		out = append(out, judging.Facts{ID: fmt.Sprintf("e%d", i+1), CreatedAt: base.Add(time.Duration(i) * time.Minute)})
	}
	return out
}

func order(st []judging.Standing) string {
	s := ""
	for _, x := range st {
		s += x.ID + " "
	}
	return s
}

// A harsh judge (half of what fair judge A gives) and a lenient one (fair
// judge B plus 6) produce the same normalised ranking as A and B; the raw
// averages do not.
func TestNormalisationHarshAndLenient(t *testing.T) {
	setup := oneCriterion()
	a := map[string]int{"e1": 16, "e2": 12, "e3": 8, "e4": 4, "e5": 10}
	b := map[string]int{"e1": 6, "e2": 10, "e3": 14, "e4": 12, "e5": 2}
	harsh, lenient := map[string]int{}, map[string]int{}
	for e := range a {
		harsh[e], lenient[e] = a[e]/2, b[e]+6
	}
	fair := judging.Rank(setup, facts(5), append(sheets("A", a), sheets("B", b)...), 100)
	skewed := judging.Rank(setup, facts(5), append(sheets("H", harsh), sheets("L", lenient)...), 100)
	if order(fair) != order(skewed) {
		t.Errorf("fair %s, harsh+lenient %s", order(fair), order(skewed))
	}
	for i := range fair {
		if math.Abs(fair[i].Z-skewed[i].Z) > 1e-9 || math.Abs(fair[i].Jury-skewed[i].Jury) > 1e-9 {
			t.Errorf("%s: z %v vs %v", fair[i].ID, fair[i].Z, skewed[i].Z)
		}
	}
	// The raw means rank them differently: the lenient judge dominates.
	byRaw := func(st []judging.Standing) string {
		best := st[0]
		for _, x := range st {
			if x.RawMean > best.RawMean {
				best = x
			}
		}
		return best.ID
	}
	if byRaw(fair) == byRaw(skewed) {
		t.Errorf("the raw means agree (%s), so this test shows nothing", byRaw(fair))
	}
}

// A judge's missing score does not count as zero, and a conflict is not a
// score: the entry is decided by the judges who scored it.
func TestMissingScoresAndConflicts(t *testing.T) {
	setup := oneCriterion()
	all := append(sheets("A", map[string]int{"e1": 18, "e2": 10, "e3": 2}), sheets("B", map[string]int{"e1": 17, "e2": 9, "e3": 3})...)
	// C loves e1 but has a conflict with it; C scores the rest.
	all = append(all, judging.Sheet{JudgeID: "C", EntryID: "e1", Conflict: true})
	all = append(all, sheets("C", map[string]int{"e2": 5, "e3": 15})...)
	st := judging.Rank(setup, facts(3), all, 100)
	got := map[string]judging.Standing{}
	for _, x := range st {
		got[x.ID] = x
	}
	if got["e1"].Judged != 2 || got["e1"].Conflicts != 1 || got["e2"].Judged != 3 {
		t.Errorf("counts: %+v", got)
	}
	if st[0].ID != "e1" {
		t.Errorf("the entry C abstained on should still win on A and B: %s", order(st))
	}
	// An entry only one judge scored is not dragged down by the others.
	only := append(sheets("A", map[string]int{"e1": 20, "e2": 10, "e3": 0}), sheets("B", map[string]int{"e2": 12, "e3": 8})...)
	st = judging.Rank(setup, facts(3), only, 100)
	if st[0].ID != "e1" || st[0].Judged != 1 || st[0].Jury != 100 {
		t.Errorf("e1 scored by one judge: %+v", st[0])
	}
	// Nobody scored e4: it ranks after every scored entry despite its votes.
	f := append(facts(3), judging.Facts{ID: "e4", Votes: 1000})
	st = judging.Rank(setup, f, only, 50)
	if st[3].ID != "e4" || st[3].Scored() {
		t.Errorf("unscored entry: %s", order(st))
	}
}

// The jury weight moves the final score between the jury's and the
// public's view, each on 0-100.
func TestHybridWeight(t *testing.T) {
	setup := oneCriterion()
	f := facts(3)
	f[0].Votes, f[1].Votes, f[2].Votes = 10, 100, 50 // the public prefers e2
	sh := append(sheets("A", map[string]int{"e1": 20, "e2": 4, "e3": 12}), sheets("B", map[string]int{"e1": 18, "e2": 2, "e3": 10})...)
	for _, tt := range []struct {
		weight int
		want   string
	}{{100, "e1 e3 e2 "}, {0, "e2 e3 e1 "}, {70, "e1 e3 e2 "}, {30, "e2 e3 e1 "}} {
		st := judging.Rank(setup, f, sh, tt.weight)
		if order(st) != tt.want {
			t.Errorf("weight %d: %s, want %s", tt.weight, order(st), tt.want)
		}
		for _, x := range st {
			want := float64(tt.weight)/100*x.Jury + (1-float64(tt.weight)/100)*x.Public
			if math.Abs(x.Final-want) > 1e-9 || x.Jury < 0 || x.Jury > 100 || x.Public < 0 || x.Public > 100 {
				t.Errorf("weight %d %s: final %v jury %v public %v", tt.weight, x.ID, x.Final, x.Jury, x.Public)
			}
		}
	}
	st := judging.Rank(setup, f, sh, 50)
	byID := map[string]judging.Standing{}
	for _, x := range st {
		byID[x.ID] = x
	}
	if byID["e2"].Public != 100 || byID["e1"].Public != 10 || byID["e1"].Jury != 100 || byID["e2"].Jury != 0 {
		t.Errorf("normalised parts: %+v", byID)
	}
}

// Ties on the final score go to the jury, then votes, then the earliest entry.
func TestTieBreaks(t *testing.T) {
	setup := oneCriterion()
	f := facts(4)
	// e1 and e2: same final (jury 100 x 0.5 + public 0 = jury 0 + public 100 x 0.5): the jury decides.
	f[0].Votes, f[1].Votes = 0, 100
	sh := append(sheets("A", map[string]int{"e1": 20, "e2": 0, "e3": 10, "e4": 10}), sheets("B", map[string]int{"e1": 20, "e2": 0, "e3": 10, "e4": 10})...)
	st := judging.Rank(setup, f, sh, 50)
	pos := map[string]int{}
	for _, x := range st {
		pos[x.ID] = x.Place
	}
	if pos["e1"] > pos["e2"] {
		t.Errorf("jury first: %s", order(st))
	}
	// Same jury, same final: more votes wins.
	f = facts(3)
	f[2].Votes = 5
	sh = append(sheets("A", map[string]int{"e1": 10, "e2": 10, "e3": 10}), sheets("B", map[string]int{"e1": 10, "e2": 10, "e3": 10})...)
	if st := judging.Rank(setup, f, sh, 100); st[0].ID != "e3" {
		t.Errorf("votes second: %s", order(st))
	}
	// Level on everything: the earliest entry first, whatever the input order.
	f = facts(3)
	f[0], f[2] = f[2], f[0]
	if st := judging.Rank(setup, f, sh, 100); order(st) != "e1 e2 e3 " {
		t.Errorf("earliest third: %s", order(st))
	}
}
