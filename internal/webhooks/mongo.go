package webhooks

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

// MongoStore keeps endpoints and deliveries in two collections.
type MongoStore struct{ endpoints, deliveries *mongo.Collection }

var _ Store = (*MongoStore)(nil)

// NewMongoStore returns a store over the two collections.
func NewMongoStore(endpoints, deliveries *mongo.Collection) *MongoStore {
	return &MongoStore{endpoints, deliveries}
}

type endpointDoc struct {
	ID         string    `bson:"_id"`
	CampaignID string    `bson:"campaign_id"`
	URL        string    `bson:"url"`
	Events     []string  `bson:"events"`
	Secret     string    `bson:"secret"`
	PrevSecret string    `bson:"prev_secret,omitempty"`
	PrevUntil  time.Time `bson:"prev_until,omitempty"`
	CreatedAt  time.Time `bson:"created_at"`
}

func (d endpointDoc) endpoint() Endpoint {
	e := Endpoint{ID: d.ID, CampaignID: d.CampaignID, URL: d.URL, Secret: d.Secret, PrevSecret: d.PrevSecret, PrevUntil: d.PrevUntil, CreatedAt: d.CreatedAt}
	for _, t := range d.Events {
		e.Events = append(e.Events, EventType(t))
	}
	return e
}

type attemptDoc struct {
	At         time.Time `bson:"at"`
	StatusCode int       `bson:"status_code"`
	Error      string    `bson:"error,omitempty"`
	DurationMS int64     `bson:"duration_ms"`
}

type deliveryDoc struct {
	ID         string       `bson:"_id"`
	EndpointID string       `bson:"endpoint_id"`
	CampaignID string       `bson:"campaign_id"`
	EventID    string       `bson:"event_id"`
	Type       string       `bson:"type"`
	Body       []byte       `bson:"body"`
	Status     string       `bson:"status"`
	Attempts   []attemptDoc `bson:"attempts"`
	ReplayOf   string       `bson:"replay_of,omitempty"`
	CreatedAt  time.Time    `bson:"created_at"`
	EntrantID  string       `bson:"entrant_id,omitempty"`
}

func (d deliveryDoc) delivery() Delivery {
	out := Delivery{ID: d.ID, EndpointID: d.EndpointID, CampaignID: d.CampaignID, EventID: d.EventID, Type: EventType(d.Type),
		Body: d.Body, Status: d.Status, ReplayOf: d.ReplayOf, CreatedAt: d.CreatedAt, EntrantID: d.EntrantID}
	for _, a := range d.Attempts {
		out.Attempts = append(out.Attempts, Attempt(a))
	}
	return out
}

// CreateEndpoint implements Store.
func (s *MongoStore) CreateEndpoint(ctx context.Context, e Endpoint) error {
	d := endpointDoc{ID: e.ID, CampaignID: e.CampaignID, URL: e.URL, Secret: e.Secret, CreatedAt: e.CreatedAt}
	for _, t := range e.Events {
		d.Events = append(d.Events, string(t))
	}
	if _, err := s.endpoints.InsertOne(ctx, d); err != nil {
		return fmt.Errorf("webhooks: create: %w", err)
	}
	return nil
}

// Endpoint implements Store.
func (s *MongoStore) Endpoint(ctx context.Context, id string) (Endpoint, error) {
	var d endpointDoc
	err := s.endpoints.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Endpoint{}, ErrNotFound
	}
	if err != nil {
		return Endpoint{}, fmt.Errorf("webhooks: endpoint: %w", err)
	}
	return d.endpoint(), nil
}

// Endpoints implements Store.
func (s *MongoStore) Endpoints(ctx context.Context, campaignID string) ([]Endpoint, error) {
	out, err := mongodb.FindAll(ctx, s.endpoints, bson.D{{Key: "campaign_id", Value: campaignID}}, bson.D{{Key: "created_at", Value: 1}}, 100, endpointDoc.endpoint)
	if err != nil {
		return nil, fmt.Errorf("webhooks: endpoints: %w", err)
	}
	return out, nil
}

// SetSecrets implements Store.
func (s *MongoStore) SetSecrets(ctx context.Context, id, secret, prev string, prevUntil time.Time) error {
	res, err := s.endpoints.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "secret", Value: secret}, {Key: "prev_secret", Value: prev}, {Key: "prev_until", Value: prevUntil}}}})
	if err != nil {
		return fmt.Errorf("webhooks: rotate: %w", err)
	}
	if res.MatchedCount == 0 {
		return ErrNotFound
	}
	return nil
}

