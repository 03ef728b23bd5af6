package referrals

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tryout/tryout/internal/mongodb"
)

// MongoStore keeps links in one collection with a unique (sharer, entry)
// index.
type MongoStore struct{ c *mongo.Collection }

var _ Store = (*MongoStore)(nil)

// NewMongoStore returns a store over the given collection.
func NewMongoStore(c *mongo.Collection) *MongoStore { return &MongoStore{c: c} }

type linkDoc struct {
	Code       string    `bson:"_id"`
	Sharer     string    `bson:"sharer"`
	EntryID    string    `bson:"entry_id"`
	CampaignID string    `bson:"campaign_id"`
	Clicks     int64     `bson:"clicks"`
	Entries    int64     `bson:"entries"`
	Votes      int64     `bson:"votes"`
	CreatedAt  time.Time `bson:"created_at"`
}

// linkRecord is a link as stored: with sharer_entry (sharer|entry), the
// one-field unique key that allows one link per sharer and entry.
type linkRecord struct {
	Link        linkDoc `bson:",inline"`
	SharerEntry string  `bson:"sharer_entry"`
}

// GetOrCreate implements Store: insert, and on a duplicate (sharer, entry)
// read the link that won.
func (s *MongoStore) GetOrCreate(ctx context.Context, l Link) (Link, error) {
	_, err := s.c.InsertOne(ctx, linkRecord{linkDoc(l), l.Sharer + "|" + l.EntryID})
	if err == nil {
		return l, nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return Link{}, fmt.Errorf("referrals: create: %w", err)
	}
	var d linkDoc
	err = s.c.FindOne(ctx, bson.D{{Key: "sharer_entry", Value: l.Sharer + "|" + l.EntryID}}).Decode(&d)
	if err != nil {
		return Link{}, fmt.Errorf("referrals: get: %w", err)
	}
	return Link(d), nil
}

// Get implements Store.
func (s *MongoStore) Get(ctx context.Context, code string) (Link, error) {
	var d linkDoc
	err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: code}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Link{}, ErrNotFound
	}
	if err != nil {
		return Link{}, fmt.Errorf("referrals: get: %w", err)
	}
	return Link(d), nil
}

// Add implements Store.
func (s *MongoStore) Add(ctx context.Context, code string, kind Kind, n int64) error {
	switch kind {
	case Clicks, Entries, Votes:
	default:
		return fmt.Errorf("referrals: unknown kind %q", kind)
	}
	_, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: code}}, bson.D{{Key: "$inc", Value: bson.D{{Key: string(kind), Value: n}}}})
	if err != nil {
		return fmt.Errorf("referrals: add: %w", err)
	}
	return nil
}

// BySharer implements Store, newest first.
func (s *MongoStore) BySharer(ctx context.Context, sharer string) ([]Link, error) {
	out, err := mongodb.FindAll(ctx, s.c, bson.D{{Key: "sharer", Value: sharer}}, bson.D{{Key: "created_at", Value: -1}}, 200, func(d linkDoc) Link { return Link(d) })
	if err != nil {
		return nil, fmt.Errorf("referrals: by sharer: %w", err)
	}
	return out, nil
}
