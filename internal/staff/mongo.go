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
	return s.find(ctx, bson.D{{Key: "email", Value: email}})
}

// Get finds a user by id.
func (s *MongoStore) Get(ctx context.Context, id string) (User, error) {
	return s.find(ctx, bson.D{{Key: "_id", Value: id}})
}

func (s *MongoStore) find(ctx context.Context, filter bson.D) (User, error) {
	var d userDoc
	err := s.c.FindOne(ctx, filter).Decode(&d)
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

// MongoSessions keeps staff sessions in one MongoDB collection.
type MongoSessions struct{ c *mongo.Collection }

var _ SessionStore = (*MongoSessions)(nil)

// NewMongoSessions returns a session store over the given collection.
func NewMongoSessions(c *mongo.Collection) *MongoSessions { return &MongoSessions{c: c} }

type sessionDoc struct {
	ID        string    `bson:"_id"`
	UserID    string    `bson:"user_id"`
	CSRF      string    `bson:"csrf"`
	CreatedAt time.Time `bson:"created_at"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// CreateSession stores a new session.
func (s *MongoSessions) CreateSession(ctx context.Context, ss Session) error {
	if _, err := s.c.InsertOne(ctx, sessionDoc{ss.ID, ss.UserID, ss.CSRF, ss.CreatedAt.UTC(), ss.ExpiresAt.UTC()}); err != nil {
		return fmt.Errorf("staff: create session: %w", err)
	}
	return nil
}

// GetSession returns an unexpired session.
func (s *MongoSessions) GetSession(ctx context.Context, id string, now time.Time) (Session, error) {
	var d sessionDoc
	err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "expires_at", Value: bson.D{{Key: "$gt", Value: now.UTC()}}}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, fmt.Errorf("staff: get session: %w", err)
	}
	return Session(d), nil
}

// DeleteSession ends one session.
func (s *MongoSessions) DeleteSession(ctx context.Context, id string) error {
	if _, err := s.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return fmt.Errorf("staff: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user.
func (s *MongoSessions) DeleteUserSessions(ctx context.Context, userID string) (int64, error) {
	r, err := s.c.DeleteMany(ctx, bson.D{{Key: "user_id", Value: userID}})
	if err != nil {
		return 0, fmt.Errorf("staff: delete sessions: %w", err)
	}
	return r.DeletedCount, nil
}
