package gallery

import (
	"context"
	"time"

	"github.com/tryout/tryout/internal/entries"
)

// The writers below change nothing a card shows while the entry is live,
// or their callers mend the read model themselves; each says which. They
// are written out (not promoted from an embedded Mongo store) so that a
// new writer has to be looked at here.

// Create implements entries.Writer: a new entry is never live.
func (s *SyncedStore) Create(ctx context.Context, e entries.Entry) error {
	return s.mongo.Create(ctx, e)
}

// SetMedia implements entries.Writer: probing happens before an entry is live.
func (s *SyncedStore) SetMedia(ctx context.Context, id string, m entries.Media, at time.Time) error {
	return s.mongo.SetMedia(ctx, id, m, at)
}

// SetRenditions implements entries.Writer: renditions are published while
// the entry is processed, before the move to live puts the card with its
// poster (a re-run of the same task publishes the same files).
func (s *SyncedStore) SetRenditions(ctx context.Context, id string, r entries.Renditions, at time.Time) error {
	return s.mongo.SetRenditions(ctx, id, r, at)
}

// SetScreening implements entries.Writer: findings are not on the card.
func (s *SyncedStore) SetScreening(ctx context.Context, id string, findings []entries.Finding, fp entries.Fingerprint, at time.Time) error {
	return s.mongo.SetScreening(ctx, id, findings, fp, at)
}

// SetProgress implements entries.Writer: progress is not on the card.
func (s *SyncedStore) SetProgress(ctx context.Context, id, stage string, percent int, at time.Time) error {
	return s.mongo.SetProgress(ctx, id, stage, percent, at)
}

// SetCaptions implements entries.Writer: captions are not on the card.
func (s *SyncedStore) SetCaptions(ctx context.Context, id, key string, at time.Time) error {
	return s.mongo.SetCaptions(ctx, id, key, at)
}

// AddCounts implements entries.Writer: the card's views and votes are
// counted in Redis first; this flush only catches MongoDB up.
func (s *SyncedStore) AddCounts(ctx context.Context, id string, views, votes, uniqueViewers int64) error {
	return s.mongo.AddCounts(ctx, id, views, votes, uniqueViewers)
}

// SetVotes implements entries.Writer: reconcile mends the card's total
// itself, beside this record.
func (s *SyncedStore) SetVotes(ctx context.Context, id string, n int64) error {
	return s.mongo.SetVotes(ctx, id, n)
}

// SetFinalist implements entries.Writer: finalists are not on the card.
func (s *SyncedStore) SetFinalist(ctx context.Context, id string, on bool) error {
	return s.mongo.SetFinalist(ctx, id, on)
}

// SetGuardianPending implements entries.Writer: an entry waiting for a
// guardian is not live; the move to live afterwards puts the card.
func (s *SyncedStore) SetGuardianPending(ctx context.Context, id string, pending bool) error {
	return s.mongo.SetGuardianPending(ctx, id, pending)
}

// MarkOriginalDeleted implements entries.Writer: the original is never
// on the card.
func (s *SyncedStore) MarkOriginalDeleted(ctx context.Context, id string, at time.Time) error {
	return s.mongo.MarkOriginalDeleted(ctx, id, at)
}

// MarkMediaDeleted implements entries.Writer: retention deletes the media
// only of entries that never went live.
func (s *SyncedStore) MarkMediaDeleted(ctx context.Context, id string, at time.Time) error {
	return s.mongo.MarkMediaDeleted(ctx, id, at)
}

// Erase implements entries.Writer: an account deletion withdraws the
// entries and removes their cards (rights.Deleter) before it erases them.
func (s *SyncedStore) Erase(ctx context.Context, id string, at time.Time) error {
	return s.mongo.Erase(ctx, id, at)
}

// Delete implements entries.Writer: only an entry just created, whose
// processing could not be queued, is deleted (intake's undo).
func (s *SyncedStore) Delete(ctx context.Context, id string) error { return s.mongo.Delete(ctx, id) }
