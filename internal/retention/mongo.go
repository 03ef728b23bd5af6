package retention

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tryout/tryout/internal/mongodb"
)

// MongoRuns keeps run records in one collection.
type MongoRuns struct{ c *mongo.Collection }

var _ RunStore = (*MongoRuns)(nil)

// NewMongoRuns returns a store over the collection.
func NewMongoRuns(c *mongo.Collection) *MongoRuns { return &MongoRuns{c: c} }

type runDoc struct {
	ID               string    `bson:"_id"`
	StartedAt        time.Time `bson:"started_at"`
	FinishedAt       time.Time `bson:"finished_at"`
	Campaigns        int       `bson:"campaigns"`
	OriginalsDeleted int       `bson:"originals_deleted"`
	MediaDeleted     int       `bson:"media_deleted"`
	ObjectsDeleted   int       `bson:"objects_deleted"`
	SignalsExpired   int64     `bson:"signals_expired"`
	Problems         []string  `bson:"problems"`
}

// Add implements RunStore.
func (s *MongoRuns) Add(ctx context.Context, r Run) error {
	d := runDoc(r)
	d.StartedAt, d.FinishedAt = d.StartedAt.UTC(), d.FinishedAt.UTC()
	if d.Problems == nil {
		d.Problems = []string{}
	}
	if _, err := s.c.InsertOne(ctx, d); err != nil {
		return fmt.Errorf("retention: add run: %w", err)
	}
	return nil
}

// Recent implements RunStore, newest first.
func (s *MongoRuns) Recent(ctx context.Context, limit int) ([]Run, error) {
	out, err := mongodb.FindAll(ctx, s.c, bson.D{}, bson.D{{Key: "started_at", Value: -1}}, limit, func(d runDoc) Run { return Run(d) })
	if err != nil {
		return nil, fmt.Errorf("retention: runs: %w", err)
	}
	return out, nil
}
