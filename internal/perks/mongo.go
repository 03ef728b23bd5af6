package perks

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tryout/tryout/internal/mongodb"
)

// MongoStore keeps codes in one collection and claims in another. A claim's
// _id is the campaign and code, and claims carry a unique index on campaign
// and entrant, so inserting a claim is what takes a code: two entrants can
// never insert the same code, nor one entrant two codes.
type MongoStore struct{ codes, claims *mongo.Collection }

var _ Store = (*MongoStore)(nil)

// NewMongoStore returns a store over the two collections.
func NewMongoStore(codes, claims *mongo.Collection) *MongoStore {
	return &MongoStore{codes: codes, claims: claims}
}

type codeDoc struct {
	ID         string    `bson:"_id"` // campaign|code
	CampaignID string    `bson:"campaign_id"`
	Code       string    `bson:"code"`
	Claimed    bool      `bson:"claimed"` // a hint for finding free codes; the claim is the truth
	AddedAt    time.Time `bson:"added_at"`
}

type claimDoc struct {
	ID         string    `bson:"_id"` // campaign|code
	CampaignID string    `bson:"campaign_id"`
	EntrantID  string    `bson:"entrant_id"`
	Code       string    `bson:"code"`
	At         time.Time `bson:"at"`
	// CampaignEntrant (campaign|entrant) is the one-field unique key: one
	// code per entrant and campaign.
	CampaignEntrant string `bson:"campaign_entrant"`
}

func (d claimDoc) claim() Claim { return Claim{d.CampaignID, d.EntrantID, d.Code, d.At} }

func key(campaignID, code string) string { return campaignID + "|" + code }

// Add implements Store.
func (s *MongoStore) Add(ctx context.Context, campaignID string, codes []string, at time.Time) ([]string, error) {
	docs := make([]any, len(codes))
	for i, c := range codes {
		docs[i] = codeDoc{key(campaignID, c), campaignID, c, false, at.UTC()}
	}
	var taken []string
	for start := 0; start < len(docs); start += 1000 {
		batch := docs[start:min(start+1000, len(docs))]
		_, err := s.codes.InsertMany(ctx, batch, options.InsertMany().SetOrdered(false))
		var bwe mongo.BulkWriteException
		if errors.As(err, &bwe) {
			for _, we := range bwe.WriteErrors {
				if !mongo.IsDuplicateKeyError(we) {
					return taken, fmt.Errorf("perks: add: %w", err)
				}
				taken = append(taken, batch[we.Index].(codeDoc).Code)
			}
		} else if err != nil {
			return taken, fmt.Errorf("perks: add: %w", err)
		}
	}
	return taken, nil
}

// Claim implements Store.
func (s *MongoStore) Claim(ctx context.Context, campaignID, entrantID string, at time.Time) (Claim, error) {
	if c, err := s.ClaimOf(ctx, campaignID, entrantID); !errors.Is(err, ErrNotFound) {
		return c, err
	}
	for range 50 {
		free, err := mongodb.FindAll(ctx, s.codes, bson.D{{Key: "campaign_id", Value: campaignID}, {Key: "claimed", Value: false}},
			bson.D{{Key: "_id", Value: 1}}, 32, func(d codeDoc) codeDoc { return d })
		if err != nil {
			return Claim{}, fmt.Errorf("perks: find free codes: %w", err)
		}
		if len(free) == 0 {
			return Claim{}, fmt.Errorf("perks: %s: %w", campaignID, ErrEmpty)
		}
		// Concurrent claimers spread over the free codes instead of all
		// racing for the first.
		pick := free[rand.IntN(len(free))]
		d := claimDoc{pick.ID, campaignID, entrantID, pick.Code, at.UTC(), campaignID + "|" + entrantID}
		_, err = s.claims.InsertOne(ctx, d)
		if err == nil {
			s.markClaimed(ctx, pick.ID)
			return d.claim(), nil
		}
		if mongodb.Transient(err) { // a concurrent claim cancelled this one: pick again
			continue
		}
		if !mongo.IsDuplicateKeyError(err) {
			return Claim{}, fmt.Errorf("perks: claim: %w", err)
		}
		// Either this entrant got a code meanwhile, or someone took this one.
		if c, err := s.ClaimOf(ctx, campaignID, entrantID); !errors.Is(err, ErrNotFound) {
			return c, err
		}
		s.markClaimed(ctx, pick.ID)
	}
	return Claim{}, fmt.Errorf("perks: claim: too many concurrent claims, try again")
}

// markClaimed updates the hint; a failure only costs a later retry.
func (s *MongoStore) markClaimed(ctx context.Context, id string) {
	_, _ = s.codes.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{{Key: "claimed", Value: true}}}})
}

// ClaimOf implements Store.
func (s *MongoStore) ClaimOf(ctx context.Context, campaignID, entrantID string) (Claim, error) {
	var d claimDoc
	err := s.claims.FindOne(ctx, bson.D{{Key: "campaign_id", Value: campaignID}, {Key: "entrant_id", Value: entrantID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Claim{}, fmt.Errorf("perks: %w", ErrNotFound)
	}
	if err != nil {
		return Claim{}, fmt.Errorf("perks: claim of: %w", err)
	}
	return d.claim(), nil
}

// ClaimsOf implements Store.
func (s *MongoStore) ClaimsOf(ctx context.Context, entrantID string) ([]Claim, error) {
	out, err := mongodb.FindAll(ctx, s.claims, bson.D{{Key: "entrant_id", Value: entrantID}}, bson.D{{Key: "at", Value: -1}}, 100, claimDoc.claim)
	if err != nil {
		return nil, fmt.Errorf("perks: claims of: %w", err)
	}
	return out, nil
}

// Stats implements Store.
func (s *MongoStore) Stats(ctx context.Context, campaignID string) (Stats, error) {
	f := bson.D{{Key: "campaign_id", Value: campaignID}}
	total, err := s.codes.CountDocuments(ctx, f)
	if err != nil {
		return Stats{}, fmt.Errorf("perks: stats: %w", err)
	}
	claimed, err := s.claims.CountDocuments(ctx, f)
	if err != nil {
		return Stats{}, fmt.Errorf("perks: stats: %w", err)
	}
	return Stats{int(total), int(claimed)}, nil
}
