package entries

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tryout/tryout/internal/mongodb"
)

// exportProjection leaves out what no export reads: the media pipeline's
// records and screening's findings and fingerprints.
var exportProjection = bson.D{{Key: "fingerprint", Value: 0}, {Key: "findings", Value: 0}, {Key: "renditions", Value: 0},
	{Key: "upload", Value: 0}, {Key: "original", Value: 0}, {Key: "description", Value: 0}}

// EachByCampaign streams every entry of a campaign, in no set order, one
// batch in memory at a time (CSV exports), without the fields in
// exportProjection. fn's error stops the walk.
func (s *MongoStore) EachByCampaign(ctx context.Context, campaignID string, fn func(Entry) error) error {
	err := mongodb.Each(ctx, s.c, bson.D{{Key: "campaign_id", Value: campaignID}}, exportProjection, 500, entryDoc.entry, fn)
	if err != nil {
		return fmt.Errorf("entries: each: %w", err)
	}
	return nil
}
