package mail

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/mail"
	"time"

	"github.com/tryout/tryout/internal/ids"
)

// Queue hands a message id to the mail task.
type Queue interface {
	EnqueueMail(ctx context.Context, messageID string) error
}

// Mailer writes messages to the outbox and queues their delivery.
type Mailer struct {
	Store   Store
	Queue   Queue
	Enabled bool // SMTP configured; otherwise messages are kept
	Now     func() time.Time
}

// Send records m and queues delivery. It returns the stored message. A
// message with a Key already sent under that key is returned as it was
// and nothing is sent again.
func (ml *Mailer) Send(ctx context.Context, m Message) (Message, error) {
	if _, err := mail.ParseAddress(m.To); err != nil {
		return Message{}, fmt.Errorf("mail: bad recipient: %w", err)
	}
	m.ID = ids.New(IDPrefix)
	if m.Key != "" {
		m.ID = KeyID(m.Key)
	}
	m.CreatedAt = ml.Now()
	m.Status = Kept
	if ml.Enabled {
		m.Status = Queued
	}
	if err := ml.Store.Insert(ctx, m); errors.Is(err, ErrDuplicate) && m.Key != "" {
		return ml.Store.Get(ctx, m.ID)
	} else if err != nil {
		return Message{}, err
	}
	if ml.Enabled {
		if err := ml.Queue.EnqueueMail(ctx, m.ID); err != nil {
			// The record stays queued; the outbox sweep re-queues it.
			return m, fmt.Errorf("mail: queue %s: %w", m.ID, err)
		}
	}
	return m, nil
}

// KeyID is the message id for an idempotency key: the same key always
// makes the same id, so the outbox's primary key refuses a second copy.
func KeyID(key string) string {
	sum := sha256.Sum256([]byte("tryout-mail|" + key))
	return ids.FromBytes(IDPrefix, sum[:16])
}
