package perks

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// ReplaceEntrant hands a deleted account's perk claims to an anonymous
// holder: the codes stay used (never handed out twice), the pool's counts
// stay, and nothing says who had them.
func (s *MongoStore) ReplaceEntrant(ctx context.Context, from, to string) (int64, error) {
	res, err := s.claims.UpdateMany(ctx, bson.D{{Key: "entrant_id", Value: from}}, bson.D{{Key: "$set", Value: bson.D{{Key: "entrant_id", Value: to}}}})
	if err != nil {
		return 0, fmt.Errorf("perks: replace entrant: %w", err)
	}
	return res.ModifiedCount, nil
}
