package referrals

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// ReplaceSharer hands a deleted account's share links to an anonymous
// sharer: the codes keep working and their counts stay, but nothing says
// whose they were.
func (s *MongoStore) ReplaceSharer(ctx context.Context, from, to string) (int64, error) {
	res, err := s.c.UpdateMany(ctx, bson.D{{Key: "sharer", Value: from}}, bson.D{{Key: "$set", Value: bson.D{{Key: "sharer", Value: to}}}})
	if err != nil {
		return 0, fmt.Errorf("referrals: replace sharer: %w", err)
	}
	return res.ModifiedCount, nil
}
