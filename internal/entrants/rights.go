package entrants

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TombstoneDomain is where erased addresses point: .invalid never
// resolves (RFC 2606), so no mail can reach one.
const TombstoneDomain = "deleted.invalid"

// Tombstone erases a deleted account's personal fields. The address
// becomes one no one can have (so the unique index lets the person sign
// up again, fresh, with their real address); name and preferences go.
func (s *MongoStore) Tombstone(ctx context.Context, id string, at time.Time) error {
	res, err := s.entrants.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{
		{Key: "$set", Value: bson.D{{Key: "email", Value: "deleted+" + id + "@" + TombstoneDomain}, {Key: "display_name", Value: ""},
			{Key: "deleted_at", Value: at.UTC()}}},
		{Key: "$unset", Value: bson.D{{Key: "mail_off", Value: ""}, {Key: "mail_all_off", Value: ""}}},
	})
	if err != nil {
		return fmt.Errorf("entrants: tombstone: %w", err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("entrants: tombstone %s: %w", id, ErrNotFound)
	}
	return nil
}
