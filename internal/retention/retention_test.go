package retention_test

import (
	"testing"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/retention"
)

func TestPolicyFor(t *testing.T) {
	d := retention.Defaults{OriginalsDays: 90, UnpublishedDays: 30, SignalsDays: 30}
	if p := retention.PolicyFor(campaigns.Campaign{}, d); p != (retention.Policy{OriginalsDays: 90, UnpublishedDays: 30, SignalsDays: 30}) {
		t.Errorf("defaults: %+v", p)
	}
	c := campaigns.Campaign{RetainOriginalsDays: 10, KeepWinnerOriginals: true, RetainSignalsDays: 7}
	if p := retention.PolicyFor(c, d); p != (retention.Policy{OriginalsDays: 10, KeepWinners: true, UnpublishedDays: 30, SignalsDays: 7}) {
		t.Errorf("campaign's own: %+v", p)
	}
}
