package campaigns

import (
	"errors"
	"time"

	"github.com/tryout/tryout/internal/eligibility"
)

// DefaultGuardianDays is how long a guardian has to consent when the
// campaign does not say.
const DefaultGuardianDays = 14

// MaxRetainDays bounds every retention setting (ten years).
const MaxRetainDays = 3650

// validateRights checks the eligibility, guardian and retention fields,
// normalising the country list and filling in the guardian wait.
func (c *Campaign) validateRights(fe FieldErrors) {
	countries, err := eligibility.ParseList(c.Countries)
	switch {
	case errors.Is(err, eligibility.ErrUnknownCountry):
		fe["countries"] = "use ISO 3166 two-letter country codes such as FR, DE, US (" + err.Error() + ")"
	case len(countries) > 250:
		fe["countries"] = "list at most 250 countries"
	default:
		c.Countries = countries
	}
	if c.GuardianAge > 0 && c.GuardianDays == 0 {
		c.GuardianDays = DefaultGuardianDays
	}
	switch {
	case c.GuardianAge < 0 || c.GuardianAge > 21:
		fe["guardian_age"] = "must be between 0 (no guardian consent) and 21"
	case c.GuardianAge > 0 && c.GuardianAge <= c.MinAge:
		fe["guardian_age"] = "must be above the minimum age, or no entrant would need a guardian"
	}
	if c.GuardianDays < 0 || c.GuardianDays > 90 {
		fe["guardian_days"] = "must be between 1 and 90 days"
	}
	for field, v := range map[string]int{"retain_originals_days": c.RetainOriginalsDays, "retain_unpublished_days": c.RetainUnpublishedDays, "retain_signals_days": c.RetainSignalsDays} {
		if v < 0 || v > MaxRetainDays {
			fe[field] = "must be between 0 (the server's default) and 3650 days"
		}
	}
}

// ClosesAt is when the campaign is over: the later of the entry and voting
// windows' ends.
func (c Campaign) ClosesAt() time.Time {
	if c.VotingClosesAt.After(c.EntryClosesAt) {
		return c.VotingClosesAt
	}
	return c.EntryClosesAt
}

// NeedsGuardian reports whether an entrant of this age needs a guardian's
// consent.
func (c Campaign) NeedsGuardian(age int) bool { return c.GuardianAge > 0 && age < c.GuardianAge }
