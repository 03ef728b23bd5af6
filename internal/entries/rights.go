package entries

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// ErrGuardianPending refuses to put an entry live before the entrant's
// guardian has consented.
var ErrGuardianPending = errors.New("waiting for the guardian's consent")

// GuardianWaiting is the status reason an entrant sees while their
// guardian has not consented.
const GuardianWaiting = "Waiting for your guardian's consent."

// checkMove checks the state machine and the guardian hold.
func checkMove(e Entry, to Status) error {
	if err := CheckTransition(e.Status, to); err != nil {
		return err
	}
	if to == Live && e.GuardianPending {
		return fmt.Errorf("entries: %s: %w", e.ID, ErrGuardianPending)
	}
	return nil
}

// rightsDoc holds the eligibility, consent, retention and erasure fields,
// inlined in the entry document.
type rightsDoc struct {
	Country           string    `bson:"country,omitempty"`
	CountrySignal     string    `bson:"country_signal,omitempty"`
	GuardianPending   bool      `bson:"guardian_pending,omitempty"`
	OriginalDeletedAt time.Time `bson:"original_deleted_at,omitempty"`
	MediaDeletedAt    time.Time `bson:"media_deleted_at,omitempty"`
	Erased            bool      `bson:"erased,omitempty"`
}

func toRightsDoc(e Entry) rightsDoc {
	return rightsDoc{e.Country, e.CountrySignal, e.GuardianPending, utcOrZero(e.OriginalDeletedAt), utcOrZero(e.MediaDeletedAt), e.Erased}
}

func (d rightsDoc) fill(e *Entry) {
	e.Country, e.CountrySignal, e.GuardianPending = d.Country, d.CountrySignal, d.GuardianPending
	e.OriginalDeletedAt, e.MediaDeletedAt, e.Erased = d.OriginalDeletedAt, d.MediaDeletedAt, d.Erased
}

func utcOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

// SetGuardianPending records that the guardian consented (false), or that
// one must (true). It leaves updated_at alone: moderators' optimistic locks
// must not trip on it.
func (s *MongoStore) SetGuardianPending(ctx context.Context, id string, pending bool) error {
	if pending {
		return s.set(ctx, id, bson.D{{Key: "guardian_pending", Value: true}})
	}
	return s.unset(ctx, id, "guardian_pending")
}

// MarkOriginalDeleted records that retention deleted the original.
func (s *MongoStore) MarkOriginalDeleted(ctx context.Context, id string, at time.Time) error {
	return s.set(ctx, id, bson.D{{Key: "original_deleted_at", Value: at.UTC()}})
}

// MarkMediaDeleted records that every stored file of the entry is gone:
// the original and the renditions, which are forgotten so nothing points
// at them.
func (s *MongoStore) MarkMediaDeleted(ctx context.Context, id string, at time.Time) error {
	if err := s.set(ctx, id, bson.D{{Key: "media_deleted_at", Value: at.UTC()}, {Key: "original_deleted_at", Value: at.UTC()},
		{Key: "renditions", Value: nil}, {Key: "captions", Value: ""}}); err != nil {
		return err
	}
	return s.unset(ctx, id, "upload")
}

// Erase removes everything personal from an entry whose entrant deleted
// their account: texts, the original's name, consents (their IP hashes and
// birth date), screening details, countries. What stays is the entry's
// id, campaign, statuses (without reasons), dates and counters, so totals
// and history add up.
func (s *MongoStore) Erase(ctx context.Context, id string, at time.Time) error {
	e, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	history := make([]changeDoc, 0, len(e.History))
	for _, h := range e.History {
		history = append(history, changeDoc{From: string(h.From), To: string(h.To), At: h.At.UTC()})
	}
	if err := s.set(ctx, id, bson.D{{Key: "title", Value: ""}, {Key: "description", Value: ""}, {Key: "creator_name", Value: ""},
		{Key: "status_reason", Value: ""}, {Key: "history", Value: history}, {Key: "original", Value: objectDoc{}},
		{Key: "consents", Value: bson.A{}}, {Key: "findings", Value: bson.A{}}, {Key: "fingerprint", Value: bson.A{}},
		{Key: "media", Value: nil}, {Key: "renditions", Value: nil}, {Key: "captions", Value: ""},
		{Key: "country", Value: ""}, {Key: "country_signal", Value: ""}, {Key: "erased", Value: true}, {Key: "updated_at", Value: at.UTC()}}); err != nil {
		return err
	}
	return s.unset(ctx, id, "upload")
}

func (s *MongoStore) unset(ctx context.Context, id, field string) error {
	res, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$unset", Value: bson.D{{Key: field, Value: ""}}}})
	if err != nil {
		return fmt.Errorf("entries: update: %w", err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("entries: update %s: %w", id, ErrNotFound)
	}
	return nil
}

// OriginalsPrefix is where an entry's uploaded originals are stored in the
// originals bucket (one object per upload, see intake).
func OriginalsPrefix(e Entry) string { return "campaigns/" + e.CampaignID + "/entries/" + e.ID + "/" }

// RenditionsPrefix is where everything made from an entry's originals is
// stored in the renditions bucket (a folder per original): ladders,
// fallbacks, posters, sprites, previews and captions.
func RenditionsPrefix(e Entry) string { return "entries/" + e.ID + "/" }
