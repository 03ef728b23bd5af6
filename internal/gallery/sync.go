package gallery

import (
	"context"
	"log/slog"
	"time"

	"github.com/tryout/tryout/internal/entries"
)

// SyncedStore is the entry store the app hands out: every change that
// moves an entry into or out of live, or edits a live one, updates the
// read model right after MongoDB. MongoDB stays the truth; if Redis fails
// the change still stands, the error is logged, and `tryout gallery
// rebuild` (or the next change to the entry) mends the read model.
//
// Reads go straight to MongoDB (the embedded entries.Reader). Writes do
// not: SyncedStore does not embed the Mongo store, so it implements every
// method of entries.Writer itself (writers.go), and a writer added to the
// Mongo store without one here fails TestSyncedStoreCoversEveryWriter.
type SyncedStore struct {
	entries.Reader
	Index *Index
	Log   *slog.Logger
	// OnLive is told of every move into live, whatever made it (staff,
	// screening, a report cleared); nil for nobody.
	OnLive func(ctx context.Context, e entries.Entry)

	mongo *entries.MongoStore
}

// NewSyncedStore wraps the Mongo entry store with the gallery index.
func NewSyncedStore(m *entries.MongoStore, index *Index, log *slog.Logger) *SyncedStore {
	return &SyncedStore{Reader: m, Index: index, Log: log, mongo: m}
}

var _ entries.Store = (*SyncedStore)(nil)

// Apply implements entries.Writer: a move into or out of live, or a change
// to a live entry, updates the card.
func (s *SyncedStore) Apply(ctx context.Context, id string, from entries.Status, ch entries.Change) (entries.Entry, error) {
	e, err := s.mongo.Apply(ctx, id, from, ch)
	if err == nil && (from == entries.Live || e.Status == entries.Live) {
		s.Sync(ctx, e)
		if from != entries.Live && e.Status == entries.Live && s.OnLive != nil {
			s.OnLive(ctx, e)
		}
	}
	return e, err
}

// Transition implements entries.Writer through Apply, so it syncs too.
func (s *SyncedStore) Transition(ctx context.Context, id string, from, to entries.Status, reason string, at time.Time) (entries.Entry, error) {
	return s.Apply(ctx, id, from, entries.Change{To: to, Reason: reason, At: at})
}

// Sync puts a public entry's card in the gallery or takes a non-public one
// out.
func (s *SyncedStore) Sync(ctx context.Context, e entries.Entry) {
	var err error
	if c, ok := CardOf(e); ok {
		err = s.Index.Put(ctx, c)
	} else {
		err = s.Index.Remove(ctx, e.CampaignID, e.ID)
	}
	if err != nil {
		s.Log.Error("gallery: read model not updated; run `tryout gallery rebuild`", "entry", e.ID, "err", err)
	}
}

// RebuildCampaign rebuilds one campaign's read model from MongoDB.
func (s *SyncedStore) RebuildCampaign(ctx context.Context, campaignID string) (int, error) {
	return s.Index.Rebuild(ctx, campaignID, func(yield func(Card) error) error {
		return s.EachLive(ctx, campaignID, func(e entries.Entry) error {
			if c, ok := CardOf(e); ok {
				return yield(c)
			}
			return nil
		})
	})
}
