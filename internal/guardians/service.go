package guardians

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/signing"
)

const purposeLink = "guardian-consent"

// Notifier sends the guardian's emails and tells the entrant.
type Notifier interface {
	GuardianRequest(ctx context.Context, to string, e entries.Entry, campaignName, token string, expires time.Time, reminder int) error
	GuardianExpired(ctx context.Context, e entries.Entry, days int) error
	Decision(ctx context.Context, e entries.Entry, reason string) error
}

// Entries is the entry store (the gallery-synced one, so an entry put live
// here reaches the gallery) plus clearing the hold.
type Entries interface {
	entries.Store
	SetGuardianPending(ctx context.Context, id string, pending bool) error
}

// Service asks, records, reminds and expires.
type Service struct {
	Store     Store
	Entries   Entries
	Campaigns campaigns.Store
	Slots     entries.Slots // a withdrawn entry gives its slot back
	Notify    Notifier
	Signer    signing.Signer
	HashIP    func(ip string) string
	Now       func() time.Time
	Log       *slog.Logger
}

type linkClaims struct {
	EntryID string `json:"e"`
	Expires int64  `json:"x"`
}

// Ask records that the entry needs the guardian at email. Call it before
// the entry is stored, so a stored entry always has its request; Send
// emails it once the entry exists.
func (s *Service) Ask(ctx context.Context, c campaigns.Campaign, e entries.Entry, email string) error {
	now := s.Now()
	days := c.GuardianDays
	if days <= 0 {
		days = campaigns.DefaultGuardianDays
	}
	return s.Store.Insert(ctx, Consent{EntryID: e.ID, EntrantID: e.EntrantID, CampaignID: c.ID, Email: email,
		RequestedAt: now, ExpiresAt: now.Add(time.Duration(days) * 24 * time.Hour)})
}

// Send emails the request (or its next reminder). A failure is returned;
// the sweep tries again.
func (s *Service) Send(ctx context.Context, entryID string) error {
	g, err := s.Store.Get(ctx, entryID)
	if err != nil {
		return err
	}
	return s.send(ctx, g, 0)
}

func (s *Service) send(ctx context.Context, g Consent, reminder int) error {
	e, err := s.Entries.Get(ctx, g.EntryID)
	if errors.Is(err, entries.ErrNotFound) { // the entry was never stored: nothing to ask
		return s.Store.Expire(ctx, g.EntryID)
	}
	if err != nil {
		return err
	}
	c, err := s.Campaigns.Get(ctx, g.CampaignID)
	if err != nil {
		return err
	}
	if err := s.Notify.GuardianRequest(ctx, g.Email, e, c.Name, s.token(g), g.ExpiresAt, reminder); err != nil {
		return fmt.Errorf("guardians: send: %w", err)
	}
	return s.Store.SetSent(ctx, g.EntryID, reminder)
}

func (s *Service) token(g Consent) string {
	b, _ := json.Marshal(linkClaims{EntryID: g.EntryID, Expires: g.ExpiresAt.Unix()})
	return s.Signer.Sign(purposeLink, b)
}

// Request is what the consent page shows: the entry, the campaign and the
// exact text.
type Request struct {
	Consent
	CampaignName, CampaignSlug, EntryTitle, CreatorName string
	// Agreement is the text the guardian agrees to (the stored one once
	// given).
	Agreement, Version string
}

// Open checks a link and returns the request it is for. An expired or
// settled request is returned with its status (the page says so).
func (s *Service) Open(ctx context.Context, token string) (Request, error) {
	b, err := s.Signer.Verify(purposeLink, token)
	if err != nil {
		return Request{}, ErrLinkInvalid
	}
	var lc linkClaims
	if err := json.Unmarshal(b, &lc); err != nil || lc.EntryID == "" {
		return Request{}, ErrLinkInvalid
	}
	g, err := s.Store.Get(ctx, lc.EntryID)
	if errors.Is(err, ErrNotFound) {
		return Request{}, ErrLinkInvalid // the entrant deleted their account
	}
	if err != nil {
		return Request{}, err
	}
	e, err := s.Entries.Get(ctx, g.EntryID)
	if err != nil {
		return Request{}, err
	}
	c, err := s.Campaigns.Get(ctx, g.CampaignID)
	if err != nil {
		return Request{}, err
	}
	r := Request{Consent: g, CampaignName: c.Name, CampaignSlug: c.Slug, EntryTitle: e.Title, CreatorName: e.CreatorName,
		Agreement: Text(c.Name, e.Title), Version: TextVersion}
	if g.Status == Given {
		r.Agreement, r.Version = g.Text, g.TextVersion
	}
	if g.Status == Pending && !s.Now().Before(g.ExpiresAt) {
		r.Status = Expired // the sweep has not run yet; it is too late all the same
	}
	return r, nil
}

// Give records the guardian's consent to the text they were shown and
// releases the entry. Consenting twice is fine; consenting late is
// ErrExpired.
func (s *Service) Give(ctx context.Context, token, ip string) (Request, error) {
	r, err := s.Open(ctx, token)
	if err != nil {
		return r, err
	}
	switch r.Status {
	case Given:
		return r, nil
	case Expired:
		return r, ErrExpired
	}
	g, err := s.Store.Give(ctx, r.EntryID, r.Version, r.Agreement, s.HashIP(ip), s.Now())
	if errors.Is(err, ErrConflict) {
		return s.Open(ctx, token) // given or expired meanwhile: say which
	}
	if err != nil {
		return r, err
	}
	r.Consent = g
	if err := s.apply(ctx, g); err != nil {
		s.Log.Error("guardians: consent recorded, entry not yet released; the sweep will finish", "entry", g.EntryID, "err", err)
	}
	return r, nil
}

// apply releases the entry after consent: the hold goes, and an entry
// screening had approved goes live (a machine decision, told as such).
func (s *Service) apply(ctx context.Context, g Consent) error {
	if err := s.Entries.SetGuardianPending(ctx, g.EntryID, false); err != nil && !errors.Is(err, entries.ErrNotFound) {
		return err
	}
	e, err := s.Entries.Get(ctx, g.EntryID)
	if err != nil && !errors.Is(err, entries.ErrNotFound) {
		return err
	}
	if err == nil && g.AutoLive && e.Status == entries.InReview && e.StatusReason == entries.GuardianWaiting {
		moved, err := entries.MoveWith(ctx, s.Entries, e, entries.Change{To: entries.Live, At: s.Now(), IfUpdatedAt: e.UpdatedAt})
		switch {
		case errors.Is(err, entries.ErrConflict):
			// a moderator decided meanwhile: theirs stands
		case err != nil:
			return err
		default:
			if err := s.Notify.Decision(ctx, moved, ""); err != nil {
				s.Log.Error("guardians: could not tell the entrant", "entry", e.ID, "err", err)
			}
		}
	}
	return s.Store.SetApplied(ctx, g.EntryID)
}

// HoldForLive notes that screening would have put the entry live: it
// goes live when the guardian consents.
func (s *Service) HoldForLive(ctx context.Context, entryID string) error {
	return s.Store.SetAutoLive(ctx, entryID)
}
