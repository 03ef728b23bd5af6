package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/ratelimit"
	"github.com/tryout/tryout/internal/tasks"
)

// Sender delivers a composed message.
type Sender interface {
	Send(ctx context.Context, from, to string, msg []byte) error
}

// MailHandler runs mail:send. A message already marked sent is skipped, so
// a retried task does not send twice. (If the process dies between the SMTP
// server accepting and the outbox being marked, the retry sends again with
// the same Message-ID, which receiving servers may use to drop it.)
type MailHandler struct {
	Outbox mail.Store
	Sender Sender
	// Prefs gives a recipient's email preferences; a message of a kind
	// they turned off is not emailed (it stays in their inbox).
	Prefs interface {
		MailPrefs(ctx context.Context, entrantID string) (mail.Prefs, error)
	}
	// CampaignLimit bounds the emails one campaign sends per window, so a
	// big announcement cannot flood the SMTP relay (or look like spam to
	// it); nil for no limit. Sign-in links are never held back.
	CampaignLimit *ratelimit.Limiter
	From          string
	Domain        string
	Now           func() time.Time
	Log           *slog.Logger
}

// ProcessTask implements asynq.Handler.
func (h *MailHandler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := tasks.ParseMailSend(t)
	if err != nil {
		return err
	}
	m, err := h.Outbox.Get(ctx, p.MessageID)
	if errors.Is(err, mail.ErrNotFound) {
		return fmt.Errorf("mail: %s is gone: %w", p.MessageID, asynq.SkipRetry)
	}
	if err != nil {
		return err
	}
	if m.Status == mail.Sent || m.Status == mail.Suppressed {
		return nil
	}
	// Preferences are read at send time, so turning a kind off stops
	// messages already queued.
	if h.Prefs != nil && m.EntrantID != "" && !m.Kind.Transactional() {
		p, err := h.Prefs.MailPrefs(ctx, m.EntrantID)
		if err != nil {
			return err
		}
		if !p.Allows(m.Kind) {
			return h.Outbox.MarkSuppressed(ctx, m.ID, "the recipient turned these emails off")
		}
	}
	if h.CampaignLimit != nil && m.CampaignID != "" && !m.Kind.Transactional() {
		ok, wait, err := h.CampaignLimit.Allow(ctx, m.CampaignID)
		if err != nil {
			return err
		}
		if !ok {
			return tasks.Later(wait, "campaign send rate")
		}
	}
	if err := h.Sender.Send(ctx, h.From, m.To, mail.Compose(m, h.From, h.Domain, h.Now())); err != nil {
		if merr := h.Outbox.MarkFailed(ctx, m.ID, err.Error(), h.Now()); merr != nil {
			h.Log.Error("mail: record failure", "message", m.ID, "err", merr)
		}
		return err
	}
	if _, err := h.Outbox.MarkSent(ctx, m.ID, h.Now()); err != nil {
		return fmt.Errorf("mail: sent %s but could not record it: %w: %w", m.ID, err, asynq.SkipRetry)
	}
	return nil
}
