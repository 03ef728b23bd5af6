package campaigns

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tryout/tryout/internal/mongodb"
)

// MongoWinners keeps winners in their own collection, keyed by entry.
type MongoWinners struct{ c *mongo.Collection }

var _ WinnerStore = (*MongoWinners)(nil)

// NewMongoWinners returns a store over the given collection.
func NewMongoWinners(c *mongo.Collection) *MongoWinners { return &MongoWinners{c: c} }

type winnerDoc struct {
	EntryID    string    `bson:"_id"`
	CampaignID string    `bson:"campaign_id"`
	Place      int       `bson:"place"`
	Prize      string    `bson:"prize"`
	By         string    `bson:"by"`
	At         time.Time `bson:"at"`
}

// PutWinner implements WinnerStore.
func (s *MongoWinners) PutWinner(ctx context.Context, w Winner) error {
	d := winnerDoc{w.EntryID, w.CampaignID, w.Place, w.Prize, w.By, w.At.UTC()}
	_, err := s.c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: w.EntryID}}, d, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("campaigns: put winner: %w", err)
	}
	return nil
}

// RemoveWinner implements WinnerStore.
func (s *MongoWinners) RemoveWinner(ctx context.Context, campaignID, entryID string) error {
	if _, err := s.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: entryID}, {Key: "campaign_id", Value: campaignID}}); err != nil {
		return fmt.Errorf("campaigns: remove winner: %w", err)
	}
	return nil
}

// Winners implements WinnerStore.
func (s *MongoWinners) Winners(ctx context.Context, campaignID string) ([]Winner, error) {
	out, err := mongodb.FindAll(ctx, s.c, bson.D{{Key: "campaign_id", Value: campaignID}}, bson.D{{Key: "place", Value: 1}, {Key: "at", Value: 1}}, 0,
		func(d winnerDoc) Winner { return Winner{d.CampaignID, d.EntryID, d.Place, d.Prize, d.By, d.At} })
	if err != nil {
		return nil, fmt.Errorf("campaigns: winners: %w", err)
	}
	return out, nil
}
