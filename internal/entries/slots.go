package entries

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// ErrNoSlot means the entrant has used every entry the campaign allows.
var ErrNoSlot = errors.New("no entry slot left")

// Slots hands out the numbered entries a campaign allows each entrant.
// Claiming inserts a unique key, so the limit holds exactly however many
// requests race (and on FerretDB, where updates across connections are not
// atomic).
type Slots interface {
	Claim(ctx context.Context, campaignID, entrantID, entryID string, max int) error
	Release(ctx context.Context, entryID string) error
}

// MongoSlots keeps slots in one collection.
type MongoSlots struct{ c *mongo.Collection }

var _ Slots = (*MongoSlots)(nil)

// NewMongoSlots returns slots over the collection.
func NewMongoSlots(c *mongo.Collection) *MongoSlots { return &MongoSlots{c: c} }

// Claim takes the lowest free slot 1..max for the entry.
func (s *MongoSlots) Claim(ctx context.Context, campaignID, entrantID, entryID string, max int) error {
	for n := 1; n <= max; n++ {
		_, err := s.c.InsertOne(ctx, bson.D{
			{Key: "_id", Value: fmt.Sprintf("%s/%s/%d", campaignID, entrantID, n)},
			{Key: "entry_id", Value: entryID},
		})
		if err == nil {
			return nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("entries: claim slot: %w", err)
		}
	}
	return ErrNoSlot
}

// Release frees the entry's slot; releasing twice is harmless.
func (s *MongoSlots) Release(ctx context.Context, entryID string) error {
	if _, err := s.c.DeleteMany(ctx, bson.D{{Key: "entry_id", Value: entryID}}); err != nil {
		return fmt.Errorf("entries: release slot: %w", err)
	}
	return nil
}
