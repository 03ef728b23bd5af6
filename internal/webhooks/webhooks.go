// Package webhooks sends a campaign's events to the endpoints its owners
// set up, signed as Standard Webhooks does: headers webhook-id,
// webhook-timestamp and webhook-signature ("v1," and the base64
// HMAC-SHA256 of "id.timestamp.body" under the endpoint's whsec_ secret;
// during a rotation's grace period the old secret signs too, the
// signatures space-separated). Each event is recorded once per endpoint as
// a delivery (its body fixed when the event happens), sent by an asynq task
// with retries and exponential backoff, every attempt logged with its
// response code, and replayable from the console. Addresses on private,
// loopback and link-local networks are refused when an endpoint is saved
// and again when each connection is made (the resolved address is checked
// at dial time, against DNS rebinding), unless configured otherwise.
package webhooks

import (
	"context"
	"errors"
	"slices"
	"time"
)

// EventType names what happened.
type EventType string

// The events an endpoint can choose.
const (
	EntryReceived     EventType = "entry.received"
	EntryLive         EventType = "entry.live"
	EntryRejected     EventType = "entry.rejected"
	EntryNeedsChanges EventType = "entry.needs_changes"
	VoteMilestone     EventType = "entry.vote_milestone"
	EntryFinalist     EventType = "entry.finalist"
	EntryWinner       EventType = "entry.winner"
	MessageSent       EventType = "message.sent" // a staff message to an entrant
	// EntrantDeleted is emitted by the entrant data-rights work (see
	// Service.EntrantDeleted).
	EntrantDeleted EventType = "entrant.deleted"
)

// EventTypes lists every event type, in the order the console shows them.
var EventTypes = []EventType{EntryReceived, EntryLive, EntryRejected, EntryNeedsChanges, VoteMilestone, EntryFinalist, EntryWinner, MessageSent, EntrantDeleted}

// Errors callers can test with errors.Is.
var (
	ErrNotFound   = errors.New("webhooks: not found")
	ErrInvalid    = errors.New("webhooks: invalid endpoint")
	ErrPrivateURL = errors.New("webhooks: address on a private, loopback or link-local network")
)

// Endpoint is one receiver of a campaign's events.
type Endpoint struct {
	ID         string
	CampaignID string
	URL        string
	Events     []EventType
	Secret     string // whsec_...
	// PrevSecret still signs until PrevUntil (a rotation's grace period).
	PrevSecret string
	PrevUntil  time.Time
	CreatedAt  time.Time
}

// Wants reports whether the endpoint chose the event type.
func (e Endpoint) Wants(t EventType) bool { return slices.Contains(e.Events, t) }

// Delivery statuses.
const (
	Pending   = "pending"
	Delivered = "delivered"
	Failed    = "failed" // out of retries, or the endpoint is gone
)

// Attempt is one try at a delivery.
type Attempt struct {
	At         time.Time
	StatusCode int    // 0 when no response came
	Error      string // why it failed, for people; "" on success
	DurationMS int64
}

// Delivery is one event for one endpoint, and every attempt at it.
type Delivery struct {
	ID         string
	EndpointID string
	CampaignID string
	EventID    string // the webhook-id: the same for a replay
	Type       EventType
	Body       []byte // the JSON payload, fixed when the event happened
	Status     string
	Attempts   []Attempt
	ReplayOf   string // the delivery this one replays, if any
	CreatedAt  time.Time
	EntrantID  string // the entrant the event is about ("": none, or erased)
}

// Last is the latest attempt (zero when none).
func (d Delivery) Last() Attempt {
	if len(d.Attempts) == 0 {
		return Attempt{}
	}
	return d.Attempts[len(d.Attempts)-1]
}

// Store keeps endpoints and deliveries.
type Store interface {
	CreateEndpoint(ctx context.Context, e Endpoint) error
	Endpoint(ctx context.Context, id string) (Endpoint, error)
	Endpoints(ctx context.Context, campaignID string) ([]Endpoint, error)
	SetSecrets(ctx context.Context, id, secret, prev string, prevUntil time.Time) error
	DeleteEndpoint(ctx context.Context, id string) error
	// InsertDelivery stores a new delivery; ErrDuplicate when its id exists.
	InsertDelivery(ctx context.Context, d Delivery) error
	Delivery(ctx context.Context, id string) (Delivery, error)
	// AddAttempt logs an attempt and sets the status; with erase the
	// payload is erased in the same update (a deleted entrant's last trace).
	AddAttempt(ctx context.Context, id string, a Attempt, status string, erase bool) error
	Deliveries(ctx context.Context, campaignID string, limit int) ([]Delivery, error)
	// OfEntrant lists the deliveries of events about an entrant.
	OfEntrant(ctx context.Context, entrantID string) ([]Delivery, error)
	// ScrubEntrant erases the payloads of the events about an entrant
	// (but entrant.deleted, erased once delivered) and forgets whom they
	// were about; it returns how many changed.
	ScrubEntrant(ctx context.Context, entrantID string) (int64, error)
}

// ErrDuplicate says a delivery with this id exists (the event was already
// recorded for the endpoint).
var ErrDuplicate = errors.New("webhooks: duplicate delivery")
