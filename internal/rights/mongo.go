package rights

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// MongoStore keeps deletion records keyed by entrant id: inserting the key
// is what makes a second request for the same account find the first.
type MongoStore struct{ c *mongo.Collection }

var _ Store = (*MongoStore)(nil)

// NewMongoStore returns a store over the collection.
func NewMongoStore(c *mongo.Collection) *MongoStore { return &MongoStore{c: c} }

type deletionDoc struct {
	EntrantID   string    `bson:"_id"`
	By          string    `bson:"by"`
	RequestedAt time.Time `bson:"requested_at"`
	Status      string    `bson:"status"`
	Anon        string    `bson:"anon,omitempty"`
	Steps       []string  `bson:"steps"`
	Attempts    int       `bson:"attempts"`
	FailedStep  string    `bson:"failed_step,omitempty"`
	FinishedAt  time.Time `bson:"finished_at,omitempty"`
}

// Create implements Store.
func (s *MongoStore) Create(ctx context.Context, d Deletion) (Deletion, bool, error) {
	doc := deletionDoc{EntrantID: d.EntrantID, By: d.By, RequestedAt: d.RequestedAt.UTC(), Status: Running, Anon: d.Anon, Steps: []string{}}
	_, err := s.c.InsertOne(ctx, doc)
	if mongo.IsDuplicateKeyError(err) {
		got, err := s.Get(ctx, d.EntrantID)
		return got, false, err
	}
	if err != nil {
		return Deletion{}, false, fmt.Errorf("rights: create deletion: %w", err)
	}
	return Deletion(doc), true, nil
}

// Get implements Store.
func (s *MongoStore) Get(ctx context.Context, entrantID string) (Deletion, error) {
	var d deletionDoc
	err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: entrantID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Deletion{}, fmt.Errorf("rights: %s: %w", entrantID, ErrNotFound)
	}
	if err != nil {
		return Deletion{}, fmt.Errorf("rights: get deletion: %w", err)
	}
	return Deletion(d), nil
}

// StepDone implements Store.
func (s *MongoStore) StepDone(ctx context.Context, entrantID, step string) error {
	return s.update(ctx, entrantID, bson.D{{Key: "$addToSet", Value: bson.D{{Key: "steps", Value: step}}}})
}

// Failed implements Store.
func (s *MongoStore) Failed(ctx context.Context, entrantID, step string) error {
	return s.update(ctx, entrantID, bson.D{{Key: "$set", Value: bson.D{{Key: "failed_step", Value: step}}}, {Key: "$inc", Value: bson.D{{Key: "attempts", Value: 1}}}})
}

// Finish implements Store: the anonymous id is erased with the rest.
func (s *MongoStore) Finish(ctx context.Context, entrantID string, at time.Time) error {
	return s.update(ctx, entrantID, bson.D{
		{Key: "$set", Value: bson.D{{Key: "status", Value: Done}, {Key: "finished_at", Value: at.UTC()}}},
		{Key: "$unset", Value: bson.D{{Key: "anon", Value: ""}, {Key: "failed_step", Value: ""}}},
	})
}

func (s *MongoStore) update(ctx context.Context, entrantID string, u bson.D) error {
	res, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: entrantID}}, u)
	if err != nil {
		return fmt.Errorf("rights: update deletion: %w", err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("rights: %s: %w", entrantID, ErrNotFound)
	}
	return nil
}
