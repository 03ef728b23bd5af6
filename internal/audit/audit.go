// Package audit records every staff action: who, what, when, on what, and
// the state before and after, for owners to read.
package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tryout/tryout/internal/mongodb"
)

// Record is one staff action.
type Record struct {
	ID         string
	ActorID    string
	ActorEmail string
	ActorRole  string
	Action     string // "entry.approve", "campaign.update", "staff.login", ...
	Target     string // "en_...", "cp_...", "st_..."
	Before     map[string]string
	After      map[string]string
	At         time.Time
}

// Store keeps the audit log. It only ever appends.
type Store interface {
	Add(ctx context.Context, r Record) error
	// List returns the newest records first, for one target or all ("").
	List(ctx context.Context, target string, limit int) ([]Record, error)
}

// MongoStore keeps the log in one MongoDB collection.
type MongoStore struct{ c *mongo.Collection }

// NewMongoStore returns a store over the given collection.
func NewMongoStore(c *mongo.Collection) *MongoStore { return &MongoStore{c: c} }

type recordDoc struct {
	ID         string            `bson:"_id"`
	ActorID    string            `bson:"actor_id"`
	ActorEmail string            `bson:"actor_email"`
	ActorRole  string            `bson:"actor_role"`
	Action     string            `bson:"action"`
	Target     string            `bson:"target"`
	Before     map[string]string `bson:"before,omitempty"`
	After      map[string]string `bson:"after,omitempty"`
	At         time.Time         `bson:"at"`
}

// Add appends a record.
func (s *MongoStore) Add(ctx context.Context, r Record) error {
	if r.ID == "" || r.Action == "" {
		return errors.New("audit: a record needs an id and an action")
	}
	d := recordDoc(r)
	d.At = d.At.UTC()
	if _, err := s.c.InsertOne(ctx, d); err != nil {
		return fmt.Errorf("audit: add: %w", err)
	}
	return nil
}

// List returns records newest first.
func (s *MongoStore) List(ctx context.Context, target string, limit int) ([]Record, error) {
	filter := bson.D{}
	if target != "" {
		filter = bson.D{{Key: "target", Value: target}}
	}
	out, err := mongodb.FindAll(ctx, s.c, filter, bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}, limit, func(d recordDoc) Record { return Record(d) })
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	return out, nil
}
