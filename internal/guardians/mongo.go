package guardians

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tryout/tryout/internal/mongodb"
)

// MongoStore keeps requests in one collection, keyed by entry id.
type MongoStore struct{ c *mongo.Collection }

var _ Store = (*MongoStore)(nil)

// NewMongoStore returns a store over the collection.
func NewMongoStore(c *mongo.Collection) *MongoStore { return &MongoStore{c: c} }

type consentDoc struct {
	EntryID     string    `bson:"_id"`
	EntrantID   string    `bson:"entrant_id"`
	CampaignID  string    `bson:"campaign_id"`
	Email       string    `bson:"email"`
	Status      string    `bson:"status"`
	RequestedAt time.Time `bson:"requested_at"`
	ExpiresAt   time.Time `bson:"expires_at"`
	Sent        bool      `bson:"sent"`
	Reminders   int       `bson:"reminders"`
	AutoLive    bool      `bson:"auto_live,omitempty"`
	TextVersion string    `bson:"text_version,omitempty"`
	Text        string    `bson:"text,omitempty"`
	GivenAt     time.Time `bson:"given_at,omitempty"`
	IPHash      string    `bson:"ip_hash,omitempty"`
	Applied     bool      `bson:"applied"`
}

func (d consentDoc) consent() Consent {
	return Consent{EntryID: d.EntryID, EntrantID: d.EntrantID, CampaignID: d.CampaignID, Email: d.Email, Status: Status(d.Status),
		RequestedAt: d.RequestedAt, ExpiresAt: d.ExpiresAt, Sent: d.Sent, Reminders: d.Reminders, AutoLive: d.AutoLive,
		TextVersion: d.TextVersion, Text: d.Text, GivenAt: d.GivenAt, IPHash: d.IPHash, Applied: d.Applied}
}

// Insert implements Store.
func (s *MongoStore) Insert(ctx context.Context, c Consent) error {
	d := consentDoc{EntryID: c.EntryID, EntrantID: c.EntrantID, CampaignID: c.CampaignID, Email: c.Email, Status: string(Pending),
		RequestedAt: c.RequestedAt.UTC(), ExpiresAt: c.ExpiresAt.UTC()}
	if _, err := s.c.InsertOne(ctx, d); mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("guardians: %s: %w", c.EntryID, ErrConflict)
	} else if err != nil {
		return fmt.Errorf("guardians: insert: %w", err)
	}
	return nil
}

// Get implements Store.
func (s *MongoStore) Get(ctx context.Context, entryID string) (Consent, error) {
	var d consentDoc
	err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: entryID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Consent{}, fmt.Errorf("guardians: %s: %w", entryID, ErrNotFound)
	}
	if err != nil {
		return Consent{}, fmt.Errorf("guardians: get: %w", err)
	}
	return d.consent(), nil
}

// Give implements Store: a compare-and-set on the pending status.
func (s *MongoStore) Give(ctx context.Context, entryID, version, text, ipHash string, at time.Time) (Consent, error) {
	var d consentDoc
	err := s.c.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: entryID}, {Key: "status", Value: string(Pending)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: string(Given)}, {Key: "text_version", Value: version}, {Key: "text", Value: text},
			{Key: "given_at", Value: at.UTC()}, {Key: "ip_hash", Value: ipHash}}}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Consent{}, fmt.Errorf("guardians: %s is not pending: %w", entryID, ErrConflict)
	}
	if err != nil {
		return Consent{}, fmt.Errorf("guardians: give: %w", err)
	}
	return d.consent(), nil
}

// Expire implements Store.
func (s *MongoStore) Expire(ctx context.Context, entryID string) error {
	res, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: entryID}, {Key: "status", Value: string(Pending)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: string(Expired)}}}})
	if err != nil {
		return fmt.Errorf("guardians: expire: %w", err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("guardians: %s is not pending: %w", entryID, ErrConflict)
	}
	return nil
}

// SetSent implements Store.
func (s *MongoStore) SetSent(ctx context.Context, entryID string, reminders int) error {
	return s.set(ctx, entryID, bson.D{{Key: "sent", Value: true}, {Key: "reminders", Value: reminders}})
}

// SetAutoLive implements Store.
func (s *MongoStore) SetAutoLive(ctx context.Context, entryID string) error {
	return s.set(ctx, entryID, bson.D{{Key: "auto_live", Value: true}})
}

// SetApplied implements Store.
func (s *MongoStore) SetApplied(ctx context.Context, entryID string) error {
	return s.set(ctx, entryID, bson.D{{Key: "applied", Value: true}})
}

func (s *MongoStore) set(ctx context.Context, entryID string, fields bson.D) error {
	res, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: entryID}}, bson.D{{Key: "$set", Value: fields}})
	if err != nil {
		return fmt.Errorf("guardians: update: %w", err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("guardians: %s: %w", entryID, ErrNotFound)
	}
	return nil
}

// Unsettled implements Store (a worker job: it scans, which the collection
// of open requests can afford).
func (s *MongoStore) Unsettled(ctx context.Context, limit int) ([]Consent, error) {
	filter := bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "status", Value: string(Pending)}},
		bson.D{{Key: "status", Value: string(Given)}, {Key: "applied", Value: false}},
	}}}
	out, err := mongodb.FindAll(ctx, s.c, filter, bson.D{{Key: "requested_at", Value: 1}}, limit, consentDoc.consent)
	if err != nil {
		return nil, fmt.Errorf("guardians: unsettled: %w", err)
	}
	return out, nil
}

// ByEntrant implements Store.
func (s *MongoStore) ByEntrant(ctx context.Context, entrantID string) ([]Consent, error) {
	out, err := mongodb.FindAll(ctx, s.c, bson.D{{Key: "entrant_id", Value: entrantID}}, bson.D{{Key: "requested_at", Value: 1}}, 0, consentDoc.consent)
	if err != nil {
		return nil, fmt.Errorf("guardians: by entrant: %w", err)
	}
	return out, nil
}

// DeleteByEntrant implements Store.
func (s *MongoStore) DeleteByEntrant(ctx context.Context, entrantID string) error {
	if _, err := s.c.DeleteMany(ctx, bson.D{{Key: "entrant_id", Value: entrantID}}); err != nil {
		return fmt.Errorf("guardians: delete: %w", err)
	}
	return nil
}