// DeleteEndpoint implements Store; its deliveries stay in the log.
func (s *MongoStore) DeleteEndpoint(ctx context.Context, id string) error {
	if _, err := s.endpoints.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return fmt.Errorf("webhooks: delete: %w", err)
	}
	return nil
}

// InsertDelivery implements Store.
func (s *MongoStore) InsertDelivery(ctx context.Context, d Delivery) error {
	doc := deliveryDoc{ID: d.ID, EndpointID: d.EndpointID, CampaignID: d.CampaignID, EventID: d.EventID, Type: string(d.Type),
		Body: d.Body, Status: d.Status, Attempts: []attemptDoc{}, ReplayOf: d.ReplayOf, CreatedAt: d.CreatedAt, EntrantID: d.EntrantID}
	_, err := s.deliveries.InsertOne(ctx, doc)
	if mongo.IsDuplicateKeyError(err) {
		return ErrDuplicate
	}
	if err != nil {
		return fmt.Errorf("webhooks: record delivery: %w", err)
	}
	return nil
}

// Delivery implements Store.
func (s *MongoStore) Delivery(ctx context.Context, id string) (Delivery, error) {
	var d deliveryDoc
	err := s.deliveries.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Delivery{}, ErrNotFound
	}
	if err != nil {
		return Delivery{}, fmt.Errorf("webhooks: delivery: %w", err)
	}
	return d.delivery(), nil
}

// AddAttempt implements Store.
func (s *MongoStore) AddAttempt(ctx context.Context, id string, a Attempt, status string, erase bool) error {
	set := bson.D{{Key: "status", Value: status}}
	update := bson.D{{Key: "$push", Value: bson.D{{Key: "attempts", Value: attemptDoc(a)}}}}
	if erase {
		d, err := s.Delivery(ctx, id)
		if err != nil {
			return err
		}
		set = append(set, bson.E{Key: "body", Value: erasedBody(string(d.Type))})
		update = append(update, bson.E{Key: "$unset", Value: bson.D{{Key: "entrant_id", Value: ""}}})
	}
	update = append(update, bson.E{Key: "$set", Value: set})
	_, err := s.deliveries.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update)
	if err != nil {
		return fmt.Errorf("webhooks: log attempt: %w", err)
	}
	return nil
}

// Deliveries implements Store: the campaign's newest first.
func (s *MongoStore) Deliveries(ctx context.Context, campaignID string, limit int) ([]Delivery, error) {
	cur, err := s.deliveries.Find(ctx, bson.D{{Key: "campaign_id", Value: campaignID}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("webhooks: deliveries: %w", err)
	}
	var docs []deliveryDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("webhooks: deliveries: %w", err)
	}
	out := make([]Delivery, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.delivery())
	}
	return out, nil
}

// OfEntrant implements Store.
func (s *MongoStore) OfEntrant(ctx context.Context, entrantID string) ([]Delivery, error) {
	out, err := mongodb.FindAll(ctx, s.deliveries, bson.D{{Key: "entrant_id", Value: entrantID}}, bson.D{{Key: "created_at", Value: 1}}, 0, deliveryDoc.delivery)
	if err != nil {
		return nil, fmt.Errorf("webhooks: deliveries of entrant: %w", err)
	}
	return out, nil
}

// erasedBody is what an erased delivery's payload becomes.
func erasedBody(t string) []byte {
	return []byte(`{"type":"` + t + `","data":{"erased":true}}`)
}

// EraseBody replaces a delivery's payload with an erased one.
func (s *MongoStore) EraseBody(ctx context.Context, id string) error {
	d, err := s.Delivery(ctx, id)
	if err != nil {
		return err
	}
	_, err = s.deliveries.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{
		{Key: "$set", Value: bson.D{{Key: "body", Value: erasedBody(string(d.Type))}}},
		{Key: "$unset", Value: bson.D{{Key: "entrant_id", Value: ""}}}})
	if err != nil {
		return fmt.Errorf("webhooks: erase body: %w", err)
	}
	return nil
}

// ScrubEntrant implements Store.
func (s *MongoStore) ScrubEntrant(ctx context.Context, entrantID string) (int64, error) {
	list, err := s.OfEntrant(ctx, entrantID)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, d := range list {
		if d.Type == EntrantDeleted && d.Status == Pending {
			continue // erased once delivered
		}
		if err := s.EraseBody(ctx, d.ID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
