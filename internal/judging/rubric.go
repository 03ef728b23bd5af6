package judging

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Criterion is one thing judges score: a name, what it means for judges,
// a whole-number scale and its weight in the total.
type Criterion struct {
	Key         string // "c1", "c2", ...: by position, what sheets are keyed by
	Name        string
	Description string
	Min, Max    int
	Weight      float64
}

// Setup is a campaign's judging: its rubric, how much of the final score
// the jury gives (the rest comes from the public vote), and whether
// judging is blind.
type Setup struct {
	CampaignID string
	Criteria   []Criterion
	JuryWeight int // percent, 0-100
	Blind      bool
	UpdatedAt  time.Time
	By         string
}

// DefaultSetup is a campaign's judging before an owner sets it: no
// criteria, 70% jury, blind.
func DefaultSetup(campaignID string) Setup {
	return Setup{CampaignID: campaignID, JuryWeight: 70, Blind: true}
}

// Limits on a rubric.
const (
	MaxCriteria    = 12
	MaxName        = 80
	MaxDescription = 500
	MaxScale       = 100
	MaxWeight      = 100
)

// Validate checks the rubric and the weight and numbers the criteria's
// keys by position. Field names are "criteria", "jury_weight" and
// "criteria.N.name|description|scale|weight" (N from 1).
func (s *Setup) Validate() error {
	fe := FieldErrors{}
	if s.JuryWeight < 0 || s.JuryWeight > 100 {
		fe["jury_weight"] = "must be a whole percentage from 0 to 100"
	}
	if len(s.Criteria) > MaxCriteria {
		fe["criteria"] = fmt.Sprintf("use at most %d criteria", MaxCriteria)
	}
	seen := map[string]bool{}
	for i := range s.Criteria {
		c := &s.Criteria[i]
		c.Key, c.Name, c.Description = fmt.Sprintf("c%d", i+1), strings.TrimSpace(c.Name), strings.TrimSpace(c.Description)
		p := fmt.Sprintf("criteria.%d.", i+1)
		switch n := utf8.RuneCountInString(c.Name); {
		case n == 0:
			fe[p+"name"] = "give the criterion a name"
		case n > MaxName:
			fe[p+"name"] = fmt.Sprintf("keep the name under %d characters", MaxName)
		case seen[strings.ToLower(c.Name)]:
			fe[p+"name"] = "another criterion has this name"
		}
		seen[strings.ToLower(c.Name)] = true
		if utf8.RuneCountInString(c.Description) > MaxDescription {
			fe[p+"description"] = fmt.Sprintf("keep the description under %d characters", MaxDescription)
		}
		if c.Min < 0 || c.Max > MaxScale || c.Min >= c.Max {
			fe[p+"scale"] = fmt.Sprintf("use whole numbers from 0 to %d, the lowest below the highest", MaxScale)
		}
		if !(c.Weight > 0 && c.Weight <= MaxWeight) {
			fe[p+"weight"] = fmt.Sprintf("must be more than 0 and at most %d", MaxWeight)
		}
	}
	return fe.orNil()
}

// sameScales reports whether two rubrics score the same way: the same
// criteria in the same order with the same scales and weights (names and
// descriptions may differ).
func sameScales(a, b []Criterion) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Min != b[i].Min || a[i].Max != b[i].Max || a[i].Weight != b[i].Weight {
			return false
		}
	}
	return true
}

// CheckValues checks one sheet's numbers: every criterion, each a whole
// number on its scale. Field names are the criteria's keys.
func (s Setup) CheckValues(values map[string]int) error {
	if len(s.Criteria) == 0 {
		return ErrNoRubric
	}
	fe := FieldErrors{}
	for _, c := range s.Criteria {
		v, ok := values[c.Key]
		switch {
		case !ok:
			fe[c.Key] = fmt.Sprintf("score %s from %d to %d", c.Name, c.Min, c.Max)
		case v < c.Min || v > c.Max:
			fe[c.Key] = fmt.Sprintf("%s is scored from %d to %d", c.Name, c.Min, c.Max)
		}
	}
	for k := range values {
		if !s.has(k) {
			fe[k] = "is not a criterion of this rubric"
		}
	}
	return fe.orNil()
}

func (s Setup) has(key string) bool {
	for _, c := range s.Criteria {
		if c.Key == key {
			return true
		}
	}
	return false
}

// Raw is a sheet's weighted sum: each criterion's number times its weight.
func (s Setup) Raw(values map[string]int) float64 {
	var sum float64
	for _, c := range s.Criteria {
		sum += float64(values[c.Key]) * c.Weight
	}
	return sum
}
