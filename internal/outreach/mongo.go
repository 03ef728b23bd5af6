package outreach

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tryout/tryout/internal/messages"
	"github.com/tryout/tryout/internal/mongodb"
)

// MongoStore keeps staff messages in MongoDB.
type MongoStore struct{ c *mongo.Collection }

var _ Store = (*MongoStore)(nil)

// NewMongoStore returns a store over the collection.
func NewMongoStore(c *mongo.Collection) *MongoStore { return &MongoStore{c: c} }

type broadcastDoc struct {
	ID         string    `bson:"_id"`
	CampaignID string    `bson:"campaign_id"`
	Segment    string    `bson:"segment"`
	TopN       int       `bson:"top_n,omitempty"`
	EntrantID  string    `bson:"entrant_id,omitempty"`
	Subject    string    `bson:"subject"`
	Body       string    `bson:"body"`
	Action     string    `bson:"action,omitempty"`
	SendAt     time.Time `bson:"send_at"`
	Status     string    `bson:"status"`
	Planned    int       `bson:"planned"`
	Recipients int       `bson:"recipients"`
	CreatedBy  string    `bson:"created_by"`
	CreatedAt  time.Time `bson:"created_at"`
	SentAt     time.Time `bson:"sent_at,omitempty"`
}

func (d broadcastDoc) broadcast() Broadcast {
	return Broadcast{d.ID, d.CampaignID, Segment{d.Segment, d.TopN, d.EntrantID}, messages.Template{Subject: d.Subject, Body: d.Body, Action: d.Action},
		d.SendAt, Status(d.Status), d.Planned, d.Recipients, d.CreatedBy, d.CreatedAt, d.SentAt}
}

// Create implements Store.
func (s *MongoStore) Create(ctx context.Context, b Broadcast) error {
	d := broadcastDoc{b.ID, b.CampaignID, b.Segment.Kind, b.Segment.TopN, b.Segment.EntrantID, b.Template.Subject, b.Template.Body, b.Template.Action,
		b.SendAt.UTC(), string(b.Status), b.Planned, b.Recipients, b.CreatedBy, b.CreatedAt.UTC(), b.SentAt}
	if _, err := s.c.InsertOne(ctx, d); err != nil {
		return fmt.Errorf("outreach: create: %w", err)
	}
	return nil
}

// Get implements Store.
func (s *MongoStore) Get(ctx context.Context, id string) (Broadcast, error) {
	var d broadcastDoc
	err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Broadcast{}, fmt.Errorf("outreach: %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Broadcast{}, fmt.Errorf("outreach: get: %w", err)
	}
	return d.broadcast(), nil
}

// ListByCampaign implements Store: newest first.
func (s *MongoStore) ListByCampaign(ctx context.Context, campaignID string, limit int) ([]Broadcast, error) {
	out, err := mongodb.FindAll(ctx, s.c, bson.D{{Key: "campaign_id", Value: campaignID}}, bson.D{{Key: "created_at", Value: -1}}, limit, broadcastDoc.broadcast)
	if err != nil {
		return nil, fmt.Errorf("outreach: list: %w", err)
	}
	return out, nil
}

// SetStatus implements Store.
func (s *MongoStore) SetStatus(ctx context.Context, id string, from, to Status, recipients int, at time.Time) error {
	set := bson.D{{Key: "status", Value: string(to)}}
	if to == Sent {
		set = append(set, bson.E{Key: "recipients", Value: recipients}, bson.E{Key: "sent_at", Value: at.UTC()})
	}
	r, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "status", Value: string(from)}}, bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return fmt.Errorf("outreach: set status: %w", err)
	}
	if r.MatchedCount == 0 {
		if _, err := s.Get(ctx, id); err != nil {
			return err
		}
		return fmt.Errorf("outreach: %s is no longer %s: %w", id, from, ErrSent)
	}
	return nil
}

// MongoReplies keeps replies in MongoDB.
type MongoReplies struct{ c *mongo.Collection }

var _ ReplyStore = (*MongoReplies)(nil)

// NewMongoReplies returns a store over the collection.
func NewMongoReplies(c *mongo.Collection) *MongoReplies { return &MongoReplies{c: c} }

type replyDoc struct {
	ID         string    `bson:"_id"`
	EntrantID  string    `bson:"entrant_id"`
	CampaignID string    `bson:"campaign_id,omitempty"`
	MessageID  string    `bson:"message_id"`
	Text       string    `bson:"text"`
	At         time.Time `bson:"at"`
}

// Insert implements ReplyStore.
func (s *MongoReplies) Insert(ctx context.Context, r Reply) error {
	if _, err := s.c.InsertOne(ctx, replyDoc{r.ID, r.EntrantID, r.CampaignID, r.MessageID, r.Text, r.At.UTC()}); err != nil {
		return fmt.Errorf("outreach: insert reply: %w", err)
	}
	return nil
}

// ListByEntrant implements ReplyStore: newest first.
func (s *MongoReplies) ListByEntrant(ctx context.Context, entrantID string, limit int) ([]Reply, error) {
	out, err := mongodb.FindAll(ctx, s.c, bson.D{{Key: "entrant_id", Value: entrantID}}, bson.D{{Key: "at", Value: -1}}, limit,
		func(d replyDoc) Reply { return Reply(d) })
	if err != nil {
		return nil, fmt.Errorf("outreach: list replies: %w", err)
	}
	return out, nil
}
