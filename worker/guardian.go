package worker

import (
	"context"

	"github.com/tryout/tryout/internal/entries"
)

// GuardianHold notes that screening would have put an entry live while
// its guardian's consent is pending (guardians.Service).
type GuardianHold interface {
	HoldForLive(ctx context.Context, entryID string) error
}

// holdForGuardian keeps an approved entry in review until the guardian
// consents; it goes live then, by itself. The returned reason is what the
// entrant sees meanwhile.
func (h *MediaHandler) holdForGuardian(ctx context.Context, e entries.Entry) string {
	if h.Guardians != nil {
		if err := h.Guardians.HoldForLive(ctx, e.ID); err != nil {
			h.Log.Error("media: guardian hold not recorded; a moderator approves it after consent", "entry", e.ID, "err", err)
		}
	}
	return entries.GuardianWaiting
}
