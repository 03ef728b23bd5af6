package entrants

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/mongodb"
)

// MongoStore keeps entrants and link claims in MongoDB.
type MongoStore struct {
	entrants, claims *mongo.Collection
}

var _ Store = (*MongoStore)(nil)

// NewMongoStore returns a store over the two collections.
func NewMongoStore(entrants, claims *mongo.Collection) *MongoStore {
	return &MongoStore{entrants: entrants, claims: claims}
}

type entrantDoc struct {
	ID          string    `bson:"_id"`
	Email       string    `bson:"email"`
	DisplayName string    `bson:"display_name"`
	CreatedAt   time.Time `bson:"created_at"`
}

// GetOrCreate inserts the entrant, or returns the existing one with the same
// email (the unique index decides a race).
func (s *MongoStore) GetOrCreate(ctx context.Context, e Entrant) (Entrant, error) {
	_, err := s.entrants.InsertOne(ctx, entrantDoc{e.ID, e.Email, e.DisplayName, e.CreatedAt.UTC()})
	if err == nil {
		return e, nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return Entrant{}, fmt.Errorf("entrants: create: %w", err)
	}
	return s.find(ctx, bson.D{{Key: "email", Value: e.Email}})
}

// Get returns an entrant by id.
func (s *MongoStore) Get(ctx context.Context, id string) (Entrant, error) {
	return s.find(ctx, bson.D{{Key: "_id", Value: id}})
}

// Search finds entrants by part of their email or display name.
func (s *MongoStore) Search(ctx context.Context, q string, limit int) ([]Entrant, error) {
	re := bson.Regex{Pattern: regexp.QuoteMeta(strings.TrimSpace(q)), Options: "i"}
	filter := bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "email", Value: re}}, bson.D{{Key: "display_name", Value: re}}}}}
	out, err := mongodb.FindAll(ctx, s.entrants, filter, bson.D{{Key: "email", Value: 1}}, limit, func(d entrantDoc) Entrant { return Entrant(d) })
	if err != nil {
		return nil, fmt.Errorf("entrants: search: %w", err)
	}
	return out, nil
}

func (s *MongoStore) find(ctx context.Context, filter bson.D) (Entrant, error) {
	var d entrantDoc
	err := s.entrants.FindOne(ctx, filter).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Entrant{}, fmt.Errorf("entrants: %w", ErrNotFound)
	}
	if err != nil {
		return Entrant{}, fmt.Errorf("entrants: find: %w", err)
	}
	return Entrant(d), nil
}

// ClaimLink inserts the nonce; a duplicate key means the link was used.
func (s *MongoStore) ClaimLink(ctx context.Context, nonce string, expires, now time.Time) error {
	_, err := s.claims.InsertOne(ctx, bson.D{{Key: "_id", Value: nonce}, {Key: "expires_at", Value: expires.UTC()}, {Key: "used_at", Value: now.UTC()}})
	if mongo.IsDuplicateKeyError(err) {
		return ErrLinkUsed
	}
	if err != nil {
		return fmt.Errorf("entrants: claim link: %w", err)
	}
	return nil
}

// DeleteExpiredClaims removes claims of links that can no longer be used
// anyway (run from the cleanup job: FerretDB has no TTL indexes).
func (s *MongoStore) DeleteExpiredClaims(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.claims.DeleteMany(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: now.UTC()}}}})
	if err != nil {
		return 0, fmt.Errorf("entrants: delete claims: %w", err)
	}
	return res.DeletedCount, nil
}

type prefsDoc struct {
	Off    []string `bson:"mail_off"`
	AllOff bool     `bson:"mail_all_off"`
}

// MailPrefs returns an entrant's email preferences (everything on for an
// entrant who never chose).
func (s *MongoStore) MailPrefs(ctx context.Context, id string) (mail.Prefs, error) {
	var d prefsDoc
	err := s.entrants.FindOne(ctx, bson.D{{Key: "_id", Value: id}},
		options.FindOne().SetProjection(bson.D{{Key: "mail_off", Value: 1}, {Key: "mail_all_off", Value: 1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return mail.Prefs{}, fmt.Errorf("entrants: %w", ErrNotFound)
	}
	if err != nil {
		return mail.Prefs{}, fmt.Errorf("entrants: prefs: %w", err)
	}
	p := mail.Prefs{AllOff: d.AllOff}
	for _, k := range d.Off {
		p.Off = append(p.Off, mail.Kind(k))
	}
	return p, nil
}

// SetMailPrefs stores an entrant's email preferences.
func (s *MongoStore) SetMailPrefs(ctx context.Context, id string, p mail.Prefs) error {
	off := make([]string, 0, len(p.Off))
	for _, k := range p.Off {
		off = append(off, string(k))
	}
	res, err := s.entrants.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "mail_off", Value: off}, {Key: "mail_all_off", Value: p.AllOff}}}})
	if err != nil {
		return fmt.Errorf("entrants: set prefs: %w", err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("entrants: %w", ErrNotFound)
	}
	return nil
}
