package campaigns_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/campaigns"
)

func TestValidateRightsFields(t *testing.T) {
	base := func() campaigns.Campaign {
		now := time.Now()
		return campaigns.Campaign{Slug: "rights", Name: "Rights", EntryOpensAt: now, EntryClosesAt: now.Add(time.Hour)}
	}
	c := base()
	c.Countries, c.GuardianAge = []string{"fr, de", "FR"}, 16
	if err := c.Validate(1 << 30); err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.Countries, " ") != "FR DE" || c.GuardianDays != campaigns.DefaultGuardianDays {
		t.Errorf("normalised: %v, %d days", c.Countries, c.GuardianDays)
	}
	for _, tt := range []struct {
		set   func(*campaigns.Campaign)
		field string
	}{
		{func(c *campaigns.Campaign) { c.Countries = []string{"FR XQ"} }, "countries"},
		{func(c *campaigns.Campaign) { c.GuardianAge = 30 }, "guardian_age"},
		{func(c *campaigns.Campaign) { c.GuardianAge, c.MinAge = 13, 13 }, "guardian_age"},
		{func(c *campaigns.Campaign) { c.GuardianAge, c.GuardianDays = 16, 200 }, "guardian_days"},
		{func(c *campaigns.Campaign) { c.RetainOriginalsDays = -1 }, "retain_originals_days"},
		{func(c *campaigns.Campaign) { c.RetainSignalsDays = 5000 }, "retain_signals_days"},
	} {
		c := base()
		tt.set(&c)
		fe, ok := c.Validate(1 << 30).(campaigns.FieldErrors)
		if !ok || fe[tt.field] == "" {
			t.Errorf("want a problem with %s, got %v", tt.field, fe)
		}
	}
	c = base()
	c.EntryClosesAt, c.VotingOpensAt, c.VotingClosesAt = c.EntryOpensAt.Add(time.Hour), c.EntryOpensAt, c.EntryOpensAt.Add(3*time.Hour)
	if !c.ClosesAt().Equal(c.VotingClosesAt) || c.NeedsGuardian(0) {
		t.Errorf("ClosesAt %v", c.ClosesAt())
	}
}
