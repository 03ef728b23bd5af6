package outreach

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Scrub erases the words of a deleted account's replies; the records stay
// (empty) so the team's timeline of other entrants is unchanged.
func (s *MongoReplies) Scrub(ctx context.Context, entrantID, anon string) (int64, error) {
	res, err := s.c.UpdateMany(ctx, bson.D{{Key: "entrant_id", Value: entrantID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "entrant_id", Value: anon}, {Key: "text", Value: ""}}}})
	if err != nil {
		return 0, fmt.Errorf("outreach: scrub replies: %w", err)
	}
	return res.ModifiedCount, nil
}

// ScrubEntrant erases messages the team wrote to one deleted entrant:
// their subject and body and whom they were for.
func (s *MongoStore) ScrubEntrant(ctx context.Context, entrantID, anon string) (int64, error) {
	res, err := s.c.UpdateMany(ctx, bson.D{{Key: "entrant_id", Value: entrantID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "entrant_id", Value: anon}, {Key: "subject", Value: ""}, {Key: "body", Value: ""}}}})
	if err != nil {
		return 0, fmt.Errorf("outreach: scrub messages: %w", err)
	}
	return res.ModifiedCount, nil
}
