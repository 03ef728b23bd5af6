package entries

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// MongoStore keeps entries in one MongoDB collection.
type MongoStore struct{ c *mongo.Collection }

var _ Store = (*MongoStore)(nil)

// NewMongoStore returns a store over the given collection.
func NewMongoStore(c *mongo.Collection) *MongoStore { return &MongoStore{c: c} }

type entryDoc struct {
	ID           string      `bson:"_id"`
	CampaignID   string      `bson:"campaign_id"`
	Title        string      `bson:"title"`
	Description  string      `bson:"description"`
	Status       string      `bson:"status"`
	StatusReason string      `bson:"status_reason,omitempty"`
	History      []changeDoc `bson:"history"`
	Original     objectDoc   `bson:"original"`
	Media        *mediaDoc   `bson:"media,omitempty"`
	CreatedAt    time.Time   `bson:"created_at"`
	UpdatedAt    time.Time   `bson:"updated_at"`
}

type changeDoc struct {
	From   string    `bson:"from"`
	To     string    `bson:"to"`
	Reason string    `bson:"reason,omitempty"`
	At     time.Time `bson:"at"`
}

type objectDoc struct {
	Key         string `bson:"key"`
	Size        int64  `bson:"size"`
	ContentType string `bson:"content_type"`
	Filename    string `bson:"filename"`
}

type mediaDoc struct {
	FormatName      string  `bson:"format_name"`
	DurationSeconds float64 `bson:"duration_s"`
	Width           int     `bson:"width"`
	Height          int     `bson:"height"`
	Rotation        int     `bson:"rotation"`
	VideoCodec      string  `bson:"video_codec"`
	AudioCodec      string  `bson:"audio_codec"`
	FrameRate       float64 `bson:"frame_rate"`
	BitRate         int64   `bson:"bit_rate"`
}

func toDoc(e Entry) entryDoc {
	d := entryDoc{
		ID: e.ID, CampaignID: e.CampaignID, Title: e.Title, Description: e.Description,
		Status: string(e.Status), StatusReason: e.StatusReason, History: []changeDoc{},
		Original:  objectDoc(e.Original),
		CreatedAt: e.CreatedAt.UTC(), UpdatedAt: e.UpdatedAt.UTC(),
	}
	for _, h := range e.History {
		d.History = append(d.History, changeDoc{string(h.From), string(h.To), h.Reason, h.At.UTC()})
	}
	if e.Media != nil {
		m := mediaDoc(*e.Media)
		d.Media = &m
	}
	return d
}

func (d entryDoc) entry() Entry {
	e := Entry{
		ID: d.ID, CampaignID: d.CampaignID, Title: d.Title, Description: d.Description,
		Status: Status(d.Status), StatusReason: d.StatusReason,
		Original:  Object(d.Original),
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
	for _, h := range d.History {
		e.History = append(e.History, StatusChange{Status(h.From), Status(h.To), h.Reason, h.At})
	}
	if d.Media != nil {
		m := Media(*d.Media)
		e.Media = &m
	}
	return e
}

// Create inserts a new entry.
func (s *MongoStore) Create(ctx context.Context, e Entry) error {
	if _, err := s.c.InsertOne(ctx, toDoc(e)); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("entries: create %s: %w", e.ID, ErrConflict)
		}
		return fmt.Errorf("entries: create: %w", err)
	}
	return nil
}

// Get returns one entry or ErrNotFound.
func (s *MongoStore) Get(ctx context.Context, id string) (Entry, error) {
	var d entryDoc
	err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Entry{}, fmt.Errorf("entries: get %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("entries: get: %w", err)
	}
	return d.entry(), nil
}

// Transition moves the entry only if it is still in from: the status in the
// filter makes the change a compare-and-set on one document.
func (s *MongoStore) Transition(ctx context.Context, id string, from, to Status, reason string, at time.Time) (Entry, error) {
	at = at.UTC()
	set := bson.D{{Key: "status", Value: string(to)}, {Key: "updated_at", Value: at}, {Key: "status_reason", Value: reason}}
	update := bson.D{
		{Key: "$set", Value: set},
		{Key: "$push", Value: bson.D{{Key: "history", Value: changeDoc{string(from), string(to), reason, at}}}},
	}
	filter := bson.D{{Key: "_id", Value: id}, {Key: "status", Value: string(from)}}
	var d entryDoc
	err := s.c.FindOneAndUpdate(ctx, filter, update, options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		if _, gerr := s.Get(ctx, id); gerr != nil {
			return Entry{}, gerr
		}
		return Entry{}, fmt.Errorf("entries: %s is no longer %s: %w", id, from, ErrConflict)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("entries: transition: %w", err)
	}
	return d.entry(), nil
}

// SetMedia records what probing found.
func (s *MongoStore) SetMedia(ctx context.Context, id string, m Media, at time.Time) error {
	md := mediaDoc(m)
	res, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "media", Value: md}, {Key: "updated_at", Value: at.UTC()}}}})
	if err != nil {
		return fmt.Errorf("entries: set media: %w", err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("entries: set media %s: %w", id, ErrNotFound)
	}
	return nil
}

// ListByCampaign returns a campaign's newest entries first.
func (s *MongoStore) ListByCampaign(ctx context.Context, campaignID string, limit int) ([]Entry, error) {
	opts := options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}).SetLimit(int64(limit))
	cur, err := s.c.Find(ctx, bson.D{{Key: "campaign_id", Value: campaignID}}, opts)
	if err != nil {
		return nil, fmt.Errorf("entries: list: %w", err)
	}
	var docs []entryDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("entries: list: %w", err)
	}
	out := make([]Entry, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.entry())
	}
	return out, nil
}

// Delete removes an entry; deleting a missing entry is not an error.
func (s *MongoStore) Delete(ctx context.Context, id string) error {
	if _, err := s.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return fmt.Errorf("entries: delete: %w", err)
	}
	return nil
}
