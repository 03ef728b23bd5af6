package entries

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tryout/tryout/internal/mongodb"
)

// EachByCampaign streams every entry of a campaign, in no set order, one
// batch in memory at a time (CSV exports). fn's error stops the walk.
func (s *MongoStore) EachByCampaign(ctx context.Context, campaignID string, fn func(Entry) error) error {
	err := mongodb.Each(ctx, s.c, bson.D{{Key: "campaign_id", Value: campaignID}}, 500, entryDoc.entry, fn)
	if err != nil {
		return fmt.Errorf("entries: each: %w", err)
	}
	return nil
}
