package judging_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tryout/tryout/internal/judging"
)

func TestDrawIsReproducible(t *testing.T) {
	var eligible []string
	for i := range 200 {
		eligible = append(eligible, fmt.Sprintf("en_%03d", i))
	}
	a := judging.Pick("lottery-2026-03-01", eligible, 3)
	shuffled := slices.Clone(eligible)
	slices.Reverse(shuffled)
	b := judging.Pick("lottery-2026-03-01", shuffled, 3)
	if len(a) != 3 || !slices.Equal(a, b) {
		t.Fatalf("same seed and list, different winners: %v %v", a, b)
	}
	if c := judging.Pick("lottery-2026-03-02", eligible, 3); slices.Equal(a, c) {
		t.Errorf("another seed gave the same winners: %v", c)
	}
	// Independently of Pick: the winner is the id with the smallest hash.
	if got := judging.Pick("s", []string{"x", "y", "z"}, 3); !slices.Equal(got, pickByHand("s", []string{"x", "y", "z"})) {
		t.Errorf("Pick = %v, by hand %v", got, pickByHand("s", []string{"x", "y", "z"}))
	}
	d := judging.Draw{Seed: "lottery-2026-03-01", Eligible: eligible, Count: 3, Winners: a}
	if !d.Verify() {
		t.Error("a recorded draw does not verify")
	}
	d.Winners = []string{a[1], a[0], a[2]}
	if d.Verify() {
		t.Error("a tampered draw verifies")
	}
	if got := judging.Pick("s", eligible[:2], 5); len(got) != 2 {
		t.Errorf("more winners than entries: %v", got)
	}
	if s1, s2 := judging.NewSeed(), judging.NewSeed(); len(s1) != 32 || s1 == s2 {
		t.Errorf("seeds %q %q", s1, s2)
	}
}

func TestDrawRequestValidation(t *testing.T) {
	ok := judging.DrawRequest{Prize: " A bike ", Place: 4, Count: 2}
	if err := ok.Validate(); err != nil || ok.Prize != "A bike" {
		t.Fatalf("valid request: %v %q", err, ok.Prize)
	}
	for field, r := range map[string]judging.DrawRequest{
		"prize": {Place: 1, Count: 1},
		"count": {Prize: "p", Place: 1, Count: 0},
		"place": {Prize: "p", Place: 101, Count: 1},
		"seed":  {Prize: "p", Place: 1, Count: 1, Seed: "has space"},
	} {
		var fe judging.FieldErrors
		if err := r.Validate(); !errors.As(err, &fe) || fe[field] == "" {
			t.Errorf("%s: %v", field, err)
		}
	}
	if err := (&judging.DrawRequest{Prize: "p", Place: 1, Count: 1, Seed: strings.Repeat("a", 129)}).Validate(); err == nil {
		t.Error("long seed accepted")
	}
}
