package mail

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tryout/tryout/internal/mongodb"
)

// EachByCampaign streams every message sent for a campaign, one batch in
// memory at a time (CSV exports). Sign-in links belong to no campaign.
func (s *MongoStore) EachByCampaign(ctx context.Context, campaignID string, fn func(Message) error) error {
	err := mongodb.Each(ctx, s.c, bson.D{{Key: "campaign_id", Value: campaignID}}, bson.D{{Key: "text", Value: 0}}, 500, messageDoc.message, fn)
	if err != nil {
		return fmt.Errorf("mail: each: %w", err)
	}
	return nil
}
