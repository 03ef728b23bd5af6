package judging_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tryout/tryout/internal/judging"
)

func rubric() judging.Setup {
	return judging.Setup{CampaignID: "cp_x", JuryWeight: 70, Blind: true, Criteria: []judging.Criterion{
		{Name: "Creativity", Description: "Is it new?", Min: 1, Max: 10, Weight: 2},
		{Name: "Skill", Min: 1, Max: 10, Weight: 1},
		{Name: "Brand fit", Min: 0, Max: 5, Weight: 1.5},
	}}
}

func TestRubricValidation(t *testing.T) {
	s := rubric()
	if err := s.Validate(); err != nil {
		t.Fatalf("valid rubric refused: %v", err)
	}
	if s.Criteria[0].Key != "c1" || s.Criteria[2].Key != "c3" {
		t.Errorf("keys not numbered by position: %+v", s.Criteria)
	}
	tests := []struct {
		field  string
		mutate func(*judging.Setup)
	}{
		{"criteria.1.name", func(s *judging.Setup) { s.Criteria[0].Name = "  " }},
		{"criteria.2.name", func(s *judging.Setup) { s.Criteria[1].Name = strings.Repeat("x", 81) }},
		{"criteria.2.name", func(s *judging.Setup) { s.Criteria[1].Name = "creativity " }},
		{"criteria.1.description", func(s *judging.Setup) { s.Criteria[0].Description = strings.Repeat("d", 501) }},
		{"criteria.3.scale", func(s *judging.Setup) { s.Criteria[2].Min, s.Criteria[2].Max = 5, 5 }},
		{"criteria.3.scale", func(s *judging.Setup) { s.Criteria[2].Min = -1 }},
		{"criteria.3.scale", func(s *judging.Setup) { s.Criteria[2].Max = 101 }},
		{"criteria.1.weight", func(s *judging.Setup) { s.Criteria[0].Weight = 0 }},
		{"criteria.1.weight", func(s *judging.Setup) { s.Criteria[0].Weight = 100.5 }},
		{"jury_weight", func(s *judging.Setup) { s.JuryWeight = 101 }},
		{"jury_weight", func(s *judging.Setup) { s.JuryWeight = -1 }},
		{"criteria", func(s *judging.Setup) {
			for range 10 {
				s.Criteria = append(s.Criteria, judging.Criterion{Name: "more " + strings.Repeat("x", len(s.Criteria)), Min: 0, Max: 1, Weight: 1})
			}
		}},
	}
	for _, tt := range tests {
		s := rubric()
		tt.mutate(&s)
		err := s.Validate()
		var fe judging.FieldErrors
		if !errors.As(err, &fe) || fe[tt.field] == "" || !errors.Is(err, judging.ErrInvalid) {
			t.Errorf("%s: got %v", tt.field, err)
		}
	}
}

func TestCheckValuesAndRaw(t *testing.T) {
	s := rubric()
	_ = s.Validate()
	if err := s.CheckValues(map[string]int{"c1": 10, "c2": 1, "c3": 0}); err != nil {
		t.Errorf("valid values refused: %v", err)
	}
	if got := s.Raw(map[string]int{"c1": 10, "c2": 1, "c3": 4}); got != 10*2+1+4*1.5 {
		t.Errorf("raw = %v", got)
	}
	var fe judging.FieldErrors
	err := s.CheckValues(map[string]int{"c1": 11, "c3": 2, "c9": 1})
	if !errors.As(err, &fe) || fe["c1"] == "" || fe["c2"] == "" || fe["c9"] == "" || fe["c3"] != "" {
		t.Errorf("bad values: %v", err)
	}
	if err := (judging.Setup{}).CheckValues(map[string]int{}); !errors.Is(err, judging.ErrNoRubric) {
		t.Errorf("no rubric: %v", err)
	}
}
