package intake

import (
	"context"

	"github.com/tryout/tryout/internal/entries"
)

// Appeal sends the entrant's entry to the review queue, marked as an
// appeal, when Tryout's automatic checks refused it (not accepted, or
// failed): a person looks, and the entrant hears their decision. Once per
// automatic decision; a person's decision cannot be appealed here.
func (s *Service) Appeal(ctx context.Context, entrantID, entryID string) (entries.Entry, error) {
	e, err := s.Mine(ctx, entrantID, entryID)
	if err != nil {
		return e, err
	}
	return entries.Appeal(ctx, s.Entries, e, s.Now())
}
