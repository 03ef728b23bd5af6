package mail

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tryout/tryout/internal/mongodb"
)

// MongoStore keeps the outbox in MongoDB.
type MongoStore struct{ c *mongo.Collection }

var _ Store = (*MongoStore)(nil)

// NewMongoStore returns an outbox over the collection.
func NewMongoStore(c *mongo.Collection) *MongoStore { return &MongoStore{c: c} }

type messageDoc struct {
	ID         string    `bson:"_id"`
	Kind       string    `bson:"kind"`
	To         string    `bson:"to"`
	EntrantID  string    `bson:"entrant_id,omitempty"`
	CampaignID string    `bson:"campaign_id,omitempty"`
	EntryID    string    `bson:"entry_id,omitempty"`
	Subject    string    `bson:"subject"`
	Text       string    `bson:"text"`
	Link       string    `bson:"link,omitempty"`
	Key        string    `bson:"key,omitempty"`
	Broadcast  string    `bson:"broadcast,omitempty"`
	Unsub      string    `bson:"unsubscribe,omitempty"`
	Prefs      string    `bson:"preferences,omitempty"`
	Status     string    `bson:"status"`
	Attempts   int       `bson:"attempts"`
	LastError  string    `bson:"last_error,omitempty"`
	CreatedAt  time.Time `bson:"created_at"`
	SentAt     time.Time `bson:"sent_at,omitempty"`
}

func (d messageDoc) message() Message {
	return Message{d.ID, Kind(d.Kind), d.To, d.EntrantID, d.CampaignID, d.EntryID, d.Subject, d.Text, d.Link,
		d.Key, d.Broadcast, d.Unsub, d.Prefs, Status(d.Status), d.Attempts, d.LastError, d.CreatedAt, d.SentAt}
}

// Insert adds a message to the outbox.
func (s *MongoStore) Insert(ctx context.Context, m Message) error {
	d := messageDoc{m.ID, string(m.Kind), m.To, m.EntrantID, m.CampaignID, m.EntryID, m.Subject, m.Text, m.Link,
		m.Key, m.Broadcast, m.Unsubscribe, m.Preferences, string(m.Status), m.Attempts, m.LastError, m.CreatedAt.UTC(), m.SentAt}
	if _, err := s.c.InsertOne(ctx, d); mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("mail: insert %s: %w", m.ID, ErrDuplicate)
	} else if err != nil {
		return fmt.Errorf("mail: insert: %w", err)
	}
	return nil
}

// Get returns one message.
func (s *MongoStore) Get(ctx context.Context, id string) (Message, error) {
	var d messageDoc
	err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Message{}, fmt.Errorf("mail: %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Message{}, fmt.Errorf("mail: get: %w", err)
	}
	return d.message(), nil
}

// MarkSent sets the message sent unless it already was.
func (s *MongoStore) MarkSent(ctx context.Context, id string, at time.Time) (bool, error) {
	return s.unlessSent(ctx, id, bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: string(Sent)}, {Key: "sent_at", Value: at.UTC()}, {Key: "last_error", Value: ""}}},
		{Key: "$inc", Value: bson.D{{Key: "attempts", Value: 1}}}})
}

// MarkFailed records a failed attempt.
func (s *MongoStore) MarkFailed(ctx context.Context, id, reason string, at time.Time) error {
	_, err := s.unlessSent(ctx, id, bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: string(Failed)}, {Key: "last_error", Value: reason}}},
		{Key: "$inc", Value: bson.D{{Key: "attempts", Value: 1}}}})
	return err
}

// MarkSuppressed sets the message suppressed unless it was sent.
func (s *MongoStore) MarkSuppressed(ctx context.Context, id, reason string) error {
	_, err := s.unlessSent(ctx, id, bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: string(Suppressed)}, {Key: "last_error", Value: reason}}}})
	return err
}

// unlessSent applies update to a message not yet sent, and reports whether
// it did. It reads, then updates by _id alone: FerretDB (SQLite) uses its
// primary key only for a filter that is exactly {_id}, and scans the whole
// outbox for any other, which made every delivery slower as the outbox
// grew. Only one mail task runs per message at a time (its task id), so
// nothing writes the message between the read and the update.
func (s *MongoStore) unlessSent(ctx context.Context, id string, update bson.D) (bool, error) {
	m, err := s.Get(ctx, id)
	if err != nil {
		return false, err
	}
	if m.Status == Sent {
		return false, nil
	}
	if _, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update); err != nil {
		return false, fmt.Errorf("mail: update %s: %w", id, err)
	}
	return true, nil
}

// List returns the newest messages first.
func (s *MongoStore) List(ctx context.Context, limit int) ([]Message, error) {
	return s.list(ctx, bson.D{}, limit)
}

// ListByEntrant returns one entrant's newest messages first.
func (s *MongoStore) ListByEntrant(ctx context.Context, entrantID string, limit int) ([]Message, error) {
	return s.list(ctx, bson.D{{Key: "entrant_id", Value: entrantID}}, limit)
}

// ListByBroadcast returns the messages of one staff message, a page of
// recipients at a time in id order, after the given id.
func (s *MongoStore) ListByBroadcast(ctx context.Context, broadcastID, after string, limit int) ([]Message, error) {
	f := bson.D{{Key: "broadcast", Value: broadcastID}}
	if after != "" {
		f = append(f, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	out, err := mongodb.FindAll(ctx, s.c, f, bson.D{{Key: "_id", Value: 1}}, limit, messageDoc.message)
	if err != nil {
		return nil, fmt.Errorf("mail: list broadcast: %w", err)
	}
	return out, nil
}

// CountByBroadcast counts one staff message's recipients by delivery status.
func (s *MongoStore) CountByBroadcast(ctx context.Context, broadcastID string) (map[Status]int, error) {
	cur, err := s.c.Aggregate(ctx, mongo.Pipeline{
		{{Key: "$match", Value: bson.D{{Key: "broadcast", Value: broadcastID}}}},
		{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$status"}, {Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}}}},
	})
	if err != nil {
		return nil, fmt.Errorf("mail: count broadcast: %w", err)
	}
	var rows []struct {
		Status string `bson:"_id"`
		N      int    `bson:"n"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, fmt.Errorf("mail: count broadcast: %w", err)
	}
	out := map[Status]int{}
	for _, r := range rows {
		out[Status(r.Status)] = r.N
	}
	return out, nil
}

// ListStale returns messages in status created before the time.
func (s *MongoStore) ListStale(ctx context.Context, status Status, before time.Time, limit int) ([]Message, error) {
	return s.list(ctx, bson.D{{Key: "status", Value: string(status)}, {Key: "created_at", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}}, limit)
}

func (s *MongoStore) list(ctx context.Context, filter bson.D, limit int) ([]Message, error) {
	out, err := mongodb.FindAll(ctx, s.c, filter, bson.D{{Key: "created_at", Value: -1}}, limit, messageDoc.message)
	if err != nil {
		return nil, fmt.Errorf("mail: list: %w", err)
	}
	return out, nil
}
