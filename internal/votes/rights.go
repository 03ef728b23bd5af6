package votes

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tryout/tryout/internal/mongodb"
)

// OfVoter lists a voter's ballots, oldest first (a data export). Ballots
// have no index on the voter alone (it would cost every vote), so this
// scans; it runs once per request.
func (s *MongoBallots) OfVoter(ctx context.Context, voter string, limit int) ([]Ballot, error) {
	out, err := mongodb.FindAll(ctx, s.c, bson.D{{Key: "voter", Value: voter}}, bson.D{{Key: "at", Value: 1}}, limit, ballotDoc.ballot)
	if err != nil {
		return nil, fmt.Errorf("votes: of voter: %w", err)
	}
	return out, nil
}

// Anonymize gives a deleted account's ballots to an anonymous voter: the
// voter id (and the uniqueness key built from it) becomes anon, and the
// address, network and device hashes are erased. Every ballot stays, with
// its entry, period and discounted mark, so every total is unchanged.
// Ballots already anonymized are not touched, so a repeat is harmless.
func (s *MongoBallots) Anonymize(ctx context.Context, voter, anon string) (int, error) {
	list, err := s.OfVoter(ctx, voter, 0)
	if err != nil {
		return 0, err
	}
	if len(list) == 0 {
		return 0, nil
	}
	models := make([]mongo.WriteModel, 0, len(list))
	for _, b := range list {
		key := strings.Replace(b.Key, "|"+voter+"|", "|"+anon+"|", 1)
		models = append(models, mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: b.ID}}).SetUpdate(bson.D{{Key: "$set", Value: bson.D{
			{Key: "voter", Value: anon}, {Key: "key", Value: key}, {Key: "entry_voter_period", Value: EntryVoterPeriod(b.EntryID, anon, b.Period)},
			{Key: "request", Value: ""},
			{Key: "signals.ip_hash", Value: ""}, {Key: "signals.subnet_hash", Value: ""}, {Key: "signals.device", Value: ""},
		}}}))
	}
	if _, err := s.c.BulkWrite(ctx, models); err != nil {
		return 0, fmt.Errorf("votes: anonymize: %w", err)
	}
	return len(list), nil
}

// ExpireSignals erases the address, network and device hashes of a
// campaign's ballots cast before the time (retention); fraud review has
// nothing to cluster them by afterwards. It returns how many changed.
func (s *MongoBallots) ExpireSignals(ctx context.Context, campaignID string, before time.Time) (int64, error) {
	res, err := s.c.UpdateMany(ctx, bson.D{{Key: "campaign_id", Value: campaignID}, {Key: "at", Value: bson.D{{Key: "$lt", Value: before.UTC()}}},
		{Key: "signals_expired", Value: bson.D{{Key: "$ne", Value: true}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "signals.ip_hash", Value: ""}, {Key: "signals.subnet_hash", Value: ""},
			{Key: "signals.device", Value: ""}, {Key: "signals_expired", Value: true}}}})
	if err != nil {
		return 0, fmt.Errorf("votes: expire signals: %w", err)
	}
	return res.ModifiedCount, nil
}
