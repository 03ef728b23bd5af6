package votes

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tryout/tryout/internal/mongodb"
)

// EachByCampaign streams every ballot of a campaign (counted and
// discounted), one batch in memory at a time (CSV exports).
func (s *MongoBallots) EachByCampaign(ctx context.Context, campaignID string, fn func(Ballot) error) error {
	err := mongodb.Each(ctx, s.c, bson.D{{Key: "campaign_id", Value: campaignID}}, nil, 2000, ballotDoc.ballot, fn)
	if err != nil {
		return fmt.Errorf("votes: each: %w", err)
	}
	return nil
}
