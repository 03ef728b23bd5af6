// Package mail sends Tryout's email. Every message is first written to the
// outbox (a record per message and recipient with its delivery status), then
// delivered over SMTP by a queued task with retries. Without SMTP configured,
// messages are kept in the outbox, where staff can read them.
package mail

import (
	"context"
	"errors"
	"time"
)

// Errors callers can test with errors.Is.
var (
	ErrNotFound  = errors.New("message not found")
	ErrDuplicate = errors.New("message already in the outbox")
)

// IDPrefix starts every message id.
const IDPrefix = "ms_"

// Kind says what a message is for.
type Kind string

// Message kinds.
const (
	KindLoginLink     Kind = "login_link"     // transactional: always sent
	KindEntryReceived Kind = "entry_received" // the brand's first thank-you
	KindDecision      Kind = "entry_decision" // approved, rejected, changes requested, taken down
	KindVotesAdjusted Kind = "votes_adjusted" // fraud review changed an entry's vote total
	KindMilestone     Kind = "vote_milestone" // an entry reached 10, 100, 1000 votes
	KindResults       Kind = "results"        // finalist, winner, and the thank-you at close
	KindTeam          Kind = "team"           // written by the campaign team to one entrant or a segment
	KindAccount       Kind = "account"        // transactional: the link confirming an account deletion
	KindGuardian      Kind = "guardian"       // transactional: to a parent or guardian, asking for consent
)

// Status is where a message stands in delivery.
type Status string

// Delivery statuses.
const (
	Queued Status = "queued" // waiting for the mail task
	Sent   Status = "sent"   // accepted by the SMTP server
	Failed Status = "failed" // the last attempt failed; the task retries
	Kept   Status = "kept"   // no SMTP configured: kept for staff to read
	// Suppressed: the recipient turned this kind off; not emailed, still
	// in their in-app inbox.
	Suppressed Status = "suppressed"
)

// Message is one email to one recipient.
type Message struct {
	ID         string
	Kind       Kind
	To         string
	EntrantID  string
	CampaignID string
	EntryID    string
	Subject    string
	Text       string
	Link       string // the call to action, also in Text
	// Key makes sending idempotent: a second Send with the same key
	// returns the first message and sends nothing.
	Key string
	// Broadcast is the staff message this one was sent for, if any.
	Broadcast string
	// Unsubscribe is the one-click unsubscribe URL (List-Unsubscribe);
	// empty for transactional messages. Preferences is the page where the
	// recipient chooses what they get.
	Unsubscribe, Preferences string
	Status                   Status
	Attempts                 int
	LastError                string
	CreatedAt                time.Time
	SentAt                   time.Time
}

// Store is the outbox.
type Store interface {
	// Insert adds a message; ErrDuplicate if its id is taken.
	Insert(ctx context.Context, m Message) error
	Get(ctx context.Context, id string) (Message, error)
	// MarkSent records delivery; it reports false if the message was already
	// marked sent (a retried task must not count twice).
	MarkSent(ctx context.Context, id string, at time.Time) (bool, error)
	MarkFailed(ctx context.Context, id string, reason string, at time.Time) error
	// MarkSuppressed records that the message was not emailed because the
	// recipient turned its kind off (unless it was already sent).
	MarkSuppressed(ctx context.Context, id string, reason string) error
	List(ctx context.Context, limit int) ([]Message, error)
	ListByEntrant(ctx context.Context, entrantID string, limit int) ([]Message, error)
	ListByBroadcast(ctx context.Context, broadcastID, after string, limit int) ([]Message, error)
	CountByBroadcast(ctx context.Context, broadcastID string) (map[Status]int, error)
	// ListStale returns messages in status created before the time.
	ListStale(ctx context.Context, status Status, before time.Time, limit int) ([]Message, error)
}
