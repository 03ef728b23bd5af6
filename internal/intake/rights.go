package intake

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/eligibility"
	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/problem"
)

// Refusals of eligibility and guardian consent.
var (
	ErrGuardianRequired = errors.New("a guardian's email is required")
)

// Guardians asks a parent or guardian to consent (package guardians).
type Guardians interface {
	// Ask records the request before the entry is stored.
	Ask(ctx context.Context, c campaigns.Campaign, e entries.Entry, email string) error
	// Send emails it once the entry exists.
	Send(ctx context.Context, entryID string) error
}

// rights is what eligibility and consent add to an entry.
type rights struct {
	Country, Signal string
	GuardianEmail   string // set when a guardian must consent
}

// checkRights checks the declared country against the campaign's list and,
// for a campaign with a guardian age, whether this entrant needs one (and
// gave their email). born is the parsed birth date (zero when not asked).
func checkRights(c campaigns.Campaign, d Details, born, now time.Time) (rights, error) {
	country, err := eligibility.Check(c.Countries, d.Country)
	if errors.Is(err, eligibility.ErrUnknownCountry) {
		return rights{}, problem.New(ErrInvalid, "Give your country as a two-letter ISO code such as FR, DE or US.")
	}
	if err != nil {
		return rights{}, err
	}
	r := rights{Country: country, Signal: d.CountrySignal}
	if born.IsZero() || !c.NeedsGuardian(age(born, now)) {
		return r, nil
	}
	email, err := entrants.NormalizeEmail(d.GuardianEmail)
	if strings.TrimSpace(d.GuardianEmail) == "" {
		return rights{}, problem.New(ErrGuardianRequired, "You are under %d, so a parent or guardian must agree to your entry. Give their email address.", c.GuardianAge)
	}
	if err != nil {
		return rights{}, problem.New(ErrInvalid, "The parent or guardian's email address is not valid.")
	}
	r.GuardianEmail = email
	return r, nil
}

// needsBirthDate reports whether the campaign asks for a date of birth.
func needsBirthDate(c campaigns.Campaign) bool { return c.MinAge > 0 || c.GuardianAge > 0 }

// withRights fills the entry's eligibility and consent fields.
func (r rights) apply(e *entries.Entry) {
	e.Country, e.CountrySignal, e.GuardianPending = r.Country, r.Signal, r.GuardianEmail != ""
}

// askGuardian records the request for consent before the entry is stored.
func (s *Service) askGuardian(ctx context.Context, c campaigns.Campaign, e entries.Entry, r rights) error {
	if r.GuardianEmail == "" {
		return nil
	}
	if s.Guardians == nil {
		return fmt.Errorf("intake: guardian consent is not set up: %w", ErrUnavailable)
	}
	return s.Guardians.Ask(ctx, c, e, r.GuardianEmail)
}

// sendGuardian emails the request once the entry exists; a failure is
// logged and the hourly sweep sends it.
func (s *Service) sendGuardian(ctx context.Context, e entries.Entry) {
	if !e.GuardianPending || s.Guardians == nil {
		return
	}
	if err := s.Guardians.Send(ctx, e.ID); err != nil {
		s.Log.Error("intake: guardian request not sent yet; the sweep retries", "entry", e.ID, "err", err)
	}
}
