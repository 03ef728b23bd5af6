package intake

import (
	"context"

	"github.com/tryout/tryout/internal/analytics"
)

// count tells the campaign's analytics of one funnel step of an entry
// (counted once per entry). Analytics never fails a submission: a
// counting error is logged.
func (s *Service) count(ctx context.Context, campaignID, entryID string, steps ...analytics.Step) {
	if s.Events == nil {
		return
	}
	for _, step := range steps {
		if err := s.Events.Count(ctx, campaignID, step, entryID); err != nil {
			s.Log.Warn("intake: analytics not counted", "entry", entryID, "step", step, "err", err)
		}
	}
}
