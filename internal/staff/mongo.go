package staff

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// MongoStore keeps staff accounts in one MongoDB collection.
type MongoStore struct{ c *mongo.Collection }

var _ Store = (*MongoStore)(nil)

// NewMongoStore returns a store over the given collection.
func NewMongoStore(c *mongo.Collection) *MongoStore { return &MongoStore{c: c} }

type userDoc struct {
	ID           string    `bson:"_id"`
	Email        string    `bson:"email"`
	Name         string    `bson:"name"`
	Role         string    `bson:"role"`
	PasswordHash []byte    `bson:"password_hash"`
	CreatedAt    time.Time `bson:"created_at"`
}

// Create inserts a user; a taken email is ErrEmailTaken.
func (s *MongoStore) Create(ctx context.Context, u User) error {
	d := userDoc{u.ID, u.Email, u.Name, string(u.Role), u.PasswordHash, u.CreatedAt.UTC()}
	if _, err := s.c.InsertOne(ctx, d); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("staff: create %s: %w", u.Email, ErrEmailTaken)
		}
		return fmt.Errorf("staff: create: %w", err)
	}
	return nil
}

// GetByEmail finds a user by normalised email.
func (s *MongoStore) GetByEmail(ctx context.Context, email string) (User, error) {
	var d userDoc
	err := s.c.FindOne(ctx, bson.D{{Key: "email", Value: email}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return User{}, fmt.Errorf("staff: %w", ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("staff: get: %w", err)
	}
	return User{d.ID, d.Email, d.Name, Role(d.Role), d.PasswordHash, d.CreatedAt}, nil
}

// Count returns how many staff accounts exist.
func (s *MongoStore) Count(ctx context.Context) (int64, error) {
	n, err := s.c.CountDocuments(ctx, bson.D{})
	if err != nil {
		return 0, fmt.Errorf("staff: count: %w", err)
	}
	return n, nil
}
